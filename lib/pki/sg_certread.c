/*
 * NAME
 *	sg_certread 3
 * SUMMARY
 *	certificates from PEM, DER, PKCS#7 certs-only and PKCS#12 files
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>

#include "sg_buf.h"
#include "sg_certread.h"
#include "sg_mem.h"

#define SG_CERTREAD_MAX		(4 * 1024 * 1024)

/* sg_certread_add - take ownership of crt */
static void sg_certread_add(sg_certs *certs, gnutls_x509_crt_t crt)
{
	certs->crts = sg_realloc(certs->crts, (certs->count + 1)
				 * sizeof(*certs->crts));
	certs->crts[certs->count++] = crt;
}

/* sg_certread_has - does the buffer contain text? */
static bool sg_certread_has(const sg_buf *b, const char *text)
{
	size_t	len = strlen(text), i;

	for (i = 0; i + len <= b->len; i++)
		if (memcmp(b->data + i, text, len) == 0)
			return true;
	return false;
}

/* sg_certread_pkcs7 - the certificates of a PKCS#7 certs-only object */
static int sg_certread_pkcs7(const gnutls_datum_t *d, gnutls_x509_crt_fmt_t fmt,
			     sg_certs *certs)
{
	gnutls_pkcs7_t p7 = NULL;
	gnutls_datum_t raw = {NULL, 0};
	gnutls_x509_crt_t crt;
	int	ret, n, i;

	if ((ret = gnutls_pkcs7_init(&p7)) < 0)
		return ret;
	if ((ret = gnutls_pkcs7_import(p7, d, fmt)) < 0)
		goto cleanup;
	n = gnutls_pkcs7_get_crt_count(p7);
	for (i = 0; i < n; i++) {
		if ((ret = gnutls_pkcs7_get_crt_raw2(p7, (unsigned) i, &raw)) < 0)
			goto cleanup;
		if ((ret = gnutls_x509_crt_init(&crt)) < 0)
			goto cleanup;
		ret = gnutls_x509_crt_import(crt, &raw, GNUTLS_X509_FMT_DER);
		gnutls_free(raw.data);
		raw.data = NULL;
		if (ret < 0) {
			gnutls_x509_crt_deinit(crt);
			goto cleanup;
		}
		sg_certread_add(certs, crt);
	}
	ret = n;
cleanup:
	gnutls_pkcs7_deinit(p7);
	return ret;
}

/* sg_certread_pkcs12 - the certificates of a PKCS#12 file */
static sg_status sg_certread_pkcs12(const char *path, const gnutls_datum_t *d,
				    gnutls_x509_crt_fmt_t fmt,
				    const char *password, sg_certs *certs)
{
	gnutls_pkcs12_t p12 = NULL;
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t *chain = NULL, *extra = NULL;
	unsigned int nchain = 0, nextra = 0, i;
	sg_status st = sg_status_ok();
	int	ret;

	if (gnutls_pkcs12_init(&p12) < 0)
		return sg_status_make(SG_INTERNAL, "out of memory");
	if ((ret = gnutls_pkcs12_import(p12, d, fmt, 0)) < 0) {
		st = sg_status_make(SG_CONFIG, "%s: not PEM, DER, PKCS#7 or "
				    "PKCS#12", path);
		goto cleanup;
	}
	if (password == NULL) {
		st = sg_status_make(SG_CONFIG, "%s is PKCS#12: give its password "
				    "with --password-file", path);
		goto cleanup;
	}
	if (gnutls_pkcs12_verify_mac(p12, password) < 0
	    || (ret = gnutls_pkcs12_simple_parse(p12, password, &key, &chain,
						 &nchain, &extra, &nextra,
						 NULL, 0)) < 0) {
		st = sg_status_make(SG_CONFIG, "%s: wrong password or corrupt "
				    "PKCS#12", path);
		goto cleanup;
	}
	for (i = 0; i < nchain; i++)
		sg_certread_add(certs, chain[i]);
	for (i = 0; i < nextra; i++)
		sg_certread_add(certs, extra[i]);
	gnutls_free(chain);
	gnutls_free(extra);
cleanup:
	if (key != NULL)
		gnutls_x509_privkey_deinit(key);	/* never kept */
	gnutls_pkcs12_deinit(p12);
	return st;
}

/* sg_certread_der - one DER certificate? */
static bool sg_certread_der(const gnutls_datum_t *d, sg_certs *certs)
{
	gnutls_x509_crt_t crt;

	if (gnutls_x509_crt_init(&crt) < 0)
		return false;
	if (gnutls_x509_crt_import(crt, d, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return false;
	}
	sg_certread_add(certs, crt);
	return true;
}

/* sg_certread_file - append the certificates of path, any format */
sg_status sg_certread_file(const char *path, const char *password,
			   sg_certs *certs)
{
	sg_buf	data = SG_BUF_INIT;
	gnutls_datum_t d;
	gnutls_x509_crt_t *list = NULL;
	unsigned int n = 0, i;
	size_t	before = certs->count;
	sg_status st;
	int	ret;

	st = sg_buf_read_file(&data, path, SG_CERTREAD_MAX);
	if (!sg_status_is_ok(&st))
		return sg_status_make(SG_CONFIG, "%s", st.text);
	d.data = data.data;
	d.size = (unsigned) data.len;
	if (sg_certread_has(&data, "-----BEGIN CERTIFICATE-----")) {
		ret = gnutls_x509_crt_list_import2(&list, &n, &d,
						   GNUTLS_X509_FMT_PEM, 0);
		if (ret < 0) {
			st = sg_status_make(SG_CONFIG, "%s: bad PEM certificate: "
					    "%s", path, gnutls_strerror(ret));
			goto cleanup;
		}
		for (i = 0; i < n; i++)
			sg_certread_add(certs, list[i]);
		gnutls_free(list);
	} else if (sg_certread_has(&data, "-----BEGIN PKCS7-----")) {
		if ((ret = sg_certread_pkcs7(&d, GNUTLS_X509_FMT_PEM, certs)) < 0)
			st = sg_status_make(SG_CONFIG, "%s: bad PKCS#7: %s", path,
					    gnutls_strerror(ret));
	} else if (sg_certread_has(&data, "-----BEGIN PKCS12-----")) {
		st = sg_certread_pkcs12(path, &d, GNUTLS_X509_FMT_PEM, password,
					certs);
	} else if (sg_certread_der(&d, certs)) {
		;
	} else if (sg_certread_pkcs7(&d, GNUTLS_X509_FMT_DER, certs) < 0) {
		st = sg_certread_pkcs12(path, &d, GNUTLS_X509_FMT_DER, password,
					certs);
	}
	if (sg_status_is_ok(&st) && certs->count == before)
		st = sg_status_make(SG_CONFIG, "%s holds no certificate", path);
cleanup:
	sg_buf_free(&data);
	return st;
}

/* sg_certread_password - first line of a file; caller wipes and frees */
sg_status sg_certread_password(const char *path, char **password)
{
	sg_buf	data = SG_BUF_INIT;
	sg_status st;
	size_t	len;

	*password = NULL;
	st = sg_buf_read_file(&data, path, 65536);
	if (!sg_status_is_ok(&st))
		return sg_status_make(SG_CONFIG, "%s", st.text);
	for (len = 0; len < data.len && data.data[len] != '\n'
	     && data.data[len] != '\r'; len++)
		;
	*password = sg_malloc(len + 1);
	memcpy(*password, data.data, len);
	(*password)[len] = '\0';
	sg_buf_wipe_free(&data);
	return sg_status_ok();
}
