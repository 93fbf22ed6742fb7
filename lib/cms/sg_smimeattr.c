/*
 * NAME
 *	sg_smimeattr 3
 * SUMMARY
 *	S/MIME signed attributes: capabilities, encryption key preference,
 *	signature type, signing time
 * DESCRIPTION
 *	Values are built with libtasn1 from sg_cms.asn and decoded back
 *	before they leave this module (sg_smimeattr_check): DER that we
 *	cannot read ourselves is never signed.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libtasn1.h>

#include "sg_asn1.h"
#include "sg_smimeattr.h"

/* Larger attribute values are not ours to parse. */
#define SG_SMIMEATTR_MAX_VALUE	(64 * 1024)

static const sg_cipher_id sg_smimeattr_caps[] = {
	SG_CIPHER_AES256_GCM,
	SG_CIPHER_AES128_GCM,
	SG_CIPHER_AES256_CBC,
	SG_CIPHER_AES128_CBC,
};

static const struct {
	unsigned bit;
	const char *oid;
} sg_smimeattr_sigtypes[] = {
	{SG_SIGTYPE_ORIGINATOR, SG_OID_STI_ORIGINATOR},
	{SG_SIGTYPE_DOMAIN, SG_OID_STI_DOMAIN},
	{SG_SIGTYPE_ADD_ATTRIB, SG_OID_STI_ADD_ATTRIB},
	{SG_SIGTYPE_REVIEW, SG_OID_STI_REVIEW},
};

#define SG_NSIGTYPES (sizeof(sg_smimeattr_sigtypes) / \
		      sizeof(sg_smimeattr_sigtypes[0]))

/* sg_smimeattr_default_caps - our ciphers, strongest first */
const sg_cipher_id *sg_smimeattr_default_caps(size_t *n)
{
	*n = sizeof(sg_smimeattr_caps) / sizeof(sg_smimeattr_caps[0]);
	return sg_smimeattr_caps;
}

/* sg_smimeattr_open - decode a value of type, bounded in size */
static sg_status sg_smimeattr_open(const char *type, const uint8_t *der,
				   size_t len, asn1_node *node)
{
	*node = NULL;
	if (len > SG_SMIMEATTR_MAX_VALUE)
		return sg_status_make(SG_REJECT, "%s attribute of %zu bytes is "
				      "too large", type, len);
	if (len == 0)
		return sg_status_make(SG_REJECT, "empty %s attribute", type);
	return sg_asn1_decode(type, der, len, node);
}

/* sg_smimeattr_finish - encode node, decode it back, append to out */
static sg_status sg_smimeattr_finish(const char *type, asn1_node node,
				     sg_buf *out)
{
	sg_buf	der = SG_BUF_INIT;
	asn1_node check = NULL;
	sg_status st;

	st = sg_asn1_encode(node, &der);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	st = sg_asn1_decode(type, der.data, der.len, &check);
	if (!sg_status_is_ok(&st)) {
		st = sg_status_make(SG_INTERNAL, "our %s does not decode: %s",
				    type, st.text);
		goto cleanup;
	}
	sg_buf_append(out, der.data, der.len);
cleanup:
	asn1_delete_structure(&check);
	sg_buf_free(&der);
	return st;
}

/* sg_smimeattr_count - elements of a SEQUENCE OF; -1 when unreadable */
static int sg_smimeattr_count(asn1_node node, const char *path)
{
	int	n = 0;

	if (asn1_number_of_elements(node, path, &n) != ASN1_SUCCESS)
		return -1;
	return n;
}

