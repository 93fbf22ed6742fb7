/*
 * NAME
 *	sg_verify 3
 * SUMMARY
 *	verify CMS SignedData (S/MIME signatures)
 * DESCRIPTION
 *	See sg_verify.h. The SignedData is walked with a small DER reader
 *	of our own (after sg_ber(3) made every length definite): it keeps
 *	the exact bytes of the signed attributes, which the signature
 *	covers, and the RSASSA-PSS parameters, which gnutls_pkcs7 drops.
 *	Certificates and CRLs are parsed by GnuTLS; signatures are checked
 *	with gnutls_pubkey_verify_data2(); the chain by sg_trust(3).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_ber.h"
#include "sg_buf.h"
#include "sg_eol.h"
#include "sg_mem.h"
#include "sg_smimeattr.h"
#include "sg_status.h"
#include "sg_trust.h"
#include "sg_verify.h"

#define MAX_ADDRESSES	32
#define MAX_ATTRS	64
#define ANY_EKU		"2.5.29.37.0"
#define OID_MAX		128

/* One element: tag byte, value, and the whole encoding. */
typedef struct tlv {
	uint8_t	tag;
	const uint8_t *val;
	size_t	len;
	const uint8_t *raw;		/* tag, length and value */
	size_t	raw_len;
} tlv;

/* A cursor over the contents of a constructed element. */
typedef struct cur {
	const uint8_t *p;
	size_t	left;
} cur;

/* A parsed SignerInfo, pointing into the normalised input. */
typedef struct sinfo {
	tlv	sid;			/* SEQUENCE or [0] */
	tlv	digest_alg;
	tlv	signed_attrs;		/* tag 0 when absent */
	tlv	sig_alg;
	tlv	signature;
} sinfo;

/* Signature algorithm after decoding. */
typedef struct sigalg {
	gnutls_sign_algorithm_t sign;
	gnutls_digest_algorithm_t pss_hash;	/* PSS only */
	unsigned pss_salt;
	bool	pss;
} sigalg;

/* The content the signers cover: the caller's bytes read through canon
 * (opts->canon for detached content, AS_IS for an eContent). */
typedef struct view {
	const uint8_t *data;
	size_t	len;
	sg_verify_canon canon;
	sg_buf	copy;			/* the transformed bytes, made once */
	bool	have_copy;		/* ... only when a signer needs them */
} view;

#define VIEW_CHUNK	16384		/* transformed bytes per piece */

/* Encoded OIDs we compare byte for byte. */
static const uint8_t oid_signed_data[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };
static const uint8_t oid_rsa_pss[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a };
static const uint8_t oid_mgf1[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08 };

/* der_next - read one element at the cursor; false when malformed */
static bool der_next(cur *c, tlv *t)
{
	const uint8_t *p = c->p;
	size_t	left = c->left, len, n, i;

	if (left < 2)
		return false;
	t->tag = p[0];
	if ((t->tag & 0x1f) == 0x1f)	/* multi-byte tags: not in CMS */
		return false;
	if (p[1] < 0x80) {
		len = p[1];
		n = 2;
	} else {
		size_t	nb = p[1] & 0x7f;

		if (nb == 0 || nb > 4 || left < 2 + nb)
			return false;	/* indefinite: sg_ber removed them */
		for (len = 0, i = 0; i < nb; i++)
			len = (len << 8) | p[2 + i];
		n = 2 + nb;
	}
	if (len > left - n)
		return false;
	t->val = p + n;
	t->len = len;
	t->raw = p;
	t->raw_len = n + len;
	c->p += n + len;
	c->left -= n + len;
	return true;
}

/* der_enter - a cursor over the contents of t */
static cur der_enter(const tlv *t)
{
	cur	c = { t->val, t->len };

	return c;
}

/* der_expect - the next element must have this tag */
static bool der_expect(cur *c, uint8_t tag, tlv *t)
{
	return der_next(c, t) && t->tag == tag;
}

/* der_peek - the tag of the next element, 0 at the end */
static uint8_t der_peek(const cur *c)
{
	return c->left > 0 ? c->p[0] : 0;
}

/* oid_is - does an OID element hold these encoded bytes? */
static bool oid_is(const tlv *t, const uint8_t *oid, size_t len)
{
	return t->tag == 0x06 && t->len == len && memcmp(t->val, oid, len) == 0;
}

/* oid_str - dotted form of an OID element; false when malformed */
static bool oid_str(const tlv *t, char *buf, size_t size)
{
	size_t	i, o = 0;
	unsigned long v = 0;
	bool	first = true;
	int	n;

	if (t->tag != 0x06 || t->len == 0 || t->len > 64 || size == 0)
		return false;
	buf[0] = 0;
	for (i = 0; i < t->len; i++) {
		if (v > (~0UL >> 8))
			return false;
		v = (v << 7) | (t->val[i] & 0x7f);
		if (t->val[i] & 0x80) {
			if (i + 1 == t->len)
				return false;
			continue;
		}
		if (first) {
			unsigned long a = v < 80 ? v / 40 : 2;

			n = snprintf(buf + o, size - o, "%lu.%lu", a, v - a * 40);
			first = false;
		} else
			n = snprintf(buf + o, size - o, ".%lu", v);
		if (n < 0 || (size_t) n >= size - o)
			return false;
		o += (size_t) n;
		v = 0;
	}
	return true;
}

/* alg_oid - dotted OID of an AlgorithmIdentifier; params set if present */
static bool alg_oid(const tlv *alg, char *buf, size_t size, tlv *oid,
		    tlv *params)
{
	cur	c = der_enter(alg);

	if (alg->tag != 0x30 || !der_expect(&c, 0x06, oid))
		return false;
	memset(params, 0, sizeof(*params));
	if (c.left > 0 && !der_next(&c, params))
		return false;
	if (params->tag == 0x05)	/* NULL: same as absent */
		memset(params, 0, sizeof(*params));
	return c.left == 0 && oid_str(oid, buf, size);
}

