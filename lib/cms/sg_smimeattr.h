/*
 * NAME
 *	sg_smimeattr 3h
 * SUMMARY
 *	S/MIME signed attributes: capabilities, encryption key preference,
 *	signature type
 * SYNOPSIS
 *	#include "sg_smimeattr.h"
 *
 *	st = sg_smimeattr_caps_encode(caps, ncaps, &der);
 *	st = sg_smimeattr_caps_decode(der, len, ids, SG_SMIMEATTR_MAX_CAPS, &n);
 *
 *	st = sg_smimeattr_ekp_encode(enc_cert, &der);
 *	sg_smimeattr_ekp ekp = SG_SMIMEATTR_EKP_INIT;
 *	st = sg_smimeattr_ekp_decode(der, len, &ekp);
 *	if (sg_smimeattr_ekp_find(&ekp, certs, ncerts, &i)) ...
 *	sg_smimeattr_ekp_free(&ekp);
 *
 *	st = sg_smimeattr_sigtype_encode(SG_SIGTYPE_DOMAIN, &der);
 *	st = sg_smimeattr_sigtype_decode(der, len, &types);
 *
 *	st = sg_smimeattr_time_encode(t, &der);
 *	st = sg_smimeattr_time_decode(der, len, &t);
 * DESCRIPTION
 *	Every function works on the DER of ONE attribute VALUE: the element
 *	inside the attrValues SET, which is what gnutls_pkcs7_add_attr()
 *	takes and gnutls_pkcs7_get_attr() returns. Encoders append to out;
 *	the value is built with libtasn1 from sg_cms.asn and decoded back
 *	before it is returned, so a caller never signs DER we cannot read.
 *
 *	SMIMECapabilities (RFC 8551 section 2.5.2, OID
 *	SG_OID_SMIME_CAPABILITIES): a SEQUENCE OF SMIMECapability; we write
 *	the content ciphers given, in the order given (strongest first),
 *	parameters absent. The decoder returns the sg_cipher_id values of
 *	the capabilities it knows, in the sender's order, skipping unknown
 *	OIDs (signature algorithms and the like) and duplicates; at most max
 *	are kept.
 *
 *	SMIMEEncryptionKeyPreference (RFC 8551 section 2.5.3, OID
 *	SG_OID_ENC_KEY_PREF): we write the issuerAndSerialNumber choice of a
 *	certificate. The decoder reads all three choices: issuer DER (the
 *	whole Name) and serial (the INTEGER's content octets, as
 *	gnutls_x509_crt_get_serial() gives them), or the key identifier of
 *	receipentKeyId / subjectAltKeyIdentifier. sg_smimeattr_ekp_find()
 *	picks the certificate it names out of a list (issuer DER compared
 *	byte for byte, serials compared as numbers, i.e. ignoring leading
 *	zero octets; key identifiers against the subjectKeyIdentifier
 *	extension).
 *
 *	SignatureType (RFC 3183 section 3.1.2, OID SG_OID_SIGNATURE_TYPE):
 *	a SEQUENCE OF OBJECT IDENTIFIER. Types are a bit mask of
 *	SG_SIGTYPE_* values; the encoder writes the set bits in ascending
 *	order, the decoder sets the bits of the OIDs it knows and ignores
 *	the others (an empty or all-unknown list decodes to 0).
 *
 *	SigningTime (RFC 5652 section 11.3, OID SG_OID_SIGNING_TIME):
 *	UTCTime for 1950 to 2049, GeneralizedTime otherwise, seconds, "Z".
 *	The decoder accepts both forms and returns seconds since the epoch;
 *	anything but digits, or a time that is not on the calendar
 *	(February 30, second 60), is malformed.
 * DIAGNOSTICS
 *	Decoders: SG_REJECT for malformed DER (truncation, wrong tag,
 *	trailing bytes) or a value too large. Encoders: SG_INTERNAL when
 *	libtasn1 or GnuTLS fails, SG_CONFIG for an empty or unknown cipher
 *	list, an unknown signature-type bit or a certificate that cannot be
 *	read.
 */
#ifndef SG_SMIMEATTR_H
#define SG_SMIMEATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <gnutls/x509.h>

#include "sg_buf.h"
#include "sg_cipher.h"
#include "sg_status.h"

