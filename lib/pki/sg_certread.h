/*
 * NAME
 *	sg_certread 3h
 * SUMMARY
 *	certificates from PEM, DER, PKCS#7 certs-only and PKCS#12 files
 * SYNOPSIS
 *	#include "sg_certread.h"
 *
 *	sg_certs certs = SG_CERTS_INIT;
 *	st = sg_certread_file("partner.p12", password, &certs);
 *	sg_certs_free(&certs);
 * DESCRIPTION
 *	sg_certread_file() appends every certificate of path, whatever the
 *	format: PEM certificates (one or more), a DER certificate, PKCS#7
 *	certs-only (PEM or DER; .p7b/.p7c), or PKCS#12 (DER or PEM) read
 *	with gnutls_pkcs12_simple_parse(): its certificate chain and extra
 *	certificates, never its private key (dropped at once). password
 *	(NULL: none) is only used for PKCS#12; a PKCS#12 file without a
 *	password is refused with a sentence asking for one.
 *
 *	sg_certread_password() reads the first line of a file (no newline)
 *	for a PKCS#12 password: passwords never come from argv. The caller
 *	frees it with sg_wipe_free(p, strlen(p)).
 * DIAGNOSTICS
 *	SG_CONFIG with one sentence naming the file: it cannot be read, is
 *	not in any of these formats, holds no certificate, or (PKCS#12)
 *	the password is wrong or the file corrupt.
 */
#ifndef SG_CERTREAD_H
#define SG_CERTREAD_H

#include "sg_certs.h"
#include "sg_status.h"

/* sg_certread_file - append the certificates of path, any format */
sg_status sg_certread_file(const char *path, const char *password,
			   sg_certs *certs);

/* sg_certread_password - first line of a file; caller wipes and frees */
sg_status sg_certread_password(const char *path, char **password);

#endif
