
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/build/lib/hdrtest/sg_asn1_hdr.c" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_asn1_hdr.c.o" "gcc" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_asn1_hdr.c.o.d"
  "/work/main/build/lib/hdrtest/sg_ber_hdr.c" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_ber_hdr.c.o" "gcc" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_ber_hdr.c.o.d"
  "/work/main/build/lib/hdrtest/sg_buf_hdr.c" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_buf_hdr.c.o" "gcc" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_buf_hdr.c.o.d"
  "/work/main/build/lib/hdrtest/sg_certs_hdr.c" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_certs_hdr.c.o" "gcc" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_certs_hdr.c.o.d"
  "/work/main/build/lib/hdrtest/sg_cipher_hdr.c" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_cipher_hdr.c.o" "gcc" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_cipher_hdr.c.o.d"
  "/work/main/build/lib/hdrtest/sg_cms_hdr.c" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_cms_hdr.c.o" "gcc" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_cms_hdr.c.o.d"
  "/work/main/build/lib/hdrtest/sg_keyring_hdr.c" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_keyring_hdr.c.o" "gcc" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_keyring_hdr.c.o.d"
  "/work/main/build/lib/hdrtest/sg_keytrans_hdr.c" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_keytrans_hdr.c.o" "gcc" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_keytrans_hdr.c.o.d"
  "/work/main/build/lib/hdrtest/sg_mem_hdr.c" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_mem_hdr.c.o" "gcc" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_mem_hdr.c.o.d"
  "/work/main/build/lib/hdrtest/sg_status_hdr.c" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_status_hdr.c.o" "gcc" "lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_status_hdr.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
