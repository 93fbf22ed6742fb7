#ifndef SG_RSASIGN_H
#define SG_RSASIGN_H

/*
 * NAME
 *	sg_rsasign 3h
 * SUMMARY
 *	RSA PKCS#1 v1.5 signatures of a digest, checked before use
 * SYNOPSIS
 *	#include "sg_rsasign.h"
 *
 *	st = sg_rsasign(key, pub, GNUTLS_DIG_SHA256, digest, &sig);
 *	...
 *	gnutls_free(sig.data);
 * DESCRIPTION
 *	sg_rsasign() makes the RSASSA-PKCS1-v1_5 signature (RFC 8017
 *	section 8.2) of a digest made with dig, the same bytes
 *	gnutls_privkey_sign_hash2() makes, in about half its time: the
 *	private-key root is nettle's side-channel-silent one
 *	(rsa_pkcs1_sign: mpn_sec_powm and constant-time CRT, nettle 3.4.1
 *	and later), without the random blinding GnuTLS adds on top, whose
 *	constant-time inversion costs as much as the root itself.
 *
 *	The signature is then verified with pub, the public key of the
 *	signer's certificate, through GnuTLS's own DigestInfo encoding
 *	and verification. A root damaged by a fault (which would give the
 *	key away, as blinding does not prevent), an encoding of ours that
 *	differs from GnuTLS's, or a key that is not the certificate's is
 *	an error, and no signature is returned.
 *
 *	Only signing uses it. RSA decryption, whose input anyone may
 *	choose, keeps GnuTLS's blinded code (sg_keytrans(3), RFC 3218).
 * ARGUMENTS
 *	key	an RSA private key whose parameters can be exported
 *	pub	the public key that must verify the signature
 *	dig	SHA-256, SHA-384 or SHA-512
 *	digest	gnutls_hash_get_len(dig) bytes
 *	sig	on success, the signature, as many bytes as the modulus;
 *		the caller frees sig->data with gnutls_free()
 * DIAGNOSTICS
 *	SG_INTERNAL, with sig->data NULL: a key that is not RSA or cannot
 *	be exported, a digest of another kind, or a signature that does
 *	not verify.
 * SECURITY
 *	The exported private parameters are wiped before they are freed:
 *	GnuTLS's copies and the GMP integers made from them (not the
 *	scratch space nettle uses inside the root, which GnuTLS does not
 *	wipe either).
 */
#include <gnutls/abstract.h>
#include <stdint.h>

#include "sg_status.h"

sg_status sg_rsasign(gnutls_privkey_t key, gnutls_pubkey_t pub,
		     gnutls_digest_algorithm_t dig, const uint8_t *digest,
		     gnutls_datum_t *sig);

#endif
