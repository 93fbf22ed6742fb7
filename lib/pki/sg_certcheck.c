/*
 * NAME
 *	sg_certcheck 3
 * SUMMARY
 *	is this a certificate we may use for a partner, and under which name?
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_addr.h"
#include "sg_buf.h"
#include "sg_certcheck.h"
#include "sg_mem.h"

/* Local parts that make an address a domain's (RFC 3183, SGP). */
static const char *const sg_certcheck_domain_locals[] = {
	"domain-confidentiality-authority", "domain-signing-authority",
	"smg_encryptor", NULL,
};

/* One name of a certificate. */
typedef struct sg_certcheck_name {
	char   *text;			/* as written in the certificate */
	bool	email;			/* an address, not a domain */
} sg_certcheck_name;

typedef struct sg_certcheck_names {
	sg_certcheck_name *v;
	size_t	n;
} sg_certcheck_names;

/* sg_certcheck_names_add - append a copy */
static void sg_certcheck_names_add(sg_certcheck_names *l, const char *text,
				   bool email)
{
	l->v = sg_realloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n].text = sg_strdup(text);
	l->v[l->n++].email = email;
}

/* sg_certcheck_names_free - release the list */
static void sg_certcheck_names_free(sg_certcheck_names *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* sg_certcheck_collect - SAN rfc822Name/dNSName, emailAddress, CN */
static void sg_certcheck_collect(gnutls_x509_crt_t crt,
				 sg_certcheck_names *out)
{
	char	buf[1024];
	size_t	size;
	unsigned int i, critical;
	int	type;

	for (i = 0;; i++) {
		size = sizeof(buf) - 1;
		type = gnutls_x509_crt_get_subject_alt_name(crt, i, buf, &size,
							    &critical);
		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type != GNUTLS_SAN_RFC822NAME && type != GNUTLS_SAN_DNSNAME)
			continue;
		buf[size] = '\0';
		sg_certcheck_names_add(out, buf, type == GNUTLS_SAN_RFC822NAME);
	}
	for (i = 0;; i++) {
		size = sizeof(buf) - 1;
		if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_PKCS9_EMAIL, i,
						  0, buf, &size) < 0)
			break;
		buf[size] = '\0';
		sg_certcheck_names_add(out, buf, true);
	}
	for (i = 0;; i++) {
		size = sizeof(buf) - 1;
		if (gnutls_x509_crt_get_dn_by_oid(crt,
						  GNUTLS_OID_X520_COMMON_NAME,
						  i, 0, buf, &size) < 0)
			break;
		buf[size] = '\0';
		sg_certcheck_names_add(out, buf, strchr(buf, '@') != NULL);
	}
}

/* sg_certcheck_name_matches - does one name of a certificate fit canon? */
static bool sg_certcheck_name_matches(const char *name, bool email,
				      const char *canon)
{
	sg_addr	a = SG_ADDR_INIT;
	char   *dom = NULL, *full = NULL;
	bool	match = false;
	size_t	dl, cl = strlen(canon);
	sg_status st;

	if (!email) {
		/* a dNSName (or CN) matches the domain file itself */
		if (strchr(canon, '@') == NULL && strchr(name, ' ') == NULL) {
			st = sg_addr_domain(name, &dom);
			match = sg_status_is_ok(&st) && strcmp(dom, canon) == 0;
		}
		goto cleanup;
	}
	st = sg_addr_parse(name, &a);
	if (!sg_status_is_ok(&st) || a.domain == NULL)
		goto cleanup;
	if (strchr(canon, '@') != NULL) {
		full = sg_addr_lookup_name(&a);
		match = strcmp(full, canon) == 0;
		goto cleanup;
	}
	/* an address in the domain, a parent or a subdomain of it */
	dom = sg_strdup(a.domain);
	dl = strlen(dom);
	match = strcmp(dom, canon) == 0
		|| (dl > cl && dom[dl - cl - 1] == '.'
		    && strcmp(dom + dl - cl, canon) == 0)
		|| (cl > dl && canon[cl - dl - 1] == '.'
		    && strcmp(canon + cl - dl, dom) == 0 && strchr(dom, '.'));
cleanup:
	sg_addr_free(&a);
	free(dom);
	free(full);
	return match;
}