/* sg_smimeattr_caps_encode - SMIMECapabilities value of caps, appended */
sg_status sg_smimeattr_caps_encode(const sg_cipher_id *caps, size_t ncaps,
				   sg_buf *out)
{
	asn1_node node = NULL;
	sg_status st;
	char	path[64];
	size_t	i;

	if (ncaps == 0)
		return sg_status_make(SG_CONFIG, "empty capability list");
	for (i = 0; i < ncaps; i++)
		if (sg_cipher_oid(caps[i]) == NULL
		    || !sg_cipher_can_encrypt(caps[i]))
			return sg_status_make(SG_CONFIG, "capability %zu is not "
					      "a cipher we accept", i + 1);
	st = sg_asn1_create("SMIMECapabilities", &node);
	for (i = 0; sg_status_is_ok(&st) && i < ncaps; i++) {
		snprintf(path, sizeof(path), "?%zu.capabilityID", i + 1);
		st = sg_asn1_write(node, "", "NEW", 1);
		if (sg_status_is_ok(&st))
			st = sg_asn1_write_str(node, path, sg_cipher_oid(caps[i]));
		snprintf(path, sizeof(path), "?%zu.parameters", i + 1);
		if (sg_status_is_ok(&st))
			st = sg_asn1_write(node, path, NULL, 0);
	}
	if (sg_status_is_ok(&st))
		st = sg_smimeattr_finish("SMIMECapabilities", node, out);
	asn1_delete_structure(&node);
	return st;
}

/* sg_smimeattr_caps_decode - known cipher ids in order; *n of at most max */
sg_status sg_smimeattr_caps_decode(const uint8_t *der, size_t len,
				   sg_cipher_id *caps, size_t max, size_t *n)
{
	asn1_node node;
	sg_status st;
	sg_cipher_id id;
	char	path[64], oid[SG_ASN1_OID_MAX];
	int	count, i;
	size_t	j;

	*n = 0;
	st = sg_smimeattr_open("SMIMECapabilities", der, len, &node);
	if (!sg_status_is_ok(&st))
		return st;
	if ((count = sg_smimeattr_count(node, "")) < 0) {
		st = sg_status_make(SG_REJECT, "unreadable SMIMECapabilities");
		goto cleanup;
	}
	for (i = 1; i <= count; i++) {
		snprintf(path, sizeof(path), "?%d.capabilityID", i);
		if (!sg_asn1_read_str(node, path, oid, sizeof(oid))) {
			st = sg_status_make(SG_REJECT, "unreadable capability "
					    "%d", i);
			goto cleanup;
		}
		if ((id = sg_cipher_by_oid(oid)) == SG_CIPHER_NONE)
			continue;
		for (j = 0; j < *n && caps[j] != id; j++)
			continue;
		if (j == *n && *n < max)
			caps[(*n)++] = id;
	}
cleanup:
	asn1_delete_structure(&node);
	if (!sg_status_is_ok(&st))
		*n = 0;
	return st;
}

/* sg_smimeattr_ekp_encode - issuerAndSerialNumber choice of cert */
sg_status sg_smimeattr_ekp_encode(gnutls_x509_crt_t cert, sg_buf *out)
{
	asn1_node node = NULL;
	sg_status st;

	st = sg_asn1_create("SMIMEEncryptionKeyPreference", &node);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(node, "", "issuerAndSerialNumber");
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_ias(node, "issuerAndSerialNumber", cert);
	if (sg_status_is_ok(&st))
		st = sg_smimeattr_finish("SMIMEEncryptionKeyPreference", node,
					 out);
	asn1_delete_structure(&node);
	return st;
}

/* sg_smimeattr_ekp_free - release the buffers (ekp can be reused) */
void	sg_smimeattr_ekp_free(sg_smimeattr_ekp *ekp)
{
	sg_buf_free(&ekp->issuer);
	sg_buf_free(&ekp->serial);
	sg_buf_free(&ekp->key_id);
	ekp->kind = SG_EKP_NONE;
}

