# External libraries: GnuTLS, libtasn1, libgcrypt, nettle (GnuTLS's; base64, RSA signatures with hogweed and GMP), GMime, libidn2 and OpenLDAP's libldap
# (the community directory, sg_ldap) through pkg-config,
# iniparser through its Debian headers, asn1Parser for the CMS ASN.1 module.
find_package(PkgConfig REQUIRED)
pkg_check_modules(GNUTLS REQUIRED IMPORTED_TARGET gnutls>=3.7)
pkg_check_modules(TASN1 REQUIRED IMPORTED_TARGET libtasn1>=4.13)
pkg_check_modules(GCRYPT REQUIRED IMPORTED_TARGET libgcrypt>=1.8)
pkg_check_modules(NETTLE REQUIRED IMPORTED_TARGET nettle>=3.4)
# 3.4.1: rsa_compute_root (sg_rsasign) became side-channel silent
pkg_check_modules(HOGWEED REQUIRED IMPORTED_TARGET hogweed>=3.4.1 gmp>=6.1)
pkg_check_modules(GMIME REQUIRED IMPORTED_TARGET gmime-3.0>=3.2)
pkg_check_modules(IDN2 REQUIRED IMPORTED_TARGET libidn2>=2.0)
pkg_check_modules(LDAP REQUIRED IMPORTED_TARGET ldap>=2.4 lber>=2.4)

find_path(INIPARSER_INCLUDE_DIR iniparser.h PATH_SUFFIXES iniparser REQUIRED)
find_library(INIPARSER_LIBRARY iniparser REQUIRED)
add_library(smimegw_iniparser INTERFACE)
target_include_directories(smimegw_iniparser INTERFACE ${INIPARSER_INCLUDE_DIR})
target_link_libraries(smimegw_iniparser INTERFACE ${INIPARSER_LIBRARY})

find_program(ASN1PARSER asn1Parser REQUIRED)
