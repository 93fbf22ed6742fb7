file(REMOVE_RECURSE
  "CMakeFiles/smimegw_lib.dir/sg_asn1.c.o"
  "CMakeFiles/smimegw_lib.dir/sg_asn1.c.o.d"
  "CMakeFiles/smimegw_lib.dir/sg_ber.c.o"
  "CMakeFiles/smimegw_lib.dir/sg_ber.c.o.d"
  "CMakeFiles/smimegw_lib.dir/sg_buf.c.o"
  "CMakeFiles/smimegw_lib.dir/sg_buf.c.o.d"
  "CMakeFiles/smimegw_lib.dir/sg_certs.c.o"
  "CMakeFiles/smimegw_lib.dir/sg_certs.c.o.d"
  "CMakeFiles/smimegw_lib.dir/sg_cipher.c.o"
  "CMakeFiles/smimegw_lib.dir/sg_cipher.c.o.d"
  "CMakeFiles/smimegw_lib.dir/sg_cms.c.o"
  "CMakeFiles/smimegw_lib.dir/sg_cms.c.o.d"
  "CMakeFiles/smimegw_lib.dir/sg_cms_asn1_tab.c.o"
  "CMakeFiles/smimegw_lib.dir/sg_cms_asn1_tab.c.o.d"
  "CMakeFiles/smimegw_lib.dir/sg_keyring.c.o"
  "CMakeFiles/smimegw_lib.dir/sg_keyring.c.o.d"
  "CMakeFiles/smimegw_lib.dir/sg_keytrans.c.o"
  "CMakeFiles/smimegw_lib.dir/sg_keytrans.c.o.d"
  "CMakeFiles/smimegw_lib.dir/sg_mem.c.o"
  "CMakeFiles/smimegw_lib.dir/sg_mem.c.o.d"
  "CMakeFiles/smimegw_lib.dir/sg_status.c.o"
  "CMakeFiles/smimegw_lib.dir/sg_status.c.o.d"
  "libsmimegw_lib.a"
  "libsmimegw_lib.pdb"
  "sg_cms_asn1_tab.c"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/smimegw_lib.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
