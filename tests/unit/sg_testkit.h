/*
 * NAME
 *	sg_testkit 3h
 * SUMMARY
 *	throw-away RSA keys and certificates for unit tests
 * DESCRIPTION
 *	sg_testkit_make() generates an RSA key and a certificate for it,
 *	issued by a per-process test CA (so issuer and subject differ, as in
 *	real life), with or without a subjectKeyIdentifier, and writes
 *	DIR/NAME.pem and DIR/NAME.key (mode 0600). TEST MATERIAL ONLY.
 *	sg_testkit_dir() makes a private temporary directory, removed at
 *	exit.
 */
#ifndef SG_TESTKIT_H
#define SG_TESTKIT_H

#include <stdbool.h>

#include <gnutls/x509.h>

typedef struct sg_testkit_id {
	char	cert_path[512];
	char	key_path[512];
	gnutls_x509_crt_t crt;		/* owned by the testkit */
} sg_testkit_id;

const char *sg_testkit_dir(void);
void	sg_testkit_make(const char *name, bool with_ski, unsigned bits,
			sg_testkit_id *id);

#endif
