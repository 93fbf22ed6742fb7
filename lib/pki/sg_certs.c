/*
 * NAME
 *	sg_certs 3
 * SUMMARY
 *	lists of X.509 certificates read from files
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_buf.h"
#include "sg_certs.h"
#include "sg_mem.h"

#define SG_CERTS_MAX_FILE	(4 * 1024 * 1024)

/* sg_certs_load_mem - append certificates from PEM (or DER) bytes */
sg_status sg_certs_load_mem(sg_certs *certs, const unsigned char *data,
			    size_t len, const char *what)
{
	gnutls_datum_t in = {(unsigned char *) data, (unsigned) len};
	gnutls_x509_crt_t *list = NULL;
	unsigned int n = 0;
	int	ret;

	if (memmem(data, len, "-----BEGIN", 10) != NULL)
		ret = gnutls_x509_crt_list_import2(&list, &n, &in,
						   GNUTLS_X509_FMT_PEM, 0);
	else
		ret = gnutls_x509_crt_list_import2(&list, &n, &in,
						   GNUTLS_X509_FMT_DER, 0);
	if (ret < 0 || n == 0)
		return sg_status_make(SG_CONFIG, "%s: no usable certificate: %s",
				      what, ret < 0 ? gnutls_strerror(ret)
				      : "empty");
	certs->crts = sg_realloc(certs->crts, (certs->count + n)
				 * sizeof(*certs->crts));
	memcpy(certs->crts + certs->count, list, n * sizeof(*list));
	certs->count += n;
	gnutls_free(list);
	return sg_status_ok();
}

/* sg_certs_load - append the certificates of a PEM (or DER) file */
sg_status sg_certs_load(sg_certs *certs, const char *path)
{
	sg_buf	buf = SG_BUF_INIT;
	sg_status st;

	st = sg_buf_read_file(&buf, path, SG_CERTS_MAX_FILE);
	if (sg_status_is_ok(&st))
		st = sg_certs_load_mem(certs, buf.data, buf.len, path);
	sg_buf_free(&buf);
	return st;
}

/* sg_certs_free - release every certificate */
void	sg_certs_free(sg_certs *certs)
{
	size_t	i;

	for (i = 0; i < certs->count; i++)
		gnutls_x509_crt_deinit(certs->crts[i]);
	free(certs->crts);
	certs->crts = NULL;
	certs->count = 0;
}

/* sg_certs_describe - "subject=DN; serial=HEX" into buf */
void	sg_certs_describe(gnutls_x509_crt_t crt, char *buf, size_t size)
{
	gnutls_datum_t dn = {NULL, 0};
	unsigned char serial[64];
	size_t	serial_len = sizeof(serial);
	char	hex[2 * sizeof(serial) + 1];
	size_t	i;

	hex[0] = '\0';
	if (gnutls_x509_crt_get_serial(crt, serial, &serial_len) == 0)
		for (i = 0; i < serial_len; i++)
			snprintf(hex + 2 * i, 3, "%02x", serial[i]);
	if (gnutls_x509_crt_get_dn3(crt, &dn, 0) < 0)
		dn.data = NULL;
	snprintf(buf, size, "subject=%s; serial=%s",
		 dn.data ? (char *) dn.data : "?", hex);
	gnutls_free(dn.data);
}
