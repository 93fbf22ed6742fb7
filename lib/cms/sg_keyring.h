/*
 * NAME
 *	sg_keyring 3h
 * SUMMARY
 *	the gateway's own decryption keys and their certificates
 * SYNOPSIS
 *	#include "sg_keyring.h"
 *
 *	sg_keyring *kr = sg_keyring_new();
 *	st = sg_keyring_add_files(kr, "gateway.pem", "gateway.key");
 *	...
 *	sg_keyring_free(kr);
 * DESCRIPTION
 *	A keyring is a list of (certificate, RSA private key) pairs. A
 *	certificate file may hold several certificates and a key file several
 *	unencrypted PEM private keys (PKCS#8 or PKCS#1), as during a key
 *	rollover; each certificate whose public key matches a key becomes an
 *	entry, in file order. Certificates without a key (chain certificates)
 *	are ignored; a key without a certificate is an error.
 *
 *	The keyring owns everything in it; the accessors lend.
 * SECURITY
 *	A key file readable or writable by group or others is refused, as
 *	OpenSMTPD and OpenDKIM do. Key file bytes are wiped after parsing.
 * DIAGNOSTICS
 *	SG_TEMPFAIL when a file cannot be opened or read (a key being
 *	restored later is a retry, not a bounce); SG_CONFIG for unsafe
 *	permissions, unparsable or encrypted keys, non-RSA keys and keys
 *	without a certificate. Each sentence names the file.
 */
#ifndef SG_KEYRING_H
#define SG_KEYRING_H

#include <stddef.h>

#include <gnutls/x509.h>

#include "sg_status.h"

typedef struct sg_keyring sg_keyring;

sg_keyring *sg_keyring_new(void);
void	sg_keyring_free(sg_keyring *kr);

/* sg_keyring_add_files - add the pairs found in a cert file and a key file */
sg_status sg_keyring_add_files(sg_keyring *kr, const char *cert_path,
			       const char *key_path);

size_t	sg_keyring_count(const sg_keyring *kr);
gnutls_x509_crt_t sg_keyring_cert(const sg_keyring *kr, size_t i);
gnutls_x509_privkey_t sg_keyring_key(const sg_keyring *kr, size_t i);

#endif