/* sg_smimeattr_ekp_decode - read any choice into ekp (reset first) */
sg_status sg_smimeattr_ekp_decode(const uint8_t *der, size_t len,
				  sg_smimeattr_ekp *ekp)
{
	asn1_node node;
	sg_status st;
	char	choice[64];
	bool	good = false;

	sg_buf_reset(&ekp->issuer);
	sg_buf_reset(&ekp->serial);
	sg_buf_reset(&ekp->key_id);
	ekp->kind = SG_EKP_NONE;
	st = sg_smimeattr_open("SMIMEEncryptionKeyPreference", der, len, &node);
	if (!sg_status_is_ok(&st))
		return st;
	if (!sg_asn1_read_str(node, "", choice, sizeof(choice))) {
		good = false;
	} else if (strcmp(choice, "issuerAndSerialNumber") == 0) {
		ekp->kind = SG_EKP_ISSUER_SERIAL;
		good = sg_asn1_read(node, "issuerAndSerialNumber.issuer",
				    &ekp->issuer)
		    && sg_asn1_read(node, "issuerAndSerialNumber.serialNumber",
				    &ekp->serial)
		    && ekp->issuer.len > 0 && ekp->serial.len > 0;
	} else if (strcmp(choice, "receipentKeyId") == 0) {
		ekp->kind = SG_EKP_RECIPIENT_KEY_ID;
		good = sg_asn1_read(node, "receipentKeyId.subjectKeyIdentifier",
				    &ekp->key_id) && ekp->key_id.len > 0;
	} else if (strcmp(choice, "subjectAltKeyIdentifier") == 0) {
		ekp->kind = SG_EKP_SKI;
		good = sg_asn1_read(node, "subjectAltKeyIdentifier",
				    &ekp->key_id) && ekp->key_id.len > 0;
	}
	asn1_delete_structure(&node);
	if (!good) {
		sg_smimeattr_ekp_free(ekp);
		return sg_status_make(SG_REJECT, "unreadable "
				      "SMIMEEncryptionKeyPreference");
	}
	return sg_status_ok();
}

/* sg_smimeattr_strip - skip the leading zero octets of an INTEGER */
static const uint8_t *sg_smimeattr_strip(const uint8_t *p, size_t *len)
{
	while (*len > 1 && p[0] == 0) {
		p++;
		--*len;
	}
	return p;
}

/* sg_smimeattr_names - does ekp name cert? */
static bool sg_smimeattr_names(const sg_smimeattr_ekp *ekp,
			       gnutls_x509_crt_t cert)
{
	gnutls_datum_t issuer = {NULL, 0};
	unsigned char buf[64];
	size_t	len = sizeof(buf), want_len;
	const uint8_t *a, *b;
	bool	same = false;

	if (ekp->kind == SG_EKP_ISSUER_SERIAL) {
		if (gnutls_x509_crt_get_serial(cert, buf, &len) < 0)
			return false;
		want_len = ekp->serial.len;
		a = sg_smimeattr_strip(buf, &len);
		b = sg_smimeattr_strip(ekp->serial.data, &want_len);
		if (len != want_len || memcmp(a, b, len) != 0)
			return false;
		if (gnutls_x509_crt_get_raw_issuer_dn(cert, &issuer) < 0)
			return false;
		same = issuer.size == ekp->issuer.len
		    && memcmp(issuer.data, ekp->issuer.data, issuer.size) == 0;
		gnutls_free(issuer.data);
		return same;
	}
	if (ekp->kind == SG_EKP_RECIPIENT_KEY_ID || ekp->kind == SG_EKP_SKI) {
		if (gnutls_x509_crt_get_subject_key_id(cert, buf, &len,
						       NULL) < 0)
			return false;
		return len == ekp->key_id.len
		    && memcmp(buf, ekp->key_id.data, len) == 0;
	}
	return false;
}

/* sg_smimeattr_ekp_find - index of the first cert ekp names */
bool	sg_smimeattr_ekp_find(const sg_smimeattr_ekp *ekp,
			      gnutls_x509_crt_t const *certs, size_t ncerts,
			      size_t *index)
{
	size_t	i;

	for (i = 0; i < ncerts; i++) {
		if (sg_smimeattr_names(ekp, certs[i])) {
			*index = i;
			return true;
		}
	}
	return false;
}

