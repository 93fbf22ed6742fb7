/*
 * NAME
 *	sg_certreq 3h
 * SUMMARY
 *	a new key and a certificate request for a domain gateway
 * SYNOPSIS
 *	#include "sg_certreq.h"
 *
 *	st = sg_certreq_make("a.example", false, "/etc/smimegw/new.key",
 *			     "/tmp/a.example.csr");
 * DESCRIPTION
 *	sg_certreq_make() generates a private key (RSA 3072, or ECDSA P-256
 *	with ec) and writes it as unencrypted PKCS#8 PEM to key_out, mode
 *	0600, then a PKCS#10 request signed with it (SHA-256) to csr_out,
 *	mode 0644. The request has subject CN=domain, the DOMSEC and SGP
 *	addresses (domain-confidentiality-authority@, domain-signing-
 *	authority@, smg_encryptor@ domain) as subjectAltName rfc822Names,
 *	keyUsage digitalSignature and keyEncipherment (keyAgreement for EC)
 *	and extendedKeyUsage emailProtection. Both files are written
 *	atomically in their directories (sg_certstore(3)); an existing
 *	key_out is never overwritten (a key lost is mail lost).
 * DIAGNOSTICS
 *	SG_REJECT for a domain that is not a usable name; SG_CONFIG naming
 *	the file when it exists (key_out) or cannot be written; SG_INTERNAL
 *	when GnuTLS fails.
 * SECURITY
 *	The key never exists in a file of a wider mode, not even briefly.
 */
#ifndef SG_CERTREQ_H
#define SG_CERTREQ_H

#include <stdbool.h>

#include "sg_status.h"

/* sg_certreq_make - key (0600) and CSR for a domain gateway */
sg_status sg_certreq_make(const char *domain, bool ec, const char *key_out,
			  const char *csr_out);

#endif
