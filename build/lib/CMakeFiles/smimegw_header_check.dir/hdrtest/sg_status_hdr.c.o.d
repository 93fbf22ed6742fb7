lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_status_hdr.c.o: \
 /work/main/build/lib/hdrtest/sg_status_hdr.c /usr/include/stdc-predef.h \
 /work/main/lib/sg_status.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stdbool.h
