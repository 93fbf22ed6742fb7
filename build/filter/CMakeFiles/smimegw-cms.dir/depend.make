# Empty dependencies file for smimegw-cms.
# This may be replaced when dependencies are built.
