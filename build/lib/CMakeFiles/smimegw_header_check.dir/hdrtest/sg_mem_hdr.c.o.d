lib/CMakeFiles/smimegw_header_check.dir/hdrtest/sg_mem_hdr.c.o: \
 /work/main/build/lib/hdrtest/sg_mem_hdr.c /usr/include/stdc-predef.h \
 /work/main/lib/sg_mem.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/stddef.h