/* Attribute types (attrType of the signed attribute). */
#define SG_OID_CONTENT_TYPE		"1.2.840.113549.1.9.3"
#define SG_OID_MESSAGE_DIGEST		"1.2.840.113549.1.9.4"
#define SG_OID_SIGNING_TIME		"1.2.840.113549.1.9.5"
#define SG_OID_SMIME_CAPABILITIES	"1.2.840.113549.1.9.15"
#define SG_OID_ENC_KEY_PREF		"1.2.840.113549.1.9.16.2.11"
#define SG_OID_SIGNATURE_TYPE		"1.2.840.113549.1.9.16.2.28"

/* RFC 3183 signature type identifiers (id-sti, smime 9). */
#define SG_OID_STI_ORIGINATOR		"1.2.840.113549.1.9.16.9.1"
#define SG_OID_STI_DOMAIN		"1.2.840.113549.1.9.16.9.2"
#define SG_OID_STI_ADD_ATTRIB		"1.2.840.113549.1.9.16.9.3"
#define SG_OID_STI_REVIEW		"1.2.840.113549.1.9.16.9.4"

#define SG_SIGTYPE_ORIGINATOR	0x01u	/* id-sti-originatorSig */
#define SG_SIGTYPE_DOMAIN	0x02u	/* id-sti-domainSig */
#define SG_SIGTYPE_ADD_ATTRIB	0x04u	/* id-sti-addAttribSig */
#define SG_SIGTYPE_REVIEW	0x08u	/* id-sti-reviewSig */

#define SG_SMIMEATTR_MAX_CAPS	16

typedef enum sg_smimeattr_ekp_kind {
	SG_EKP_NONE = 0,
	SG_EKP_ISSUER_SERIAL,		/* [0] issuerAndSerialNumber */
	SG_EKP_RECIPIENT_KEY_ID,	/* [1] receipentKeyId (its SKI) */
	SG_EKP_SKI,			/* [2] subjectAltKeyIdentifier */
} sg_smimeattr_ekp_kind;

typedef struct sg_smimeattr_ekp {
	sg_smimeattr_ekp_kind kind;
	sg_buf	issuer;			/* DER Name (ISSUER_SERIAL) */
	sg_buf	serial;			/* INTEGER octets (ISSUER_SERIAL) */
	sg_buf	key_id;			/* key identifier (the other two) */
} sg_smimeattr_ekp;

#define SG_SMIMEATTR_EKP_INIT { SG_EKP_NONE, SG_BUF_INIT, SG_BUF_INIT, \
				SG_BUF_INIT }

/* sg_smimeattr_default_caps - our ciphers, strongest first; sets *n */
const sg_cipher_id *sg_smimeattr_default_caps(size_t *n);

/* sg_smimeattr_caps_encode - SMIMECapabilities value of caps, appended */
sg_status sg_smimeattr_caps_encode(const sg_cipher_id *caps, size_t ncaps,
				   sg_buf *out);

/* sg_smimeattr_caps_decode - known cipher ids in order; *n of at most max */
sg_status sg_smimeattr_caps_decode(const uint8_t *der, size_t len,
				   sg_cipher_id *caps, size_t max, size_t *n);

/* sg_smimeattr_ekp_encode - issuerAndSerialNumber choice of cert, appended */
sg_status sg_smimeattr_ekp_encode(gnutls_x509_crt_t cert, sg_buf *out);

/* sg_smimeattr_ekp_decode - read any choice into ekp (reset first) */
sg_status sg_smimeattr_ekp_decode(const uint8_t *der, size_t len,
				  sg_smimeattr_ekp *ekp);

/* sg_smimeattr_ekp_find - index of the first cert ekp names; false if none */
bool	sg_smimeattr_ekp_find(const sg_smimeattr_ekp *ekp,
			      gnutls_x509_crt_t const *certs, size_t ncerts,
			      size_t *index);

/* sg_smimeattr_ekp_free - release the buffers (ekp can be reused) */
void	sg_smimeattr_ekp_free(sg_smimeattr_ekp *ekp);

/* sg_smimeattr_sigtype_encode - SignatureType value of a SG_SIGTYPE_ mask */
sg_status sg_smimeattr_sigtype_encode(unsigned types, sg_buf *out);

/* sg_smimeattr_sigtype_decode - SG_SIGTYPE_ mask of the known OIDs */
sg_status sg_smimeattr_sigtype_decode(const uint8_t *der, size_t len,
				      unsigned *types);

/* sg_smimeattr_time_encode - SigningTime value of t (UTC), appended */
sg_status sg_smimeattr_time_encode(time_t t, sg_buf *out);

/* sg_smimeattr_time_decode - a SigningTime value as seconds since 1970 */
sg_status sg_smimeattr_time_decode(const uint8_t *der, size_t len,
				   time_t *t);

#endif
