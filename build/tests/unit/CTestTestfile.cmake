# CMake generated Testfile for 
# Source directory: /work/main/tests/unit
# Build directory: /work/main/build/tests/unit
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
add_test(unit-cms "/work/main/build/tests/unit/test_cms")
set_tests_properties(unit-cms PROPERTIES  LABELS "unit" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/tests/unit/CMakeLists.txt;9;add_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(unit-ber "/work/main/build/tests/unit/test_ber")
set_tests_properties(unit-ber PROPERTIES  LABELS "unit" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/tests/unit/CMakeLists.txt;9;add_test;/work/main/tests/unit/CMakeLists.txt;0;")
add_test(unit-keyring "/work/main/build/tests/unit/test_keyring")
set_tests_properties(unit-keyring PROPERTIES  LABELS "unit" TIMEOUT "300" _BACKTRACE_TRIPLES "/work/main/tests/unit/CMakeLists.txt;9;add_test;/work/main/tests/unit/CMakeLists.txt;0;")
