# Empty dependencies file for smimegw_header_check.
# This may be replaced when dependencies are built.
