file(REMOVE_RECURSE
  "CMakeFiles/smimegw-cms.dir/smimegw_cms.c.o"
  "CMakeFiles/smimegw-cms.dir/smimegw_cms.c.o.d"
  "smimegw-cms"
  "smimegw-cms.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/smimegw-cms.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