/* sg_certcheck_names_match - do crt's names fit the file name canon? */
bool	sg_certcheck_names_match(gnutls_x509_crt_t crt, const char *canon,
				 char *seen, size_t size)
{
	sg_certcheck_names names = {NULL, 0};
	sg_buf	list = SG_BUF_INIT;
	bool	match = false;
	size_t	i;

	sg_certcheck_collect(crt, &names);
	for (i = 0; i < names.n; i++) {
		match |= sg_certcheck_name_matches(names.v[i].text,
						   names.v[i].email, canon);
		sg_buf_append_str(&list, list.len ? ", " : "");
		sg_buf_append_str(&list, names.v[i].text);
	}
	if (seen != NULL && size > 0)
		snprintf(seen, size, "%.*s", (int) list.len,
			 list.len ? (char *) list.data : "");
	sg_buf_free(&list);
	sg_certcheck_names_free(&names);
	return match;
}

/* sg_certcheck_is_domain_local - a DOMSEC/SGP local part? */
static bool sg_certcheck_is_domain_local(const char *local)
{
	size_t	i;

	for (i = 0; sg_certcheck_domain_locals[i]; i++)
		if (strcasecmp(local, sg_certcheck_domain_locals[i]) == 0)
			return true;
	return false;
}

/* sg_certcheck_pick - set *pick to cand, or note a disagreement */
static void sg_certcheck_pick(char **pick, const char *cand, bool *clash)
{
	if (*pick == NULL)
		*pick = sg_strdup(cand);
	else if (strcmp(*pick, cand) != 0)
		*clash = true;
}

/* sg_certcheck_name_for - the file name (no ".pem") crt belongs under */
sg_status sg_certcheck_name_for(gnutls_x509_crt_t crt, char **name)
{
	sg_certcheck_names names = {NULL, 0};
	char   *dom = NULL, *person = NULL, *dns = NULL, *s;
	bool	dom_clash = false, person_clash = false, dns_clash = false;
	char	seen[300];
	sg_addr	a = SG_ADDR_INIT;
	sg_status st = sg_status_ok();
	size_t	i;

	*name = NULL;
	sg_certcheck_collect(crt, &names);
	for (i = 0; i < names.n; i++) {
		sg_addr_free(&a);
		if (names.v[i].email) {
			st = sg_addr_parse(names.v[i].text, &a);
			if (!sg_status_is_ok(&st) || a.domain == NULL || a.local[0] == '\0'
			    || strchr(a.domain, '.') == NULL) {
				st = sg_status_ok();
				continue;
			}
			if (sg_certcheck_is_domain_local(a.local)) {
				sg_certcheck_pick(&dom, a.domain, &dom_clash);
			} else {
				s = sg_addr_lookup_name(&a);
				sg_certcheck_pick(&person, s, &person_clash);
				free(s);
			}
		} else if (strchr(names.v[i].text, ' ') == NULL) {
			st = sg_addr_domain(names.v[i].text, &s);
			if (!sg_status_is_ok(&st)) {
				st = sg_status_ok();
				continue;
			}
			if (strchr(s, '.') != NULL)
				sg_certcheck_pick(&dns, s, &dns_clash);
			free(s);
		}
	}
	sg_certcheck_names_match(crt, "", seen, sizeof(seen));
	if (dom != NULL) {
		if (dom_clash)
			st = sg_status_make(SG_REJECT, "the certificate's domain "
					    "addresses name several domains "
					    "(%s)", seen);
		else
			*name = sg_strdup(dom);
	} else if (person != NULL) {
		if (person_clash)
			st = sg_status_make(SG_REJECT, "the certificate names "
					    "several addresses (%s)", seen);
		else
			*name = sg_strdup(person);
	} else if (dns != NULL) {
		if (dns_clash)
			st = sg_status_make(SG_REJECT, "the certificate names "
					    "several domains (%s)", seen);
		else
			*name = sg_strdup(dns);
	} else {
		st = sg_status_make(SG_REJECT, "the certificate names no "
				    "domain and no address (its names: %s)",
				    seen[0] ? seen : "none");
	}
	sg_addr_free(&a);
	free(dom);
	free(person);
	free(dns);
	sg_certcheck_names_free(&names);
	return st;
}

