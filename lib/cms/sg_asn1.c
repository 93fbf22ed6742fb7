/*
 * NAME
 *	sg_asn1 3
 * SUMMARY
 *	libtasn1 helpers over the project's CMS ASN.1 module
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libtasn1.h>

#include "sg_asn1.h"
#include "sg_mem.h"

extern const asn1_static_node sg_cms_asn1_tab[];

#define SG_ASN1_MODULE "SMIMEGW-CMS."

/* sg_asn1_defs - the compiled module, built on first use */
static asn1_node sg_asn1_defs(void)
{
	static asn1_node defs;
	char	err[ASN1_MAX_ERROR_DESCRIPTION_SIZE];

	if (defs == NULL && asn1_array2tree(sg_cms_asn1_tab, &defs, err) != 0)
		defs = NULL;
	return defs;
}

/* sg_asn1_create - an empty element of a type of the module */
sg_status sg_asn1_create(const char *type, asn1_node *node)
{
	char	name[128];
	asn1_node defs = sg_asn1_defs();

	*node = NULL;
	if (defs == NULL)
		return sg_status_make(SG_INTERNAL, "cannot load the CMS ASN.1 "
				      "definitions");
	snprintf(name, sizeof(name), SG_ASN1_MODULE "%s", type);
	if (asn1_create_element(defs, name, node) != ASN1_SUCCESS)
		return sg_status_make(SG_INTERNAL, "no ASN.1 type %s", type);
	return sg_status_ok();
}

/* sg_asn1_decode - decode der as type; REJECT on malformed input */
sg_status sg_asn1_decode(const char *type, const uint8_t *der, size_t len,
			 asn1_node *node)
{
	char	err[ASN1_MAX_ERROR_DESCRIPTION_SIZE];
	sg_status st;
	int	ret;
	int	ilen;

	st = sg_asn1_create(type, node);
	if (!sg_status_is_ok(&st))
		return st;
	if (len > INT_MAX) {
		asn1_delete_structure(node);
		return sg_status_make(SG_REJECT, "%s is too large", type);
	}
	ilen = (int) len;
	err[0] = '\0';
	ret = asn1_der_decoding2(node, der, &ilen, ASN1_DECODE_FLAG_ALLOW_PADDING,
				 err);
	if (ret != ASN1_SUCCESS) {
		asn1_delete_structure(node);
		return sg_status_make(SG_REJECT, "malformed %s: %s%s%s", type,
				      asn1_strerror(ret), err[0] ? ": " : "",
				      err);
	}
	if ((size_t) ilen != len) {
		asn1_delete_structure(node);
		return sg_status_make(SG_REJECT, "malformed %s: %zu bytes of "
				      "trailing data", type, len - ilen);
	}
	return sg_status_ok();
}

/* sg_asn1_encode - DER-encode node, appending to out */
sg_status sg_asn1_encode(asn1_node node, sg_buf *out)
{
	char	err[ASN1_MAX_ERROR_DESCRIPTION_SIZE];
	int	len = 0;
	int	ret;

	err[0] = '\0';
	ret = asn1_der_coding(node, "", NULL, &len, err);
	if (ret != ASN1_MEM_ERROR || len <= 0)
		return sg_status_make(SG_INTERNAL, "DER encoding failed: %s %s",
				      asn1_strerror(ret), err);
	sg_buf_reserve(out, (size_t) len);
	ret = asn1_der_coding(node, "", out->data + out->len, &len, err);
	if (ret != ASN1_SUCCESS)
		return sg_status_make(SG_INTERNAL, "DER encoding failed: %s %s",
				      asn1_strerror(ret), err);
	sg_buf_set_len(out, out->len + (size_t) len);
	return sg_status_ok();
}

/* sg_asn1_write - asn1_write_value with a status */
sg_status sg_asn1_write(asn1_node node, const char *path, const void *value,
			size_t len)
{
	int	ret;

	if (len > INT_MAX)
		return sg_status_make(SG_REJECT, "value for %s is too large",
				      path);
	ret = asn1_write_value(node, path, value, (int) len);
	if (ret != ASN1_SUCCESS)
		return sg_status_make(SG_INTERNAL, "cannot write ASN.1 %s: %s",
				      path, asn1_strerror(ret));
	return sg_status_ok();
}

/* sg_asn1_write_str - write a NUL-terminated value */
sg_status sg_asn1_write_str(asn1_node node, const char *path,
			    const char *value)
{
	/* libtasn1 takes len 0 as "decimal string" for INTEGER. */
	return sg_asn1_write(node, path, value, 0);
}

