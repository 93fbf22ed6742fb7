/*
 * NAME
 *	sg_certs 3h
 * SUMMARY
 *	lists of X.509 certificates read from files
 * SYNOPSIS
 *	#include "sg_certs.h"
 *
 *	sg_certs certs = SG_CERTS_INIT;
 *	st = sg_certs_load(&certs, "/etc/smimegw/certs/b.example.pem");
 *	... certs.crts[0 .. certs.count-1] ...
 *	sg_certs_free(&certs);
 * DESCRIPTION
 *	sg_certs_load() appends every certificate of a PEM file (one or
 *	more; a single DER certificate is accepted too). The list owns the
 *	certificates.
 *
 *	sg_certs_describe() writes "subject=...; serial=..." for logs.
 * DIAGNOSTICS
 *	SG_TEMPFAIL when the file cannot be opened or read (a missing file
 *	is retried later); SG_CONFIG when it holds no usable certificate.
 */
#ifndef SG_CERTS_H
#define SG_CERTS_H

#include <stddef.h>

#include <gnutls/x509.h>

#include "sg_status.h"

typedef struct sg_certs {
	gnutls_x509_crt_t *crts;
	size_t	count;
} sg_certs;

#define SG_CERTS_INIT { NULL, 0 }

/* sg_certs_load - append the certificates of a PEM (or DER) file */
sg_status sg_certs_load(sg_certs *certs, const char *path);

/* sg_certs_load_mem - append certificates from PEM (or DER) bytes */
sg_status sg_certs_load_mem(sg_certs *certs, const unsigned char *data,
			    size_t len, const char *what);

/* sg_certs_free - release every certificate */
void	sg_certs_free(sg_certs *certs);

/* sg_certs_describe - "subject=DN; serial=HEX" into buf */
void	sg_certs_describe(gnutls_x509_crt_t crt, char *buf, size_t size);

#endif
