/*
 * NAME
 *	sg_keytrans 3h
 * SUMMARY
 *	RSA key transport of content-encryption keys
 * SYNOPSIS
 *	#include "sg_keytrans.h"
 * DESCRIPTION
 *	Wraps and unwraps a content-encryption key (CEK) for one recipient
 *	with RSA: PKCS#1 v1.5 (rsaEncryption) through GnuTLS, or RSAES-OAEP
 *	(RFC 3560, RFC 8017) through libgcrypt, which GnuTLS 3.7 lacks. The
 *	OAEP hash is also the MGF1 hash; an optional label is supported.
 *
 *	sg_keytrans_unwrap() always fills cek with cek_len bytes: the real
 *	key on success, random bytes on any failure (RFC 3218 section 2.3).
 *	Its return value is the only trace of which happened; callers carry
 *	it to the end of content decryption without branching on it, so that
 *	an RSA failure and a padding or tag failure look alike.
 */
#ifndef SG_KEYTRANS_H
#define SG_KEYTRANS_H

#include <stddef.h>
#include <stdint.h>

#include <gnutls/x509.h>

#include "sg_buf.h"
#include "sg_status.h"

typedef enum sg_keytrans_alg {
	SG_KEYTRANS_RSA_PKCS1 = 0,
	SG_KEYTRANS_RSA_OAEP,
} sg_keytrans_alg;

typedef enum sg_keytrans_hash {
	SG_KEYTRANS_SHA1 = 0,
	SG_KEYTRANS_SHA256,
	SG_KEYTRANS_SHA384,
	SG_KEYTRANS_SHA512,
} sg_keytrans_hash;

typedef struct sg_keytrans_params {
	sg_keytrans_alg alg;
	sg_keytrans_hash hash;		/* OAEP and MGF1 hash */
	const uint8_t *label;		/* OAEP label, usually NULL */
	size_t	label_len;
} sg_keytrans_params;

/* sg_keytrans_label - log spelling, e.g. "rsa-oaep-sha256" */
const char *sg_keytrans_label(const sg_keytrans_params *params);

/* sg_keytrans_wrap - encrypt cek to cert's RSA key; appends to out */
sg_status sg_keytrans_wrap(gnutls_x509_crt_t cert,
			   const sg_keytrans_params *params,
			   const uint8_t *cek, size_t cek_len, sg_buf *out);

/*
 * sg_keytrans_unwrap - decrypt an encrypted key of exactly cek_len bytes.
 * Returns 1 on success, 0 otherwise; cek is filled either way.
 */
int	sg_keytrans_unwrap(gnutls_x509_privkey_t key,
			   const sg_keytrans_params *params,
			   const uint8_t *enc, size_t enc_len,
			   uint8_t *cek, size_t cek_len);

#endif
