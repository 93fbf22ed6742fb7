
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/lib/sg_asn1.c" "lib/CMakeFiles/smimegw_lib.dir/sg_asn1.c.o" "gcc" "lib/CMakeFiles/smimegw_lib.dir/sg_asn1.c.o.d"
  "/work/main/lib/sg_ber.c" "lib/CMakeFiles/smimegw_lib.dir/sg_ber.c.o" "gcc" "lib/CMakeFiles/smimegw_lib.dir/sg_ber.c.o.d"
  "/work/main/lib/sg_buf.c" "lib/CMakeFiles/smimegw_lib.dir/sg_buf.c.o" "gcc" "lib/CMakeFiles/smimegw_lib.dir/sg_buf.c.o.d"
  "/work/main/lib/sg_certs.c" "lib/CMakeFiles/smimegw_lib.dir/sg_certs.c.o" "gcc" "lib/CMakeFiles/smimegw_lib.dir/sg_certs.c.o.d"
  "/work/main/lib/sg_cipher.c" "lib/CMakeFiles/smimegw_lib.dir/sg_cipher.c.o" "gcc" "lib/CMakeFiles/smimegw_lib.dir/sg_cipher.c.o.d"
  "/work/main/lib/sg_cms.c" "lib/CMakeFiles/smimegw_lib.dir/sg_cms.c.o" "gcc" "lib/CMakeFiles/smimegw_lib.dir/sg_cms.c.o.d"
  "/work/main/build/lib/sg_cms_asn1_tab.c" "lib/CMakeFiles/smimegw_lib.dir/sg_cms_asn1_tab.c.o" "gcc" "lib/CMakeFiles/smimegw_lib.dir/sg_cms_asn1_tab.c.o.d"
  "/work/main/lib/sg_keyring.c" "lib/CMakeFiles/smimegw_lib.dir/sg_keyring.c.o" "gcc" "lib/CMakeFiles/smimegw_lib.dir/sg_keyring.c.o.d"
  "/work/main/lib/sg_keytrans.c" "lib/CMakeFiles/smimegw_lib.dir/sg_keytrans.c.o" "gcc" "lib/CMakeFiles/smimegw_lib.dir/sg_keytrans.c.o.d"
  "/work/main/lib/sg_mem.c" "lib/CMakeFiles/smimegw_lib.dir/sg_mem.c.o" "gcc" "lib/CMakeFiles/smimegw_lib.dir/sg_mem.c.o.d"
  "/work/main/lib/sg_status.c" "lib/CMakeFiles/smimegw_lib.dir/sg_status.c.o" "gcc" "lib/CMakeFiles/smimegw_lib.dir/sg_status.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
