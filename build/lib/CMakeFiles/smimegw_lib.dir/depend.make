# Empty dependencies file for smimegw_lib.
# This may be replaced when dependencies are built.
