# SmimegwInstall.cmake - what "cmake --install" puts where, and the Debian
# package that "cpack -G DEB" builds from the same rules.
#
# cmake --install BUILD [--prefix /usr]      (default prefix /usr/local)
#	PREFIX/sbin/smimegw, PREFIX/bin/smimegw-cms (filter/CMakeLists.txt)
#	PREFIX/share/man/man{1,5,8}/	smimegw-cms.1, smimegw.conf.5,
#					smimegw.8
#	PREFIX/share/doc/smimegw/	smimegw.conf.sample (every key,
#					commented), master.cf.sample
#	PREFIX/lib/systemd/system/	smimegw-check.service and .timer
#					(a daily "smimegw -n"; not enabled)
# Files that name a program (master.cf.sample, the units, the man pages)
# are written at install time with the prefix actually used, so
# "--prefix /usr" gives /usr/sbin/smimegw in them.
#
# The Debian package (cpack -G DEB in the build directory) installs the same
# files under /usr, plus /etc/smimegw/smimegw.conf as a conffile (the sample
# with a placeholder domain: the filter defers every message until it is
# edited, and Postfix uses it only once master.cf says so). Its maintainer
# scripts (packaging/) create the smimegw user, /etc/smimegw and
# /etc/smimegw/certs (0700, owned by smimegw) and postlog's statoverride.
include(GNUInstallDirs)

set(SG_INSTALL_STAGE "${CMAKE_BINARY_DIR}/install-stage")

# sg_install_subst(SRC DEST_DIR NAME [PERMS...]) - install SRC as
# DEST_DIR/NAME (DEST_DIR relative to the prefix, or absolute), with
# @VERSION@, @SBINDIR@, @BINDIR@ and @DOCDIR@ replaced and
# /usr/local/sbin/smimegw (master.cf.sample) made PREFIX/sbin/smimegw, all
# computed from the prefix in force when installing.
function(sg_install_subst src dest name)
  install(CODE "
    set(_p \"\${CMAKE_INSTALL_PREFIX}\")
    set(VERSION \"${PROJECT_VERSION}\")
    set(SBINDIR \"\${_p}/${CMAKE_INSTALL_SBINDIR}\")
    set(BINDIR \"\${_p}/${CMAKE_INSTALL_BINDIR}\")
    set(DOCDIR \"\${_p}/${CMAKE_INSTALL_DOCDIR}\")
    configure_file(\"${src}\" \"${SG_INSTALL_STAGE}/${name}\" @ONLY)
    file(READ \"${SG_INSTALL_STAGE}/${name}\" _t)
    string(REPLACE \"/usr/local/sbin/smimegw\" \"\${SBINDIR}/smimegw\" _t \"\${_t}\")
    file(WRITE \"${SG_INSTALL_STAGE}/${name}\" \"\${_t}\")
    set(_d \"${dest}\")
    if(NOT IS_ABSOLUTE \"\${_d}\")
      set(_d \"\${_p}/\${_d}\")
    endif()
    file(INSTALL DESTINATION \"\${_d}\" TYPE FILE
         PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
         FILES \"${SG_INSTALL_STAGE}/${name}\")
  " ${ARGN})
endfunction()

sg_install_subst("${CMAKE_SOURCE_DIR}/man/smimegw.8"
  "${CMAKE_INSTALL_MANDIR}/man8" smimegw.8)
sg_install_subst("${CMAKE_SOURCE_DIR}/man/smimegw.conf.5"
  "${CMAKE_INSTALL_MANDIR}/man5" smimegw.conf.5)
sg_install_subst("${CMAKE_SOURCE_DIR}/man/smimegw-cms.1"
  "${CMAKE_INSTALL_MANDIR}/man1" smimegw-cms.1)
sg_install_subst("${CMAKE_SOURCE_DIR}/man/smimegw-test.8"
  "${CMAKE_INSTALL_MANDIR}/man8" smimegw-test.8)
sg_install_subst("${CMAKE_SOURCE_DIR}/man/smimegw-cert.8"
  "${CMAKE_INSTALL_MANDIR}/man8" smimegw-cert.8)
foreach(f smimegw-sync.service smimegw-sync.timer)
  sg_install_subst("${CMAKE_SOURCE_DIR}/examples/${f}"
    "lib/systemd/system" ${f})
endforeach()
install(FILES "${CMAKE_SOURCE_DIR}/examples/community.ldif"
  "${CMAKE_SOURCE_DIR}/examples/smimegw-sync.cron"
  DESTINATION "${CMAKE_INSTALL_DOCDIR}")
sg_install_subst("${CMAKE_SOURCE_DIR}/master.cf.sample"
  "${CMAKE_INSTALL_DOCDIR}" master.cf.sample)
sg_install_subst("${CMAKE_SOURCE_DIR}/examples/smimegw.conf"
  "${CMAKE_INSTALL_DOCDIR}" smimegw.conf.sample)
sg_install_subst("${CMAKE_SOURCE_DIR}/examples/smimegw-check.service"
  "lib/systemd/system" smimegw-check.service)
sg_install_subst("${CMAKE_SOURCE_DIR}/examples/smimegw-check.timer"
  "lib/systemd/system" smimegw-check.timer)
# Only in the Debian package (a component "cmake --install" leaves out):
# the active configuration, a conffile.
install(FILES "${CMAKE_SOURCE_DIR}/examples/smimegw.conf"
  DESTINATION /etc/smimegw
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
  COMPONENT deb-etc EXCLUDE_FROM_ALL)

# The Debian package.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME smimegw)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "smimegw maintainers <postmaster@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "S/MIME domain encryption gateway for Postfix")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "S/MIME domain encryption gateway for Postfix
 smimegw is a Postfix content filter that encrypts mail leaving for partner
 domains with their domain certificates and decrypts mail encrypted for the
 gateway (RFC 3183 domain security services). See smimegw(8) and
 /usr/share/doc/smimegw/master.cf.sample.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Runtime libraries from dpkg-shlibdeps; passwd for useradd.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "passwd")
# The filter opens GMime with dlopen(3) (SMIMEGW_LAZY_MIME): shlibdeps
# cannot see that, so its package is named (libgmime-3.0.so.0: libgmime-3.0-0).
if(SMIMEGW_GMIME_SONAME MATCHES "^(lib.*)\\.so\\.([0-9]+)$")
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS
         ", ${CMAKE_MATCH_1}-${CMAKE_MATCH_2}")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "postfix")
# Everything "cmake --install" installs, plus the deb-etc component.
set(CPACK_INSTALL_CMAKE_PROJECTS
  "${CMAKE_BINARY_DIR};smimegw;ALL;/"
  "${CMAKE_BINARY_DIR};smimegw;deb-etc;/")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  "${CMAKE_SOURCE_DIR}/packaging/conffiles;${CMAKE_SOURCE_DIR}/packaging/postinst;${CMAKE_SOURCE_DIR}/packaging/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