/* sg_smimeattr_sigtype_encode - SignatureType value of a mask */
sg_status sg_smimeattr_sigtype_encode(unsigned types, sg_buf *out)
{
	asn1_node node = NULL;
	sg_status st;
	unsigned known = 0;
	char	path[32];
	size_t	i, n = 0;

	for (i = 0; i < SG_NSIGTYPES; i++)
		known |= sg_smimeattr_sigtypes[i].bit;
	if (types == 0 || (types & ~known) != 0)
		return sg_status_make(SG_CONFIG, "unknown signature type 0x%x",
				      types);
	st = sg_asn1_create("SignatureType", &node);
	for (i = 0; sg_status_is_ok(&st) && i < SG_NSIGTYPES; i++) {
		if (!(types & sg_smimeattr_sigtypes[i].bit))
			continue;
		st = sg_asn1_write(node, "", "NEW", 1);
		snprintf(path, sizeof(path), "?%zu", ++n);
		if (sg_status_is_ok(&st))
			st = sg_asn1_write_str(node, path,
					       sg_smimeattr_sigtypes[i].oid);
	}
	if (sg_status_is_ok(&st))
		st = sg_smimeattr_finish("SignatureType", node, out);
	asn1_delete_structure(&node);
	return st;
}

/* sg_smimeattr_sigtype_decode - SG_SIGTYPE_ mask of the known OIDs */
sg_status sg_smimeattr_sigtype_decode(const uint8_t *der, size_t len,
				      unsigned *types)
{
	asn1_node node;
	sg_status st;
	char	path[32], oid[SG_ASN1_OID_MAX];
	int	count, i;
	size_t	j;

	*types = 0;
	st = sg_smimeattr_open("SignatureType", der, len, &node);
	if (!sg_status_is_ok(&st))
		return st;
	if ((count = sg_smimeattr_count(node, "")) < 0)
		st = sg_status_make(SG_REJECT, "unreadable SignatureType");
	for (i = 1; sg_status_is_ok(&st) && i <= count; i++) {
		snprintf(path, sizeof(path), "?%d", i);
		if (!sg_asn1_read_str(node, path, oid, sizeof(oid))) {
			st = sg_status_make(SG_REJECT, "unreadable signature "
					    "type %d", i);
			break;
		}
		for (j = 0; j < SG_NSIGTYPES; j++)
			if (strcmp(oid, sg_smimeattr_sigtypes[j].oid) == 0)
				*types |= sg_smimeattr_sigtypes[j].bit;
	}
	asn1_delete_structure(&node);
	if (!sg_status_is_ok(&st))
		*types = 0;
	return st;
}

/* sg_smimeattr_time_encode - SigningTime value of t (UTC), appended */
sg_status sg_smimeattr_time_encode(time_t t, sg_buf *out)
{
	asn1_node node = NULL;
	struct tm tm;
	sg_status st;
	char	text[32];
	bool	utc;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 < 0
	    || tm.tm_year + 1900 > 9999)
		return sg_status_make(SG_INTERNAL, "signing time out of range");
	utc = tm.tm_year + 1900 >= 1950 && tm.tm_year + 1900 < 2050;
	snprintf(text, sizeof(text), "%0*d%02d%02d%02d%02d%02dZ", utc ? 2 : 4,
		 utc ? (tm.tm_year + 1900) % 100 : tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	st = sg_asn1_create("SigningTime", &node);
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(node, "", utc ? "utcTime" : "generalTime");
	if (sg_status_is_ok(&st))
		st = sg_asn1_write_str(node, utc ? "utcTime" : "generalTime",
				       text);
	if (sg_status_is_ok(&st))
		st = sg_smimeattr_finish("SigningTime", node, out);
	asn1_delete_structure(&node);
	return st;
}

/* sg_smimeattr_digits - n decimal digits at p, or -1 */
static int sg_smimeattr_digits(const char *p, int n)
{
	int	v = 0;

	while (n-- > 0) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	return v;
}

