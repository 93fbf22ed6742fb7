file(REMOVE_RECURSE
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_asn1_hdr.c.o"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_asn1_hdr.c.o.d"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_ber_hdr.c.o"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_ber_hdr.c.o.d"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_buf_hdr.c.o"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_buf_hdr.c.o.d"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_certs_hdr.c.o"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_certs_hdr.c.o.d"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_cipher_hdr.c.o"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_cipher_hdr.c.o.d"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_cms_hdr.c.o"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_cms_hdr.c.o.d"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_keyring_hdr.c.o"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_keyring_hdr.c.o.d"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_keytrans_hdr.c.o"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_keytrans_hdr.c.o.d"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_mem_hdr.c.o"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_mem_hdr.c.o.d"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_status_hdr.c.o"
  "CMakeFiles/smimegw_header_check.dir/hdrtest/sg_status_hdr.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/smimegw_header_check.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
