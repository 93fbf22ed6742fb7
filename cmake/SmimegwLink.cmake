# SmimegwLink.cmake - how the programs are linked (issue 11: start-up cost).
#
# A 10 KB message costs the filter little more than its own start, and
# most of that start is the dynamic loader mapping and relocating shared
# objects: each one on a program's DT_NEEDED list, and everything those
# pull in, is opened, mapped and searched for symbols on every message.
#
# --as-needed: a shared library stays on a program's DT_NEEDED list only
#	when the program uses a symbol from it. Debian's GCC passes it
#	already; said here for other toolchains (clang). It cannot drop
#	libldap from smimegw: sg_ldapsnap.o holds both the snapshot lookup
#	the filter calls and the directory sync that calls libldap.
#
# option SMIMEGW_STATIC_MIME (default OFF)
#	The smimegw filter, and only it, links GMime, GIO, GObject, GModule,
#	GLib, PCRE2, libffi and zlib from their static archives (Debian's
#	-dev packages ship them): seven fewer shared objects to load, and
#	GLib's thousands of symbols bound at link time instead of at every
#	start (tests/bench/bench_perf.py --sizes 10k: about 1 ms less CPU
#	per message, 1.5x -> 1.35x the CPU of openssl cms).
#	GnuTLS, nettle, libgcrypt, libtasn1, libidn2 and libc stay shared,
#	so that security updates of the crypto libraries apply without a
#	rebuild; so do libgpgme (GMime's g_mime_init() calls it), libmount
#	and libselinux (GIO's), which have no archive.
#	A GMime or GLib update, on the other hand, needs a rebuild of the
#	package with this option ON (dpkg-shlibdeps no longer sees them).
#	GMime parses untrusted mail: the default keeps it a shared library
#	(opened on first use, SMIMEGW_LAZY_MIME below), so that a
#	security update of GMime or GLib protects the filter at once; an
#	administrator who rebuilds with their updates can trade that for
#	the millisecond.
#
# How: PkgConfig::GMIME links the archives for a consuming program whose
# property SMIMEGW_STATIC_MIME is true (set in filter/CMakeLists.txt), the
# shared libraries for every other program and test.
add_link_options(LINKER:--as-needed)

set(_sg_lib /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE})
set(_sg_static_mime_found ON)
set(_sg_static_mime "")
foreach(a gmime-3.0 gio-2.0 gobject-2.0 gmodule-2.0 glib-2.0 pcre2-8 ffi z)
  find_library(SG_STATIC_${a} NAMES lib${a}.a HINTS ${_sg_lib})
  if(NOT SG_STATIC_${a})
    set(_sg_static_mime_found OFF)
  endif()
  list(APPEND _sg_static_mime ${SG_STATIC_${a}})
endforeach()
# Shared: no archive, or a security boundary of their own.
find_library(SG_SHARED_gpgme NAMES gpgme libgpgme.so.11 HINTS ${_sg_lib})
find_library(SG_SHARED_mount NAMES mount libmount.so.1 HINTS ${_sg_lib})
find_library(SG_SHARED_selinux NAMES selinux libselinux.so.1 HINTS ${_sg_lib})
foreach(s gpgme mount selinux)
  if(NOT SG_SHARED_${s})
    set(_sg_static_mime_found OFF)
  endif()
  list(APPEND _sg_static_mime ${SG_SHARED_${s}})
endforeach()
find_package(Threads REQUIRED)
list(APPEND _sg_static_mime Threads::Threads PkgConfig::IDN2 m ${CMAKE_DL_LIBS})

option(SMIMEGW_STATIC_MIME
  "Link GMime and GLib statically into the smimegw filter" OFF)