/* signer_set - result and reason of a signer (first one set wins) */
static void signer_set(sg_verify_signer *s, sg_verify_result r,
		       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void signer_set(sg_verify_signer *s, sg_verify_result r,
		       const char *fmt, ...)
{
	va_list	ap;

	s->result = r;
	va_start(ap, fmt);
	vsnprintf(s->reason, sizeof(s->reason), fmt, ap);
	va_end(ap);
}

/* parse_time - UTCTime or GeneralizedTime (Zulu, seconds) to time_t */
static bool parse_time(const tlv *t, time_t *out)
{
	struct tm tm;
	const uint8_t *p = t->val;
	size_t	ylen, i;
	int	year;

	if (t->tag == 0x17 && t->len == 13)
		ylen = 2;
	else if (t->tag == 0x18 && t->len == 15)
		ylen = 4;
	else
		return false;
	for (i = 0; i < t->len - 1; i++)
		if (!isdigit(p[i]))
			return false;
	if (p[t->len - 1] != 'Z')
		return false;
	year = 0;
	for (i = 0; i < ylen; i++)
		year = year * 10 + (p[i] - '0');
	if (ylen == 2)
		year += year < 50 ? 2000 : 1900;
	p += ylen;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = (p[0] - '0') * 10 + (p[1] - '0') - 1;
	tm.tm_mday = (p[2] - '0') * 10 + (p[3] - '0');
	tm.tm_hour = (p[4] - '0') * 10 + (p[5] - '0');
	tm.tm_min = (p[6] - '0') * 10 + (p[7] - '0');
	tm.tm_sec = (p[8] - '0') * 10 + (p[9] - '0');
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1
	    || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59
	    || tm.tm_sec > 60)
		return false;
	*out = timegm(&tm);
	return true;
}