const uint8_t sg_asn1_null[2] = {0x05, 0x00};

/* sg_asn1_alg_der - DER of an AlgorithmIdentifier { oid, params } */
sg_status sg_asn1_alg_der(const char *oid, const uint8_t *params,
			  size_t params_len, sg_buf *out)
{
	asn1_node alg = NULL;
	sg_status st;

	st = sg_asn1_create("AlgorithmIdentifier", &alg);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(alg, "algorithm", oid);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(alg, "parameters", params, params_len);
	if (sg_status_is_ok(&st))
		st = sg_asn1_encode(alg, out);
	asn1_delete_structure(&alg);
	return st;
}

/* sg_asn1_write_ias - issuer and serial number of cert under path */
sg_status sg_asn1_write_ias(asn1_node node, const char *path,
			    gnutls_x509_crt_t cert)
{
	gnutls_datum_t issuer = {NULL, 0};
	unsigned char serial[64];
	size_t	serial_len = sizeof(serial);
	char	sub[SG_ASN1_OID_MAX + 64];
	sg_status st;
	int	ret;

	if ((ret = gnutls_x509_crt_get_raw_issuer_dn(cert, &issuer)) < 0
	    || (ret = gnutls_x509_crt_get_serial(cert, serial,
						 &serial_len)) < 0) {
		gnutls_free(issuer.data);
		return sg_status_make(SG_CONFIG, "cannot read the "
				      "certificate's issuer and serial "
				      "number: %s", gnutls_strerror(ret));
	}
	snprintf(sub, sizeof(sub), "%s%sissuer", path, *path ? "." : "");
	st = sg_asn1_write(node, sub, issuer.data, issuer.size);
	snprintf(sub, sizeof(sub), "%s%sserialNumber", path, *path ? "." : "");
	if (sg_status_is_ok(&st))
		st = sg_asn1_write(node, sub, serial, serial_len);
	gnutls_free(issuer.data);
	return st;
}

/* sg_asn1_read - read a value of any size into out (replacing it) */
bool	sg_asn1_read(asn1_node node, const char *path, sg_buf *out)
{
	int	len = 0;
	int	ret;

	sg_buf_reset(out);
	ret = asn1_read_value(node, path, NULL, &len);
	if (ret == ASN1_SUCCESS && len == 0)
		return true;
	if (ret != ASN1_MEM_ERROR || len < 0)
		return false;
	sg_buf_reserve(out, (size_t) len);
	if (asn1_read_value(node, path, out->data, &len) != ASN1_SUCCESS)
		return false;
	sg_buf_set_len(out, (size_t) len);
	return true;
}

/* sg_asn1_read_small - read a value into buf of size bytes */
bool	sg_asn1_read_small(asn1_node node, const char *path, void *buf,
			   size_t size, size_t *len)
{
	int	ilen = size > INT_MAX ? INT_MAX : (int) size;

	if (asn1_read_value(node, path, buf, &ilen) != ASN1_SUCCESS)
		return false;
	*len = (size_t) ilen;
	return true;
}

/* sg_asn1_read_str - read an OID or choice name as a C string */
bool	sg_asn1_read_str(asn1_node node, const char *path, char *buf,
			 size_t size)
{
	size_t	len;

	/* libtasn1 counts the terminating NUL of OIDs, not of choices. */
	if (size == 0 || !sg_asn1_read_small(node, path, buf, size - 1, &len))
		return false;
	if (len > 0 && buf[len - 1] == '\0')
		len--;
	buf[len] = '\0';
	return strlen(buf) == len && len > 0;
}

/* sg_asn1_read_uint - read a small non-negative INTEGER */
bool	sg_asn1_read_uint(asn1_node node, const char *path, unsigned long *v)
{
	unsigned char buf[8];
	size_t	len, i;

	if (!sg_asn1_read_small(node, path, buf, sizeof(buf), &len) || len == 0
	    || (buf[0] & 0x80))
		return false;
	*v = 0;
	for (i = 0; i < len; i++) {
		if (*v > (ULONG_MAX >> 8))
			return false;
		*v = (*v << 8) | buf[i];
	}
	return true;
}

/* sg_asn1_present - does the (OPTIONAL) element exist in node? */
bool	sg_asn1_present(asn1_node node, const char *path)
{
	/* libtasn1 deletes absent OPTIONAL elements when it decodes. */
	return asn1_find_node(node, path) != NULL;
}