# ON only when a program linked that way starts GMime and parses a message.
if(_sg_static_mime_found AND SMIMEGW_STATIC_MIME)
  include(CheckCSourceRuns)
  set(CMAKE_REQUIRED_INCLUDES ${GMIME_INCLUDE_DIRS})
  set(CMAKE_REQUIRED_LIBRARIES ${_sg_static_mime})
  check_c_source_runs([=[
#include <string.h>
#include <gmime/gmime.h>
int main(void)
{
	static const char m[] = "From: a@b.example\\nSubject: t\\n\\nbody\\n";
	GMimeStream *s;
	GMimeParser *p;
	GMimeMessage *msg;

	g_mime_init();
	s = g_mime_stream_mem_new_with_buffer(m, strlen(m));
	p = g_mime_parser_new_with_stream(s);
	msg = g_mime_parser_construct_message(p, NULL);
	return msg != NULL && strcmp(g_mime_message_get_subject(msg), "t") == 0
	    ? 0 : 1;
}
]=] SG_STATIC_MIME_RUNS)
  unset(CMAKE_REQUIRED_INCLUDES)
  unset(CMAKE_REQUIRED_LIBRARIES)
  if(NOT SG_STATIC_MIME_RUNS)
    set(_sg_static_mime_found OFF)
  endif()
endif()
if(SMIMEGW_STATIC_MIME AND NOT _sg_static_mime_found)
  message(FATAL_ERROR "SMIMEGW_STATIC_MIME: a static archive of GMime, "
                      "GLib or their dependencies is missing, or a "
                      "program linked with them does not work")
endif()

# option SMIMEGW_LAZY_MIME (default ON; not with SMIMEGW_STATIC_MIME)
#	The smimegw filter is linked without GMime and GLib at all:
#	filter/smimegw_gmime.c defines the GMime and GLib functions it calls
#	and opens GMime's shared object (SONAME read here from the library
#	pkg-config names) with dlopen(3) at the first call. A message that
#	never needs a MIME parse (outbound, only wrapped) does not load
#	GMime, GIO, GObject, GLib, GPGME and what they pull in: about 1.8 ms
#	of CPU less per message; one that does loads the same shared objects
#	as before, so security updates of GMime and GLib still apply at once.
option(SMIMEGW_LAZY_MIME
  "Load GMime into the smimegw filter on first use (dlopen)" ON)
set(SMIMEGW_GMIME_SONAME "")
if(SMIMEGW_LAZY_MIME AND NOT SMIMEGW_STATIC_MIME)
  find_library(SG_SHARED_gmime NAMES gmime-3.0
               HINTS ${GMIME_LIBRARY_DIRS} ${_sg_lib})
  if(SG_SHARED_gmime AND CMAKE_OBJDUMP)
    execute_process(COMMAND ${CMAKE_OBJDUMP} -p ${SG_SHARED_gmime}
                    OUTPUT_VARIABLE _sg_dump ERROR_QUIET)
    if(_sg_dump MATCHES "SONAME +([^ \n]+)")
      set(SMIMEGW_GMIME_SONAME ${CMAKE_MATCH_1})
    endif()
  endif()
  if(SMIMEGW_GMIME_SONAME STREQUAL "")
    message(FATAL_ERROR "SMIMEGW_LAZY_MIME: cannot read the SONAME of "
                        "GMime's shared library (${SG_SHARED_gmime}); "
                        "configure with -DSMIMEGW_LAZY_MIME=OFF")
  endif()
  message(STATUS "smimegw loads ${SMIMEGW_GMIME_SONAME} on first use")
endif()

# A consuming program whose property SMIMEGW_STATIC_MIME is true links
# the archives; one whose SMIMEGW_LAZY_MIME is true links nothing of
# GMime (its headers still apply); every other one the shared libraries.
if(SMIMEGW_STATIC_MIME OR SMIMEGW_GMIME_SONAME)
  get_target_property(_sg_gmime_shared PkgConfig::GMIME
                      INTERFACE_LINK_LIBRARIES)
  set(_sg_is_static "$<BOOL:$<TARGET_PROPERTY:SMIMEGW_STATIC_MIME>>")
  set(_sg_is_lazy "$<BOOL:$<TARGET_PROPERTY:SMIMEGW_LAZY_MIME>>")
  set_property(TARGET PkgConfig::GMIME PROPERTY INTERFACE_LINK_LIBRARIES
    "$<${_sg_is_static}:${_sg_static_mime}>"
    "$<$<NOT:$<OR:${_sg_is_static},${_sg_is_lazy}>>:${_sg_gmime_shared}>")
endif()