/* crt_dup - a copy of a certificate for the report */
static gnutls_x509_crt_t crt_dup(gnutls_x509_crt_t in)
{
	gnutls_datum_t der = { NULL, 0 };
	gnutls_x509_crt_t out = NULL;

	if (gnutls_x509_crt_export2(in, GNUTLS_X509_FMT_DER, &der) < 0)
		return NULL;
	if (gnutls_x509_crt_init(&out) == 0
	    && gnutls_x509_crt_import(out, &der, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(out);
		out = NULL;
	}
	gnutls_free(der.data);
	return out;
}

/* strip_zeros - skip leading zero octets of an unsigned number */
static void strip_zeros(const uint8_t **p, size_t *len)
{
	while (*len > 1 && (*p)[0] == 0) {
		(*p)++;
		(*len)--;
	}
}

/* crt_matches_sid - does crt carry the identifier sid? */
static bool crt_matches_sid(gnutls_x509_crt_t crt, const tlv *sid)
{
	uint8_t	buf[128];
	size_t	size = sizeof(buf);
	unsigned int crit;

	if (sid->tag == 0x80) {
		if (gnutls_x509_crt_get_subject_key_id(crt, buf, &size,
						       &crit) < 0)
			return false;
		return size == sid->len && memcmp(buf, sid->val, size) == 0;
	}
	if (sid->tag == 0x30) {
		cur	c = der_enter(sid);
		tlv	name, serial;
		gnutls_datum_t dn = { NULL, 0 };
		const uint8_t *a = buf, *b;
		size_t	alen, blen;
		bool	same;

		if (!der_expect(&c, 0x30, &name) || !der_expect(&c, 0x02, &serial)
		    || c.left != 0)
			return false;
		if (gnutls_x509_crt_get_serial(crt, buf, &size) < 0)
			return false;
		alen = size;
		b = serial.val;
		blen = serial.len;
		strip_zeros(&a, &alen);
		strip_zeros(&b, &blen);
		if (alen != blen || memcmp(a, b, alen) != 0)
			return false;
		if (gnutls_x509_crt_get_raw_issuer_dn(crt, &dn) < 0)
			return false;
		same = dn.size == name.raw_len
			&& memcmp(dn.data, name.raw, dn.size) == 0;
		gnutls_free(dn.data);
		return same;
	}
	return false;
}

/* add_address - append a lower-cased address, without duplicates */
static void add_address(sg_verify_signer *s, const char *addr, size_t len)
{
	char   *a;
	size_t	i;

	if (len == 0 || s->naddresses >= MAX_ADDRESSES || memchr(addr, 0, len))
		return;
	a = sg_malloc(len + 1);
	for (i = 0; i < len; i++)
		a[i] = (char) tolower((unsigned char) addr[i]);
	a[len] = 0;
	for (i = 0; i < s->naddresses; i++)
		if (strcmp(s->addresses[i], a) == 0) {
			free(a);
			return;
		}
	s->addresses = sg_realloc(s->addresses,
				  (s->naddresses + 1) * sizeof(char *));
	s->addresses[s->naddresses++] = a;
}

/* describe_crt - subject, issuer, serial and addresses of the signer */
static void describe_crt(sg_verify_signer *s)
{
	gnutls_datum_t d = { NULL, 0 };
	uint8_t	serial[64];
	char	buf[512];
	size_t	size, i;
	unsigned int seq, crit;
	int	ret;

	if (gnutls_x509_crt_get_dn3(s->crt, &d, 0) >= 0) {
		s->subject = sg_strdup((const char *) d.data);
		gnutls_free(d.data);
	}
	if (gnutls_x509_crt_get_issuer_dn3(s->crt, &d, 0) >= 0) {
		s->issuer = sg_strdup((const char *) d.data);
		gnutls_free(d.data);
	}
	size = sizeof(serial);
	if (gnutls_x509_crt_get_serial(s->crt, serial, &size) >= 0) {
		s->serial = sg_malloc(2 * size + 1);
		for (i = 0; i < size; i++)
			snprintf(s->serial + 2 * i, 3, "%02x", serial[i]);
		s->serial[2 * size] = 0;
	}
	for (seq = 0; seq < 64; seq++) {
		size = sizeof(buf);
		ret = gnutls_x509_crt_get_subject_alt_name(s->crt, seq, buf,
							   &size, &crit);
		if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (ret == GNUTLS_SAN_RFC822NAME)
			add_address(s, buf, size);
	}
	for (seq = 0; seq < 16; seq++) {
		size = sizeof(buf);
		ret = gnutls_x509_crt_get_dn_by_oid(s->crt, GNUTLS_OID_PKCS9_EMAIL,
						    seq, 0, buf, &size);
		if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (ret >= 0)
			add_address(s, buf, size);
	}
}

/* usage_ok - RFC 8550 section 4.4: keyUsage and extendedKeyUsage */
static bool usage_ok(gnutls_x509_crt_t crt, char *why, size_t size)
{
	unsigned int ku, crit;
	char	oid[128];
	size_t	osize;
	bool	has_eku = false, email = false;
	unsigned i;
	int	ret;

	ret = gnutls_x509_crt_get_key_usage(crt, &ku, &crit);
	if (ret >= 0 && !(ku & (GNUTLS_KEY_DIGITAL_SIGNATURE
				| GNUTLS_KEY_NON_REPUDIATION))) {
		snprintf(why, size, "signer keyUsage allows neither "
			 "digitalSignature nor nonRepudiation");
		return false;
	}
	for (i = 0; i < 64; i++) {
		osize = sizeof(oid);
		ret = gnutls_x509_crt_get_key_purpose_oid(crt, i, oid, &osize,
							  &crit);
		if (ret < 0)
			break;
		has_eku = true;
		if (strcmp(oid, GNUTLS_KP_EMAIL_PROTECTION) == 0
		    || strcmp(oid, ANY_EKU) == 0)
			email = true;
	}
	if (has_eku && !email) {
		snprintf(why, size, "signer extendedKeyUsage lacks "
			 "emailProtection");
		return false;
	}
	return true;
}

/* decode_pss - RSASSA-PSS-params (RFC 4055) with their defaults */
static bool decode_pss(const tlv *params, sigalg *alg, char *why, size_t size)
{
	gnutls_digest_algorithm_t hash = GNUTLS_DIG_SHA1, mgf_hash = GNUTLS_DIG_SHA1;
	unsigned long salt = 20;
	char	oid[OID_MAX];
	cur	c;
	tlv	t, inner, o, p;

	if (params->tag != 0x30) {
		snprintf(why, size, "RSASSA-PSS without parameters");
		return false;
	}
	c = der_enter(params);
	while (c.left > 0) {
		cur	ic;

		if (!der_next(&c, &t))
			goto bad;
		ic = der_enter(&t);
		switch (t.tag) {
		case 0xa0:		/* hashAlgorithm */
			if (!der_next(&ic, &inner)
			    || !alg_oid(&inner, oid, sizeof(oid), &o, &p))
				goto bad;
			hash = gnutls_oid_to_digest(oid);
			break;
		case 0xa1: {		/* maskGenAlgorithm: MGF1 + hash */
			cur	mc;
			tlv	mh;

			if (!der_next(&ic, &inner) || inner.tag != 0x30)
				goto bad;
			mc = der_enter(&inner);
			if (!der_expect(&mc, 0x06, &o)
			    || !oid_is(&o, oid_mgf1, sizeof(oid_mgf1))
			    || !der_next(&mc, &mh)
			    || !alg_oid(&mh, oid, sizeof(oid), &o, &p))
				goto bad;
			mgf_hash = gnutls_oid_to_digest(oid);
			break;
		}
		case 0xa2: {		/* saltLength */
			size_t	i;

			if (!der_expect(&ic, 0x02, &inner) || inner.len > 3
			    || (inner.val[0] & 0x80))
				goto bad;
			for (salt = 0, i = 0; i < inner.len; i++)
				salt = (salt << 8) | inner.val[i];
			break;
		}
		case 0xa3:		/* trailerField: must be 1 */
			if (!der_expect(&ic, 0x02, &inner) || inner.len != 1
			    || inner.val[0] != 1)
				goto bad;
			break;
		default:
			goto bad;
		}
	}
	if (hash == GNUTLS_DIG_UNKNOWN || mgf_hash != hash) {
		snprintf(why, size, "unsupported RSASSA-PSS parameters");
		return false;
	}
	alg->pss = true;
	alg->pss_hash = hash;
	alg->pss_salt = (unsigned) salt;
	alg->sign = gnutls_pk_to_sign(GNUTLS_PK_RSA_PSS, hash);
	return true;
bad:
	snprintf(why, size, "malformed RSASSA-PSS parameters");
	return false;
}

/* smime_attr - S/MIME attributes of RFC 8551 and RFC 3183 (sg_smimeattr) */
static void smime_attr(sg_verify_signer *s, const char *oid, const tlv *val,
		       const gnutls_x509_crt_t *certs, size_t ncerts)
{
	sg_status st;

	/* These attributes inform; one we cannot read is ignored, it never
	 * turns a good signature into a failure. */
	if (strcmp(oid, SG_OID_SIGNATURE_TYPE) == 0) {
		unsigned types = 0;

		st = sg_smimeattr_sigtype_decode(val->raw, val->raw_len, &types);
		if (sg_status_is_ok(&st)) {
			s->has_signature_type = true;
			s->domain_signature = (types & SG_SIGTYPE_DOMAIN) != 0;
			s->originator_signature =
				(types & SG_SIGTYPE_ORIGINATOR) != 0;
		}
	} else if (strcmp(oid, SG_OID_SMIME_CAPABILITIES) == 0) {
		size_t	n = 0;

		st = sg_smimeattr_caps_decode(val->raw, val->raw_len, s->caps,
					      SG_VERIFY_MAX_CAPS, &n);
		s->ncaps = sg_status_is_ok(&st) ? n : 0;
	} else if (strcmp(oid, SG_OID_ENC_KEY_PREF) == 0) {
		sg_smimeattr_ekp ekp = SG_SMIMEATTR_EKP_INIT;
		size_t	i;

		st = sg_smimeattr_ekp_decode(val->raw, val->raw_len, &ekp);
		if (sg_status_is_ok(&st)) {
			s->enc_pref_present = true;
			if (s->enc_crt == NULL
			    && sg_smimeattr_ekp_find(&ekp, certs, ncerts, &i))
				s->enc_crt = crt_dup(certs[i]);
		}
		sg_smimeattr_ekp_free(&ekp);
	}
}

/* read_attrs - signed attributes: checks and facts; false = PERMERROR */
static bool read_attrs(sg_verify_signer *s, const tlv *attrs,
		       const tlv *econtent_type, tlv *digest,
		       const gnutls_x509_crt_t *certs, size_t ncerts)
{
	cur	c = der_enter(attrs);
	bool	have_type = false, have_digest = false, have_time = false;
	char	oid[OID_MAX];
	size_t	n = 0;

	while (c.left > 0) {
		tlv	attr, type, vals, val;
		cur	ac, vc;

		if (++n > MAX_ATTRS || !der_expect(&c, 0x30, &attr)) {
			signer_set(s, SG_VERIFY_PERMERROR, "malformed signed "
				   "attributes");
			return false;
		}
		ac = der_enter(&attr);
		if (!der_expect(&ac, 0x06, &type) || !der_expect(&ac, 0x31, &vals)
		    || ac.left != 0 || !oid_str(&type, oid, sizeof(oid))) {
			signer_set(s, SG_VERIFY_PERMERROR, "malformed signed "
				   "attribute");
			return false;
		}
		vc = der_enter(&vals);
		if (!der_next(&vc, &val)) {
			signer_set(s, SG_VERIFY_PERMERROR, "signed attribute "
				   "%s without a value", oid);
			return false;
		}
		if (strcmp(oid, SG_OID_CONTENT_TYPE) == 0) {
			if (have_type || vc.left != 0 || val.tag != 0x06) {
				signer_set(s, SG_VERIFY_PERMERROR, "bad "
					   "contentType attribute");
				return false;
			}
			have_type = true;
			if (val.len != econtent_type->len
			    || memcmp(val.val, econtent_type->val, val.len)) {
				signer_set(s, SG_VERIFY_FAIL, "contentType "
					   "attribute differs from the "
					   "content's type");
				return false;
			}
		} else if (strcmp(oid, SG_OID_MESSAGE_DIGEST) == 0) {
			if (have_digest || vc.left != 0 || val.tag != 0x04) {
				signer_set(s, SG_VERIFY_PERMERROR, "bad "
					   "messageDigest attribute");
				return false;
			}
			have_digest = true;
			*digest = val;
		} else if (strcmp(oid, SG_OID_SIGNING_TIME) == 0) {
			if (have_time || vc.left != 0
			    || !parse_time(&val, &s->signing_time)) {
				signer_set(s, SG_VERIFY_PERMERROR, "bad "
					   "signingTime attribute");
				return false;
			}
			have_time = s->has_signing_time = true;
		} else
			smime_attr(s, oid, &val, certs, ncerts);
	}
	if (!have_type || !have_digest) {
		signer_set(s, SG_VERIFY_PERMERROR, "signed attributes without "
			   "%s", have_type ? "messageDigest" : "contentType");
		return false;
	}
	return true;
}

/* parse_sinfo - split a SignerInfo into its fields */
static bool parse_sinfo(const tlv *t, sinfo *si)
{
	cur	c = der_enter(t);
	tlv	version, unsigned_attrs;

	memset(si, 0, sizeof(*si));
	if (t->tag != 0x30 || !der_expect(&c, 0x02, &version)
	    || !der_next(&c, &si->sid)
	    || (si->sid.tag != 0x30 && si->sid.tag != 0x80)
	    || !der_expect(&c, 0x30, &si->digest_alg))
		return false;
	if (der_peek(&c) == 0xa0 && !der_next(&c, &si->signed_attrs))
		return false;
	if (!der_expect(&c, 0x30, &si->sig_alg)
	    || !der_expect(&c, 0x04, &si->signature))
		return false;
	if (der_peek(&c) == 0xa1 && !der_next(&c, &unsigned_attrs))
		return false;
	return c.left == 0;
}

/* pick_sigalg - the signature algorithm of a SignerInfo */
static bool pick_sigalg(const sinfo *si, gnutls_digest_algorithm_t dig,
			sigalg *alg, char *why, size_t size)
{
	char	oid[OID_MAX];
	tlv	o, params;
	gnutls_pk_algorithm_t pk;

	memset(alg, 0, sizeof(*alg));
	if (!alg_oid(&si->sig_alg, oid, sizeof(oid), &o, &params)) {
		snprintf(why, size, "malformed signature algorithm");
		return false;
	}
	if (oid_is(&o, oid_rsa_pss, sizeof(oid_rsa_pss))) {
		if (!decode_pss(&params, alg, why, size))
			return false;
		if (alg->pss_hash != dig) {
			snprintf(why, size, "RSASSA-PSS hash differs from the "
				 "digest algorithm");
			return false;
		}
		return true;
	}
	alg->sign = gnutls_oid_to_sign(oid);
	if (alg->sign != GNUTLS_SIGN_UNKNOWN) {
		if (gnutls_sign_get_hash_algorithm(alg->sign) != dig) {
			snprintf(why, size, "signature algorithm %s does not "
				 "use the digest algorithm", oid);
			return false;
		}
		return true;
	}
	pk = gnutls_oid_to_pk(oid);
	if (pk == GNUTLS_PK_RSA || pk == GNUTLS_PK_ECDSA)
		alg->sign = gnutls_pk_to_sign(pk, dig);
	if (alg->sign == GNUTLS_SIGN_UNKNOWN) {
		snprintf(why, size, "unsupported signature algorithm %s", oid);
		return false;
	}
	return true;
}

/* view_open - a reader of the view's transformed bytes (sg_eol(3)) */
static void view_open(const view *v, sg_eol_reader *r)
{
	sg_eol_open(r, v->data, v->len, v->canon == SG_VERIFY_CANON_CRLF
		    ? SG_EOL_CRLF : v->canon == SG_VERIFY_CANON_LF
		    ? SG_EOL_LF : SG_EOL_AS_IS);
}

/* view_hash - digest of the transformed content, in pieces */
static bool view_hash(const view *v, gnutls_digest_algorithm_t dig,
		      uint8_t *md)
{
	gnutls_hash_hd_t h;
	uint8_t	buf[VIEW_CHUNK];
	sg_eol_reader r;
	size_t	n;
	bool	ok = true;

	if (v->canon == SG_VERIFY_CANON_AS_IS)
		return gnutls_hash_fast(dig, v->data, v->len, md) >= 0;
	if (gnutls_hash_init(&h, dig) < 0)
		return false;
	view_open(v, &r);
	while (ok && (n = sg_eol_read(&r, buf, sizeof(buf))) > 0)
		ok = gnutls_hash(h, buf, n) >= 0;
	gnutls_hash_deinit(h, md);
	gnutls_memset(buf, 0, sizeof(buf));
	return ok;
}

/* view_equals - are the transformed content and these bytes the same? */
static bool view_equals(const view *v, const uint8_t *b, size_t blen)
{
	uint8_t	buf[VIEW_CHUNK];
	sg_eol_reader r;
	size_t	n, off = 0;
	bool	same = true;

	if (v->canon == SG_VERIFY_CANON_AS_IS)
		return v->len == blen && (blen == 0
					  || memcmp(v->data, b, blen) == 0);
	view_open(v, &r);
	while (same && (n = sg_eol_read(&r, buf, sizeof(buf))) > 0) {
		same = n <= blen - off && memcmp(buf, b + off, n) == 0;
		off += n;
	}
	gnutls_memset(buf, 0, sizeof(buf));
	return same && off == blen;
}

/* view_bytes - the transformed content contiguous (one copy, made once) */
static const uint8_t *view_bytes(view *v, size_t *len)
{
	if (v->canon == SG_VERIFY_CANON_AS_IS) {
		*len = v->len;
		return v->data;
	}
	if (!v->have_copy) {
		if (v->canon == SG_VERIFY_CANON_CRLF)
			sg_buf_append_crlf(&v->copy, v->data, v->len);
		else
			sg_buf_append_lf(&v->copy, v->data, v->len);
		v->have_copy = true;
	}
	*len = v->copy.len;
	return v->copy.len > 0 ? v->copy.data : v->data;
}

/* check_signature - the cryptographic check; sets FAIL/INSECURE/PERMERROR */
static bool check_signature(sg_verify_signer *s, const sigalg *alg,
			    const gnutls_datum_t *data, const tlv *sig)
{
	gnutls_pubkey_t pub = NULL;
	gnutls_x509_spki_t spki = NULL;
	gnutls_datum_t sd = { (unsigned char *) sig->val, (unsigned) sig->len };
	unsigned int bits = 0;
	bool	ok = false;
	int	ret, pk;

	if ((ret = gnutls_pubkey_init(&pub)) < 0
	    || (ret = gnutls_pubkey_import_x509(pub, s->crt, 0)) < 0) {
		signer_set(s, SG_VERIFY_PERMERROR, "signer public key "
			   "unusable: %s", gnutls_strerror(ret));
		goto cleanup;
	}
	pk = gnutls_pubkey_get_pk_algorithm(pub, &bits);
	if (alg->pss) {
		if ((ret = gnutls_x509_spki_init(&spki)) < 0)
			goto fail;
		gnutls_x509_spki_set_rsa_pss_params(spki, alg->pss_hash,
						    alg->pss_salt);
		if ((ret = gnutls_pubkey_set_spki(pub, spki, 0)) < 0)
			goto fail;
	}
	/* SHA-1 is allowed here so that a bad SHA-1 signature is FAIL and
	 * a good one INSECURE_ALGORITHM (decided by the caller). */
	ret = gnutls_pubkey_verify_data2(pub, alg->sign,
					 GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1,
					 data, &sd);
	if (ret == GNUTLS_E_INSUFFICIENT_SECURITY) {
		signer_set(s, SG_VERIFY_INSECURE_ALGORITHM, "signature "
			   "algorithm %s is insecure",
			   gnutls_sign_get_name(alg->sign));
		goto cleanup;
	}
	if (ret != 0)			/* never trust a positive answer */
		goto fail;
	if ((pk == GNUTLS_PK_RSA || pk == GNUTLS_PK_RSA_PSS) && bits < 2048) {
		signer_set(s, SG_VERIFY_INSECURE_ALGORITHM, "signer RSA key "
			   "of %u bits", bits);
		goto cleanup;
	}
	ok = true;
	goto cleanup;
fail:
	signer_set(s, SG_VERIFY_FAIL, "signature does not verify (%s)",
		   ret < 0 ? gnutls_strerror(ret) : "unexpected answer");
cleanup:
	if (spki != NULL)
		gnutls_x509_spki_deinit(spki);
	if (pub != NULL)
		gnutls_pubkey_deinit(pub);
	return ok;
}

/* verify_one - the result of one SignerInfo */
static void verify_one(const sg_verify_opts *opts, const tlv *t,
		       const tlv *econtent_type, view *content,
		       gnutls_x509_crt_t *certs, size_t ncerts,
		       size_t nmsg_certs, gnutls_x509_crl_t *crls, size_t ncrls,
		       sg_verify_signer *s)
{
	sinfo	si;
	sigalg	alg;
	char	oid[OID_MAX], why[SG_STATUS_TEXT_MAX];
	tlv	o, params, digest = { 0, NULL, 0, NULL, 0 };
	uint8_t	md[64];
	gnutls_datum_t signed_data;
	uint8_t *attrs = NULL;
	sg_trust_verdict v;
	sg_status st;
	time_t	now = opts->now ? opts->now : time(NULL);
	const uint8_t *data;
	size_t	i, dlen;

	s->result = SG_VERIFY_PERMERROR;
	if (!parse_sinfo(t, &si)) {
		signer_set(s, SG_VERIFY_PERMERROR, "malformed SignerInfo");
		return;
	}
	if (!alg_oid(&si.digest_alg, oid, sizeof(oid), &o, &params)
	    || (s->digest = gnutls_oid_to_digest(oid)) == GNUTLS_DIG_UNKNOWN
	    || gnutls_hash_get_len(s->digest) > sizeof(md)) {
		signer_set(s, SG_VERIFY_PERMERROR, "unsupported digest "
			   "algorithm");
		return;
	}
	for (i = 0; i < ncerts && s->crt == NULL; i++)
		if (crt_matches_sid(certs[i], &si.sid))
			s->crt = crt_dup(certs[i]);
	if (s->crt == NULL) {
		signer_set(s, SG_VERIFY_NO_SIGNER_CERT, "signer certificate "
			   "not in the message");
		return;
	}
	describe_crt(s);
	if (!pick_sigalg(&si, s->digest, &alg, why, sizeof(why))) {
		signer_set(s, SG_VERIFY_PERMERROR, "%s", why);
		return;
	}
	s->sign_algo = alg.sign;
	if (s->digest == GNUTLS_DIG_MD5 || s->digest == GNUTLS_DIG_MD2) {
		signer_set(s, SG_VERIFY_INSECURE_ALGORITHM, "digest %s is "
			   "insecure", gnutls_digest_get_name(s->digest));
		return;
	}

	if (si.signed_attrs.tag == 0xa0) {
		if (!read_attrs(s, &si.signed_attrs, econtent_type, &digest,
				certs, nmsg_certs))
			return;
		if (!view_hash(content, s->digest, md)) {
			signer_set(s, SG_VERIFY_TEMPERROR, "cannot compute "
				   "the digest");
			return;
		}
		if (digest.len != gnutls_hash_get_len(s->digest)
		    || memcmp(md, digest.val, digest.len) != 0) {
			signer_set(s, SG_VERIFY_FAIL, "message digest does "
				   "not match the content");
			return;
		}
		/* The signature covers the attributes as a SET (RFC 5652
		 * section 5.4): the [0] IMPLICIT tag becomes 0x31. */
		attrs = sg_memdup(si.signed_attrs.raw, si.signed_attrs.raw_len);
		attrs[0] = 0x31;
		signed_data.data = attrs;
		signed_data.size = (unsigned) si.signed_attrs.raw_len;
	} else {
		data = view_bytes(content, &dlen);
		signed_data.data = (unsigned char *) data;
		signed_data.size = (unsigned) dlen;
	}
	if (!check_signature(s, &alg, &signed_data, &si.signature))
		goto cleanup;
	if (s->digest == GNUTLS_DIG_SHA1 && !opts->allow_sha1) {
		signer_set(s, SG_VERIFY_INSECURE_ALGORITHM, "good signature "
			   "with the SHA-1 digest, which is not accepted");
		goto cleanup;
	}
	if (!usage_ok(s->crt, why, sizeof(why))) {
		signer_set(s, SG_VERIFY_BAD_USAGE, "%s", why);
		goto cleanup;
	}
	st = sg_trust_verify_chain(opts->trust, s->crt, certs, ncerts, crls,
				   ncrls, opts->now, &v, why, sizeof(why));
	if (!sg_status_is_ok(&st)) {
		signer_set(s, SG_VERIFY_TEMPERROR, "%s", st.text);
		goto cleanup;
	}
	s->crl_checked = v.crl_checked;
	switch (v.code) {
	case SG_TRUST_OK:
		signer_set(s, SG_VERIFY_PASS, "good signature; %s", why);
		break;
	case SG_TRUST_REVOKED:
		signer_set(s, SG_VERIFY_REVOKED, "good signature; %s", why);
		break;
	case SG_TRUST_EXPIRED:
		signer_set(s, SG_VERIFY_EXPIRED, "good signature; %s", why);
		break;
	case SG_TRUST_INSECURE:
		signer_set(s, SG_VERIFY_INSECURE_ALGORITHM, "good signature; "
			   "%s", why);
		break;
	case SG_TRUST_PURPOSE:
		signer_set(s, SG_VERIFY_BAD_USAGE, "good signature; %s", why);
		break;
	case SG_TRUST_NOT_FOUND:
	case SG_TRUST_OTHER:
		signer_set(s, SG_VERIFY_UNTRUSTED, "good signature; %s", why);
		break;
	}
cleanup:
	if (s->has_signing_time
	    && s->signing_time > now + (time_t) opts->max_skew) {
		size_t	l = strlen(s->reason);

		s->signing_time_future = true;
		snprintf(s->reason + l, sizeof(s->reason) - l,
			 "; signing time is in the future");
	}
	free(attrs);
}

/* report_fail - a report for an unreadable SignedData */
static sg_status report_fail(sg_verify_report *rep, const char *what)
{
	rep->result = SG_VERIFY_PERMERROR;
	snprintf(rep->reason, sizeof(rep->reason), "%s", what);
	return sg_status_make(SG_REJECT, "%s", what);
}

/* read_econtent - eContent, primitive or chunked, into out */
static bool read_econtent(const tlv *explicit0, sg_buf *out)
{
	cur	c = der_enter(explicit0), cc;
	tlv	os, chunk;

	if (!der_next(&c, &os) || c.left != 0)
		return false;
	if (os.tag == 0x04) {
		sg_buf_append(out, os.val, os.len);
		return true;
	}
	if (os.tag != 0x24)
		return false;
	/* Chunks of a constructed string are primitive OCTET STRINGs
	 * (one level is what -stream, NSS and gpgsm write). */
	cc = der_enter(&os);
	while (cc.left > 0) {
		if (!der_expect(&cc, 0x04, &chunk))
			return false;
		sg_buf_append(out, chunk.val, chunk.len);
	}
	return true;
}

/* sg_verify - verify a SignedData, detached (content) or opaque (NULL) */
sg_status sg_verify(const sg_verify_opts *opts, const uint8_t *cms,
		    size_t cms_len, const uint8_t *content, size_t content_len,
		    sg_verify_report **reportp)
{
	sg_verify_report *rep = sg_calloc(1, sizeof(*rep));
	sg_buf	norm = SG_BUF_INIT;
	gnutls_x509_crt_t *certs = NULL;
	gnutls_x509_crl_t *crls = NULL;
	size_t	ncerts = 0, ncrls = 0, nall, used = 0, n, i;
	const uint8_t *in;
	tlv	ci, type, explicit0, sd, version, algs, encap, ectype, econt,
		set, si;
	cur	c, sc, ec;
	bool	have_econtent = false, econtent_mismatch = false;
	view	content_view = { NULL, 0, SG_VERIFY_CANON_AS_IS, SG_BUF_INIT,
				 false };
	sg_status st;

	*reportp = rep;
	rep->result = SG_VERIFY_PERMERROR;
	st = sg_ber_definite(cms, cms_len, &norm, &used);
	if (!sg_status_is_ok(&st)) {
		st = report_fail(rep, "malformed SignedData encoding");
		goto cleanup;
	}
	rep->trailing = cms_len - used;
	c.p = norm.len > 0 ? norm.data : cms;
	c.left = norm.len > 0 ? norm.len : used;
	in = c.p;
	(void) in;
	if (!der_expect(&c, 0x30, &ci)) {
		st = report_fail(rep, "not a CMS ContentInfo");
		goto cleanup;
	}
	c = der_enter(&ci);
	if (!der_expect(&c, 0x06, &type)
	    || !oid_is(&type, oid_signed_data, sizeof(oid_signed_data))) {
		st = report_fail(rep, "not a CMS SignedData");
		goto cleanup;
	}
	if (!der_expect(&c, 0xa0, &explicit0) || c.left != 0) {
		st = report_fail(rep, "malformed ContentInfo");
		goto cleanup;
	}
	c = der_enter(&explicit0);
	if (!der_expect(&c, 0x30, &sd) || c.left != 0) {
		st = report_fail(rep, "malformed SignedData");
		goto cleanup;
	}
	sc = der_enter(&sd);
	if (!der_expect(&sc, 0x02, &version) || !der_expect(&sc, 0x31, &algs)
	    || !der_expect(&sc, 0x30, &encap)) {
		st = report_fail(rep, "malformed SignedData");
		goto cleanup;
	}
	ec = der_enter(&encap);
	if (!der_expect(&ec, 0x06, &ectype)) {
		st = report_fail(rep, "malformed encapContentInfo");
		goto cleanup;
	}
	if (ec.left > 0) {
		if (!der_expect(&ec, 0xa0, &econt) || ec.left != 0
		    || !read_econtent(&econt, &rep->content)) {
			st = report_fail(rep, "malformed eContent");
			goto cleanup;
		}
		have_econtent = true;
	}
	if (!have_econtent && content == NULL) {
		st = report_fail(rep, "detached SignedData without content");
		goto cleanup;
	}
	/* Both: what the reader sees is the given part (read through
	 * opts->canon); an eContent that differs from it fails every signer
	 * (NSS .mismatch-econtent). */
	if (content != NULL) {
		content_view.data = content;
		content_view.len = content_len;
		if (opts->canon == SG_VERIFY_CANON_CRLF
		    || opts->canon == SG_VERIFY_CANON_LF)
			content_view.canon = opts->canon;
	} else {
		content_view.data = rep->content.data;
		content_view.len = rep->content.len;
	}
	econtent_mismatch = have_econtent && content != NULL
		&& !view_equals(&content_view, rep->content.data,
				rep->content.len);
	rep->detached = content != NULL;

	/* certificates [0] IMPLICIT SET OF CertificateChoices; only the
	 * plain Certificate choice (a SEQUENCE) is used. */
	certs = sg_calloc(SG_VERIFY_MAX_CERTS + opts->nextra_certs + 1,
			  sizeof(*certs));
	if (der_peek(&sc) == 0xa0) {
		tlv	cset, one;
		cur	cc;

		if (!der_next(&sc, &cset)) {
			st = report_fail(rep, "malformed certificates");
			goto cleanup;
		}
		cc = der_enter(&cset);
		while (cc.left > 0) {
			gnutls_datum_t d;

			if (!der_next(&cc, &one)) {
				st = report_fail(rep, "malformed certificates");
				goto cleanup;
			}
			rep->ncerts++;
			if (one.tag != 0x30 || ncerts >= SG_VERIFY_MAX_CERTS)
				continue;
			d.data = (unsigned char *) one.raw;
			d.size = (unsigned) one.raw_len;
			if (gnutls_x509_crt_init(&certs[ncerts]) < 0)
				continue;
			if (gnutls_x509_crt_import(certs[ncerts], &d,
						   GNUTLS_X509_FMT_DER) < 0) {
				gnutls_x509_crt_deinit(certs[ncerts]);
				certs[ncerts] = NULL;
				continue;	/* an unreadable one is skipped */
			}
			ncerts++;
		}
	}
	if (der_peek(&sc) == 0xa1) {
		tlv	lset, one;
		cur	lc;

		crls = sg_calloc(SG_VERIFY_MAX_CRLS + 1, sizeof(*crls));
		if (!der_next(&sc, &lset)) {
			st = report_fail(rep, "malformed CRLs");
			goto cleanup;
		}
		lc = der_enter(&lset);
		while (lc.left > 0) {
			gnutls_datum_t d;

			if (!der_next(&lc, &one)) {
				st = report_fail(rep, "malformed CRLs");
				goto cleanup;
			}
			rep->ncrls++;
			if (one.tag != 0x30 || ncrls >= SG_VERIFY_MAX_CRLS)
				continue;
			d.data = (unsigned char *) one.raw;
			d.size = (unsigned) one.raw_len;
			if (gnutls_x509_crl_init(&crls[ncrls]) < 0)
				continue;
			if (gnutls_x509_crl_import(crls[ncrls], &d,
						   GNUTLS_X509_FMT_DER) < 0) {
				gnutls_x509_crl_deinit(crls[ncrls]);
				crls[ncrls] = NULL;
				continue;
			}
			ncrls++;
		}
	}
	if (!der_expect(&sc, 0x31, &set) || sc.left != 0) {
		st = report_fail(rep, "malformed SignerInfos");
		goto cleanup;
	}
	/* Count first: more signers than we look at is refused whole. */
	c = der_enter(&set);
	for (n = 0; c.left > 0; n++)
		if (n > SG_VERIFY_MAX_SIGNERS || !der_next(&c, &si))
			break;
	if (c.left > 0 || n == 0 || n > SG_VERIFY_MAX_SIGNERS) {
		st = report_fail(rep, n == 0 ? "SignedData without a "
				 "SignerInfo" : c.left > 0 && n <=
				 SG_VERIFY_MAX_SIGNERS ? "malformed SignerInfos"
				 : "too many SignerInfos");
		goto cleanup;
	}
	/* The message's certificates, then the caller's (pinned ones). */
	nall = ncerts;
	for (i = 0; i < opts->nextra_certs; i++)
		certs[nall++] = opts->extra_certs[i];
	rep->signers = sg_calloc(n, sizeof(*rep->signers));
	rep->nsigners = n;
	c = der_enter(&set);
	for (i = 0; i < n; i++) {
		(void) der_next(&c, &si);
		verify_one(opts, &si, &ectype, &content_view, certs, nall,
			   ncerts, crls, ncrls, &rep->signers[i]);
		if (econtent_mismatch)
			signer_set(&rep->signers[i], SG_VERIFY_FAIL, "the "
				   "SignedData holds content that differs "
				   "from the signed part");
	}
	rep->result = rep->signers[0].result;
	snprintf(rep->reason, sizeof(rep->reason), "%s",
		 rep->signers[0].reason);
	st = sg_status_ok();
cleanup:
	for (i = 0; i < ncerts; i++)
		gnutls_x509_crt_deinit(certs[i]);
	free(certs);
	for (i = 0; i < ncrls; i++)
		gnutls_x509_crl_deinit(crls[i]);
	free(crls);
	sg_buf_wipe_free(&content_view.copy);
	sg_buf_free(&norm);
	return st;
}

/* sg_verify_report_free - release a report; NULL is allowed */
void	sg_verify_report_free(sg_verify_report *rep)
{
	size_t	i, j;

	if (rep == NULL)
		return;
	for (i = 0; i < rep->nsigners; i++) {
		sg_verify_signer *s = &rep->signers[i];

		if (s->crt != NULL)
			gnutls_x509_crt_deinit(s->crt);
		if (s->enc_crt != NULL)
			gnutls_x509_crt_deinit(s->enc_crt);
		free(s->subject);
		free(s->issuer);
		free(s->serial);
		for (j = 0; j < s->naddresses; j++)
			free(s->addresses[j]);
		free(s->addresses);
	}
	free(rep->signers);
	sg_buf_wipe_free(&rep->content);
	free(rep);
}

/* sg_verify_result_name - short name ("pass", "untrusted", ...) for logs */
const char *sg_verify_result_name(sg_verify_result r)
{
	switch (r) {
	case SG_VERIFY_PASS:
		return "pass";
	case SG_VERIFY_FAIL:
		return "fail";
	case SG_VERIFY_UNTRUSTED:
		return "untrusted";
	case SG_VERIFY_EXPIRED:
		return "expired";
	case SG_VERIFY_REVOKED:
		return "revoked";
	case SG_VERIFY_BAD_USAGE:
		return "bad-usage";
	case SG_VERIFY_INSECURE_ALGORITHM:
		return "insecure-algorithm";
	case SG_VERIFY_NO_SIGNER_CERT:
		return "no-signer-cert";
	case SG_VERIFY_TEMPERROR:
		return "temperror";
	case SG_VERIFY_PERMERROR:
		return "permerror";
	}
	return "permerror";
}

/* sg_verify_smime_result - the RFC 7281 "smime" result for a result */
const char *sg_verify_smime_result(sg_verify_result r)
{
	switch (r) {
	case SG_VERIFY_PASS:
		return "pass";
	case SG_VERIFY_FAIL:
	case SG_VERIFY_REVOKED:
		return "fail";
	case SG_VERIFY_UNTRUSTED:
	case SG_VERIFY_EXPIRED:
	case SG_VERIFY_BAD_USAGE:
	case SG_VERIFY_INSECURE_ALGORITHM:
		return "policy";
	case SG_VERIFY_NO_SIGNER_CERT:
		return "neutral";
	case SG_VERIFY_TEMPERROR:
		return "temperror";
	case SG_VERIFY_PERMERROR:
		return "permerror";
	}
	return "permerror";
}

/* sg_verify_same_cert - true when two certificates are byte-identical */
bool	sg_verify_same_cert(gnutls_x509_crt_t a, gnutls_x509_crt_t b)
{
	gnutls_datum_t da = { NULL, 0 }, db = { NULL, 0 };
	bool	same = false;

	if (a == NULL || b == NULL)
		return false;
	if (gnutls_x509_crt_export2(a, GNUTLS_X509_FMT_DER, &da) >= 0
	    && gnutls_x509_crt_export2(b, GNUTLS_X509_FMT_DER, &db) >= 0)
		same = da.size == db.size
			&& memcmp(da.data, db.data, da.size) == 0;
	gnutls_free(da.data);
	gnutls_free(db.data);
	return same;
}
