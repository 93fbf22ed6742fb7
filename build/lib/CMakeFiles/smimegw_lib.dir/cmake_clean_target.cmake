file(REMOVE_RECURSE
  "libsmimegw_lib.a"
)