/* sg_certcheck_is_ca - basicConstraints CA=true? */
bool	sg_certcheck_is_ca(gnutls_x509_crt_t crt)
{
	unsigned int critical = 0, ca = 0;
	int	pathlen = 0;

	return gnutls_x509_crt_get_basic_constraints(crt, &critical, &ca,
						     &pathlen) >= 0 && ca;
}

/* sg_certcheck_for_encryption - keyUsage absent, or allows encryption */
bool	sg_certcheck_for_encryption(gnutls_x509_crt_t crt)
{
	unsigned int usage = 0, critical = 0;
	int	ret = gnutls_x509_crt_get_key_usage(crt, &usage, &critical);

	if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
		return true;
	if (ret < 0)
		return false;			/* unreadable: not trusted */
	return (usage & (GNUTLS_KEY_KEY_ENCIPHERMENT
			 | GNUTLS_KEY_KEY_AGREEMENT)) != 0;
}

/* sg_certcheck_key - "RSA 3072", "EC P-256"; returns the bits (0: ?) */
unsigned sg_certcheck_key(gnutls_x509_crt_t crt, char *buf, size_t size)
{
	unsigned int bits = 0;
	int	alg = gnutls_x509_crt_get_pk_algorithm(crt, &bits);
	gnutls_ecc_curve_t curve;
	gnutls_datum_t x = {NULL, 0}, y = {NULL, 0};
	const char *name;

	switch (alg) {
	case GNUTLS_PK_RSA:
	case GNUTLS_PK_RSA_PSS:
		snprintf(buf, size, "RSA %u", bits);
		break;
	case GNUTLS_PK_DSA:
		snprintf(buf, size, "DSA %u", bits);
		break;
	case GNUTLS_PK_EC:
		if (gnutls_x509_crt_get_pk_ecc_raw(crt, &curve, &x, &y) >= 0
		    && (name = gnutls_ecc_curve_get_name(curve)) != NULL)
			snprintf(buf, size, "EC %s", name);
		else
			snprintf(buf, size, "EC %u", bits);
		gnutls_free(x.data);
		gnutls_free(y.data);
		break;
	default:
		name = alg >= 0 ? gnutls_pk_algorithm_get_name(alg) : NULL;
		snprintf(buf, size, "%s %u", name ? name : "unknown", bits);
		break;
	}
	return bits;
}

/* sg_certcheck_fingerprint - SHA-256, lower-case hex */
sg_status sg_certcheck_fingerprint(gnutls_x509_crt_t crt, char *buf,
				   size_t size)
{
	unsigned char md[32];
	size_t	len = sizeof(md), i;
	int	ret;

	if (size < SG_CERTCHECK_FPR_SIZE)
		return sg_status_make(SG_INTERNAL, "fingerprint buffer too "
				      "small");
	ret = gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, md, &len);
	if (ret < 0 || len != sizeof(md))
		return sg_status_make(SG_INTERNAL, "cannot compute a fingerprint:"
				      " %s", gnutls_strerror(ret));
	for (i = 0; i < len; i++)
		snprintf(buf + 2 * i, 3, "%02x", md[i]);
	return sg_status_ok();
}

/* sg_certcheck_add - one more finding in r */
static void sg_certcheck_add(sg_certcheck_result *r, unsigned bit,
			     const char *fmt,...)
	__attribute__((format(printf, 3, 4)));

