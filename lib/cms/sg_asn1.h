/*
 * NAME
 *	sg_asn1 3h
 * SUMMARY
 *	libtasn1 helpers over the project's CMS ASN.1 module
 * SYNOPSIS
 *	#include "sg_asn1.h"
 * DESCRIPTION
 *	Types are named without the module prefix ("EnvelopedContentInfo");
 *	the definitions (sg_cms.asn, compiled at build time) are loaded once.
 *	Paths are libtasn1 paths ("content.recipientInfos.?1.ktri.version").
 *
 *	sg_asn1_decode() expects definite lengths (see sg_ber(3)) and the
 *	whole input to be one element.
 *
 *	Nodes are owned by the caller and released with asn1_delete_structure.
 */
#ifndef SG_ASN1_H
#define SG_ASN1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gnutls/x509.h>
#include <libtasn1.h>

#include "sg_buf.h"
#include "sg_status.h"

#define SG_ASN1_OID_MAX 128

/* Object identifiers and an encoding that more than one writer needs. */
#define SG_OID_DATA		"1.2.840.113549.1.7.1"
#define SG_OID_RSA		"1.2.840.113549.1.1.1"
#define SG_OID_MGF1		"1.2.840.113549.1.1.8"

/* sg_asn1_null - the DER of NULL, as an algorithm's parameters */
extern const uint8_t sg_asn1_null[2];

/* sg_asn1_create - an empty element of a type of the module */
sg_status sg_asn1_create(const char *type, asn1_node *node);

/* sg_asn1_decode - decode der as type; REJECT on malformed input */
sg_status sg_asn1_decode(const char *type, const uint8_t *der, size_t len,
			 asn1_node *node);

/* sg_asn1_encode - DER-encode node, appending to out */
sg_status sg_asn1_encode(asn1_node node, sg_buf *out);

/* sg_asn1_write - asn1_write_value with a status (INTERNAL on failure) */
sg_status sg_asn1_write(asn1_node node, const char *path, const void *value,
			size_t len);

/* sg_asn1_write_str - write a NUL-terminated value (OID, decimal, choice) */
sg_status sg_asn1_write_str(asn1_node node, const char *path,
			    const char *value);

/* sg_asn1_alg_der - DER of AlgorithmIdentifier { oid, params }, appended */
sg_status sg_asn1_alg_der(const char *oid, const uint8_t *params,
			  size_t params_len, sg_buf *out);

/*
 * sg_asn1_write_ias - path.issuer and path.serialNumber of an
 * IssuerAndSerialNumber from cert (CONFIG when cert has none)
 */
sg_status sg_asn1_write_ias(asn1_node node, const char *path,
			    gnutls_x509_crt_t cert);

/* sg_asn1_read - read a value of any size into out (replacing it) */
bool	sg_asn1_read(asn1_node node, const char *path, sg_buf *out);

/* sg_asn1_read_small - read a value into buf of size bytes */
bool	sg_asn1_read_small(asn1_node node, const char *path, void *buf,
			   size_t size, size_t *len);

/* sg_asn1_read_str - read an OID or choice name as a C string */
bool	sg_asn1_read_str(asn1_node node, const char *path, char *buf,
			 size_t size);

/* sg_asn1_read_uint - read a small non-negative INTEGER */
bool	sg_asn1_read_uint(asn1_node node, const char *path, unsigned long *v);

/* sg_asn1_present - does the (OPTIONAL) element exist in node? */
bool	sg_asn1_present(asn1_node node, const char *path);

#endif