/*
 * sg_smimeattr_content_len - the content length that the header of the
 * one element der holds says (short or long form), or SIZE_MAX when
 * that header does not frame exactly len bytes
 */
static size_t sg_smimeattr_content_len(const uint8_t *der, size_t len)
{
	size_t	hdr = 2, clen, k;

	if (len < 2)
		return SIZE_MAX;
	clen = der[1];
	if (der[1] & 0x80) {
		k = der[1] & 0x7f;
		if (k == 0 || k > 4 || len < 2 + k)
			return SIZE_MAX;
		for (clen = 0; hdr < 2 + k; hdr++)
			clen = clen << 8 | der[hdr];
	}
	return hdr + clen == len ? clen : SIZE_MAX;
}

/* sg_smimeattr_time_decode - a SigningTime value as seconds since 1970 */
sg_status sg_smimeattr_time_decode(const uint8_t *der, size_t len,
				   time_t *t)
{
	asn1_node node;
	sg_status st;
	struct tm tm, want;
	char	choice[32], text[32];
	const char *p;
	size_t	n;
	int	year;

	*t = 0;
	st = sg_smimeattr_open("SigningTime", der, len, &node);
	if (!sg_status_is_ok(&st))
		return st;
	if (!sg_asn1_read_str(node, "", choice, sizeof(choice))
	    || !sg_asn1_read_small(node, choice, text, sizeof(text) - 1, &n)) {
		asn1_delete_structure(&node);
		return sg_status_make(SG_REJECT, "unreadable SigningTime");
	}
	asn1_delete_structure(&node);
	/* libtasn1 may count a terminating NUL, as for OIDs. */
	if (n > 0 && text[n - 1] == '\0')
		n--;
	text[n] = '\0';
	/*
	 * libtasn1 hands a time back as a C string: NUL bytes inside the
	 * value ("...Z\0\0") would be cut off unseen. The value's own
	 * length, from the DER, must be what was read.
	 */
	if (strlen(text) != n || sg_smimeattr_content_len(der, len) != n)
		return sg_status_make(SG_REJECT, "SigningTime holds a NUL");
	memset(&tm, 0, sizeof(tm));
	/* DER: seconds present, "Z", no fraction (RFC 5280 4.1.2.5). */
	if (strcmp(choice, "utcTime") == 0 && n == 13) {
		/* -1 for a non-digit must stay -1, not become 1999 */
		if ((year = sg_smimeattr_digits(text, 2)) >= 0)
			year += year < 50 ? 2000 : 1900;
		p = text + 2;
	} else if (strcmp(choice, "generalTime") == 0 && n == 15) {
		year = sg_smimeattr_digits(text, 4);
		p = text + 4;
	} else {
		return sg_status_make(SG_REJECT, "SigningTime is not in DER "
				      "form");
	}
	tm.tm_year = year - 1900;
	tm.tm_mon = sg_smimeattr_digits(p, 2) - 1;
	tm.tm_mday = sg_smimeattr_digits(p + 2, 2);
	tm.tm_hour = sg_smimeattr_digits(p + 4, 2);
	tm.tm_min = sg_smimeattr_digits(p + 6, 2);
	tm.tm_sec = sg_smimeattr_digits(p + 8, 2);
	if (year < 0 || p[10] != 'Z' || tm.tm_mon < 0 || tm.tm_mon > 11
	    || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0
	    || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59
	    || tm.tm_sec < 0 || tm.tm_sec > 59)
		return sg_status_make(SG_REJECT, "SigningTime out of range");
	/* timegm() normalises: "February 31" would be read as March 3 */
	want = tm;
	*t = timegm(&tm);
	if (tm.tm_year != want.tm_year || tm.tm_mon != want.tm_mon
	    || tm.tm_mday != want.tm_mday || tm.tm_hour != want.tm_hour
	    || tm.tm_min != want.tm_min || tm.tm_sec != want.tm_sec) {
		*t = 0;
		return sg_status_make(SG_REJECT, "SigningTime is not a date");
	}
	return sg_status_ok();
}