static void sg_certcheck_add(sg_certcheck_result *r, unsigned bit,
			     const char *fmt,...)
{
	size_t	len = strlen(r->text);
	va_list	ap;

	r->problems |= bit;
	if (len > 0 && len + 2 < sizeof(r->text)) {
		memcpy(r->text + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(r->text + len, sizeof(r->text) - len, fmt, ap);
	va_end(ap);
}

/* sg_certcheck_date - YYYY-MM-DD of t */
static void sg_certcheck_date(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL
	    || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, size, "?");
}

/* sg_certcheck_canonical - the file name of a domain or an address */
sg_status sg_certcheck_canonical(const char *expected, char **canon)
{
	sg_addr	a = SG_ADDR_INIT;
	const char *dpart = NULL;
	sg_status st;

	*canon = NULL;
	if (strchr(expected, '@') == NULL) {
		st = sg_addr_domain(expected, canon);
	} else {
		st = sg_addr_parse(expected, &a);
		if (sg_status_is_ok(&st) && (a.domain == NULL
					     || a.local[0] == '\0'))
			st = sg_status_make(SG_REJECT, "an address needs a "
					    "local part and a domain");
		else if (sg_status_is_ok(&st))
			*canon = sg_addr_lookup_name(&a);
		sg_addr_free(&a);
	}
	if (sg_status_is_ok(&st) && (dpart = strchr(*canon, '@')) == NULL)
		dpart = *canon;
	if (sg_status_is_ok(&st) && strchr(dpart, '.') == NULL)
		st = sg_status_make(SG_REJECT, "a single label is never looked "
				    "up (a domain needs two labels or more)");
	if (!sg_status_is_ok(&st)) {
		free(*canon);
		*canon = NULL;
		return sg_status_make(SG_REJECT, "'%.100s': %s", expected,
				      st.text);
	}
	return st;
}

/*
 * sg_certcheck_run - the checks of one certificate against canon (NULL:
 * no name check); findings not in skip go to r, after prefix
 */
static void sg_certcheck_run(gnutls_x509_crt_t crt, time_t now,
			     const char *canon, unsigned flags, unsigned skip,
			     const char *prefix, sg_certcheck_result *r)
{
	char	date[32], key[64], seen[300];
	unsigned bits;
	time_t	t;
	int	alg;

#define SG_CERTCHECK_SAY(bit, ...) do { \
	if (((bit) & skip) == 0) \
		sg_certcheck_add(r, (bit), "%s" SG_CERTCHECK_FIRST(__VA_ARGS__), \
				 prefix, SG_CERTCHECK_REST(__VA_ARGS__)); \
} while (0)
#define SG_CERTCHECK_FIRST(fmt, ...) fmt
#define SG_CERTCHECK_REST(fmt, ...) __VA_ARGS__

	if ((flags & SG_CERTCHECK_IGNORE_TIME) == 0) {
		t = gnutls_x509_crt_get_expiration_time(crt);
		if (t != (time_t) -1 && t < now) {
			sg_certcheck_date(t, date, sizeof(date));
			SG_CERTCHECK_SAY(SG_CERTCHECK_EXPIRED, "expired on %s",
					 date);
		}
		t = gnutls_x509_crt_get_activation_time(crt);
		if (t != (time_t) -1 && t > now) {
			sg_certcheck_date(t, date, sizeof(date));
			SG_CERTCHECK_SAY(SG_CERTCHECK_NOT_YET_VALID, "not valid "
					 "before %s", date);
		}
	}
	bits = sg_certcheck_key(crt, key, sizeof(key));
	alg = gnutls_x509_crt_get_pk_algorithm(crt, NULL);
	if (((alg == GNUTLS_PK_RSA || alg == GNUTLS_PK_RSA_PSS
	      || alg == GNUTLS_PK_DSA) && bits < SG_CERTCHECK_MIN_RSA_BITS)
	    || (alg == GNUTLS_PK_EC && bits < SG_CERTCHECK_MIN_EC_BITS))
		SG_CERTCHECK_SAY(SG_CERTCHECK_WEAK_KEY, "weak key (%s; at least "
				 "%u bits needed)", key, alg == GNUTLS_PK_EC
				 ? SG_CERTCHECK_MIN_EC_BITS
				 : SG_CERTCHECK_MIN_RSA_BITS);
	if (sg_certcheck_is_ca(crt))
		SG_CERTCHECK_SAY(SG_CERTCHECK_CA, "a CA certificate (it belongs "
				 "in trust_anchors, not in the certificate "
				 "directory)%s", "");
	if (!sg_certcheck_for_encryption(crt))
		SG_CERTCHECK_SAY(SG_CERTCHECK_NO_ENCRYPTION, "its keyUsage allows"
				 " neither keyEncipherment nor keyAgreement%s",
				 "");
	if (canon != NULL && !sg_certcheck_names_match(crt, canon, seen,
						       sizeof(seen)))
		SG_CERTCHECK_SAY(SG_CERTCHECK_NAME_MISMATCH, "it does not name "
				 "%s (its names: %s)", canon,
				 seen[0] ? seen : "none");
#undef SG_CERTCHECK_SAY
#undef SG_CERTCHECK_FIRST
#undef SG_CERTCHECK_REST
}

/* sg_certcheck_canon - r->name from expected, or derived from crt */
static sg_status sg_certcheck_canon(gnutls_x509_crt_t crt,
				    const char *expected,
				    sg_certcheck_result *r)
{
	sg_status st;

	if (expected != NULL)
		return sg_certcheck_canonical(expected, &r->name);
	st = sg_certcheck_name_for(crt, &r->name);
	if (!sg_status_is_ok(&st))
		sg_certcheck_add(r, SG_CERTCHECK_NO_NAME, "%s", st.text);
	return sg_status_ok();
}

/* sg_certcheck_peer - every import check; findings in r */
sg_status sg_certcheck_peer(gnutls_x509_crt_t crt, time_t now,
			    const char *expected, unsigned flags,
			    sg_certcheck_result *r)
{
	sg_status st;

	sg_certcheck_result_free(r);
	st = sg_certcheck_canon(crt, expected, r);
	if (!sg_status_is_ok(&st))
		return st;
	sg_certcheck_run(crt, now, r->name, flags, 0, "", r);
	return sg_status_ok();
}

/* sg_certcheck_set - the checks of the certificates of one file */
sg_status sg_certcheck_set(const gnutls_x509_crt_t *crts, size_t n,
			   time_t now, const char *expected, unsigned flags,
			   sg_certcheck_result *r)
{
	size_t	i, first = 0;
	bool	any_enc = false;
	char	prefix[40] = "";
	sg_status st;

	sg_certcheck_result_free(r);
	if (n == 0)
		return sg_status_make(SG_REJECT, "no certificate");
	for (i = n; i-- > 0;)
		if (!sg_certcheck_is_ca(crts[i])
		    && sg_certcheck_for_encryption(crts[i])) {
			any_enc = true;
			first = i;
		}
	st = sg_certcheck_canon(crts[first], expected, r);
	if (!sg_status_is_ok(&st))
		return st;
	for (i = 0; i < n; i++) {
		if (n > 1)
			snprintf(prefix, sizeof(prefix), "certificate %zu: ",
				 i + 1);
		sg_certcheck_run(crts[i], now, r->name, flags, any_enc
				 ? SG_CERTCHECK_NO_ENCRYPTION : 0, prefix, r);
	}
	return sg_status_ok();
}

/* sg_certcheck_result_free - release r->name; r can be reused */
void	sg_certcheck_result_free(sg_certcheck_result *r)
{
	free(r->name);
	r->name = NULL;
	r->problems = 0;
	r->text[0] = '\0';
}
