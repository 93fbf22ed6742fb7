/*
 * NAME
 *	sg_certdir 3
 * SUMMARY
 *	find a recipient's certificates in the flat certificate directory
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_addr.h"
#include "sg_certcheck.h"
#include "sg_certdir.h"
#include "sg_mem.h"

#define SG_CERTDIR_NAME_MAX	255			/* a file name */
#define SG_CERTDIR_STEM_MAX	(SG_CERTDIR_NAME_MAX - 4)	/* + ".pem" */
#define SG_CERTDIR_SOON		(30 * 86400)		/* "expires soon" */

/*
 * Extensions an administrator may give a certificate file by mistake.
 * An entry that is a looked-up name plus one of these (any case), or the
 * name alone, is "misnamed": the lookup defers rather than ignore it.
 * Longer ones first, so that b.example.pem.txt is stem b.example.
 */
static const char *const sg_certdir_bad_ext[] = {
	"pem.txt", "crt.txt", "cer.txt", "pem", "crt", "cer", "cert", "der",
	"p7b", "p7c", "txt", NULL,
};

/* A list of names (directory entries or candidate names). */
typedef struct sg_certdir_names {
	char  **v;
	size_t	n;
} sg_certdir_names;

/* sg_certdir_names_add - append a copy of name */
static void sg_certdir_names_add(sg_certdir_names *l, const char *name)
{
	l->v = sg_realloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = sg_strdup(name);
}

/* sg_certdir_names_free - release the list */
static void sg_certdir_names_free(sg_certdir_names *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* sg_certdir_lower - ASCII lower case of c (locale-proof) */
static int sg_certdir_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* sg_certdir_ieq - ASCII case-insensitive equality of n bytes */
static bool sg_certdir_ieq(const char *a, const char *b, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (sg_certdir_lower((unsigned char) a[i])
		    != sg_certdir_lower((unsigned char) b[i]))
			return false;
	return true;
}

/* sg_certdir_has_upper - any ASCII capital letter? */
static bool sg_certdir_has_upper(const char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			return true;
	return false;
}

/* sg_certdir_safe_name - may this name (without ".pem") become a file? */
static bool sg_certdir_safe_name(const char *name)
{
	const unsigned char *p;

	if (name[0] == '\0' || name[0] == '.' || strstr(name, "..")
	    || strlen(name) > SG_CERTDIR_STEM_MAX)
		return false;
	/* bytes >= 0x80 only come from a local part (domains are A-labels) */
	for (p = (const unsigned char *) name; *p; p++)
		if (*p == '/' || *p == '\\' || *p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* sg_certdir_path - "DIR/NAME" + suffix, allocated */
static char *sg_certdir_path(const char *dir, const char *name,
			     const char *suffix)
{
	size_t	size = strlen(dir) + strlen(name) + strlen(suffix) + 2;
	char   *path = sg_malloc(size);

	snprintf(path, size, "%s/%s%s", dir, name, suffix);
	return path;
}

/*
 * sg_certdir_misnamed_rest - is rest (what follows a name in an entry)
 * "nothing" or "." plus one of the mistaken extensions? ".pem" exactly is
 * the right name, not a mistake.
 */
static bool sg_certdir_misnamed_rest(const char *rest)
{
	size_t	i;

	if (rest[0] == '\0')
		return true;
	if (rest[0] != '.' || strcmp(rest, ".pem") == 0)
		return false;
	for (i = 0; sg_certdir_bad_ext[i]; i++)
		if (strlen(rest + 1) == strlen(sg_certdir_bad_ext[i])
		    && sg_certdir_ieq(rest + 1, sg_certdir_bad_ext[i],
				      strlen(rest + 1)))
			return true;
	return false;
}

/* sg_certdir_candidates - address file, domain, parents (2+ labels) */
static sg_status sg_certdir_candidates(const char *rcpt,
				       sg_certdir_names *cand)
{
	sg_addr	a = SG_ADDR_INIT;
	const char *dom;
	char   *name;
	sg_status st;

	st = sg_addr_parse(rcpt, &a);
	if (!sg_status_is_ok(&st)) {
		st = sg_status_make(st.code, "recipient <%.100s>: %s", rcpt,
				    st.text);
		goto cleanup;
	}
	if (a.domain == NULL)
		goto cleanup;			/* no domain: no certificate */
	if (a.local[0] != '\0' && (name = sg_addr_lookup_name(&a)) != NULL) {
		sg_certdir_names_add(cand, name);
		free(name);
	}
	for (dom = a.domain; strchr(dom, '.') != NULL;
	     dom = strchr(dom, '.') + 1)
		sg_certdir_names_add(cand, dom);
cleanup:
	sg_addr_free(&a);
	return st;
}

/* sg_certdir_try - does DIR/NAME.pem exist? TEMPFAIL on other errors */
static sg_status sg_certdir_try(const char *dir, const char *name,
				char **file)
{
	char   *path;
	struct stat sb;

	*file = NULL;
	if (!sg_certdir_safe_name(name))
		return sg_status_ok();		/* never tried; shorter ones are */
	path = sg_certdir_path(dir, name, ".pem");

	/*
	 * lstat: an entry that exists but cannot be followed (a dangling
	 * link) counts as found, so that loading it defers the message
	 * instead of letting it leave in clear.
	 */
	if (lstat(path, &sb) < 0) {
		int	err = errno;

		free(path);
		if (err == ENOENT)
			return sg_status_ok();
		return sg_status_make(SG_TEMPFAIL, "cannot look up %s/%s.pem: "
				      "%s", dir, name, strerror(err));
	}
	*file = path;
	return sg_status_ok();
}

/*
 * sg_certdir_scan - the entry names of dir; with odd_only, only those a
 * direct open of a lower-case NAME.pem cannot find (upper case, or not
 * ending in exactly ".pem"). One readdir pass.
 */
static sg_status sg_certdir_scan(const char *dir, bool odd_only,
				 sg_certdir_names *out)
{
	DIR    *d;
	struct dirent *e;
	size_t	len;

	if ((d = opendir(dir)) == NULL)
		return sg_status_make(SG_TEMPFAIL, "cannot list certificate "
				      "directory %s: %s", dir, strerror(errno));
	for (;;) {
		errno = 0;
		if ((e = readdir(d)) == NULL)
			break;
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		len = strlen(e->d_name);
		if (odd_only && !sg_certdir_has_upper(e->d_name) && len > 4
		    && strcmp(e->d_name + len - 4, ".pem") == 0)
			continue;
		sg_certdir_names_add(out, e->d_name);
	}
	if (errno != 0) {
		int	err = errno;

		closedir(d);
		return sg_status_make(SG_TEMPFAIL, "cannot list certificate "
				      "directory %s: %s", dir, strerror(err));
	}
	closedir(d);
	return sg_status_ok();
}

/*
 * sg_certdir_match_odd - the entry of odd that is name.pem but for case;
 * TEMPFAIL when two are, or when one is name plus a wrong extension.
 */
static sg_status sg_certdir_match_odd(const char *dir, const char *name,
				      const sg_certdir_names *odd, char **file)
{
	size_t	len = strlen(name), i;
	const char *hit = NULL, *misnamed = NULL;

	*file = NULL;
	if (!sg_certdir_safe_name(name))
		return sg_status_ok();
	for (i = 0; i < odd->n; i++) {
		const char *e = odd->v[i];

		if (strlen(e) < len || !sg_certdir_ieq(e, name, len))
			continue;
		if (strcmp(e + len, ".pem") == 0) {
			if (hit != NULL)
				return sg_status_make(SG_TEMPFAIL, "certificate "
					"files %s/%s and %s/%s both match "
					"%s.pem (lookups ignore case); keep "
					"one, named %s.pem", dir, hit, dir, e,
					name, name);
			hit = e;
		} else if (misnamed == NULL && sg_certdir_misnamed_rest(e + len)) {
			misnamed = e;
		}
	}
	if (hit != NULL) {
		*file = sg_certdir_path(dir, hit, "");
		return sg_status_ok();
	}
	if (misnamed != NULL)
		return sg_status_make(SG_TEMPFAIL, "certificate file %s/%s is "
				      "misnamed: rename it to %s.pem (mail for "
				      "it waits until then)", dir, misnamed,
				      name);
	return sg_status_ok();
}

/* sg_certdir_find - the most specific certificate file for rcpt */
sg_status sg_certdir_find(const char *dir, const char *rcpt, char **file)
{
	sg_certdir_names cand = {NULL, 0}, odd = {NULL, 0};
	char   *direct = NULL;
	struct stat sb;
	sg_status st;
	size_t	i, hit;

	*file = NULL;
	/* Fail closed: no directory must not mean "no certificate". */
	if (stat(dir, &sb) < 0)
		return sg_status_make(SG_TEMPFAIL, "certificate directory %s: %s",
				      dir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return sg_status_make(SG_TEMPFAIL, "certificate directory %s is "
				      "not a directory", dir);
	st = sg_certdir_candidates(rcpt, &cand);
	if (!sg_status_is_ok(&st) || cand.n == 0)
		goto cleanup;
	/* Fast path: the canonical names by direct open. */
	for (hit = 0; hit < cand.n; hit++) {
		st = sg_certdir_try(dir, cand.v[hit], &direct);
		if (!sg_status_is_ok(&st) || direct != NULL)
			break;
	}
	if (!sg_status_is_ok(&st) || hit == 0)
		goto cleanup;
	/* A more specific name may exist in another case, or misnamed. */
	st = sg_certdir_scan(dir, true, &odd);
	for (i = 0; sg_status_is_ok(&st) && i < hit && *file == NULL; i++)
		st = sg_certdir_match_odd(dir, cand.v[i], &odd, file);
cleanup:
	if (sg_status_is_ok(&st) && *file == NULL) {
		*file = direct;
		direct = NULL;
	}
	if (!sg_status_is_ok(&st)) {
		free(*file);
		*file = NULL;
	}
	free(direct);
	sg_certdir_names_free(&cand);
	sg_certdir_names_free(&odd);
	return st;
}

typedef enum sg_certdir_use {
	SG_CERTDIR_USABLE = 0,
	SG_CERTDIR_IS_CA,
	SG_CERTDIR_NOT_FOR_ENCRYPTION,
	SG_CERTDIR_NOT_NOW,
} sg_certdir_use;

/* sg_certdir_use_of - may crt encrypt to a recipient at time now? */
static sg_certdir_use sg_certdir_use_of(gnutls_x509_crt_t crt, time_t now)
{
	if (sg_certcheck_is_ca(crt))
		return SG_CERTDIR_IS_CA;
	if (!sg_certcheck_for_encryption(crt))
		return SG_CERTDIR_NOT_FOR_ENCRYPTION;
	if (gnutls_x509_crt_get_activation_time(crt) > now
	    || gnutls_x509_crt_get_expiration_time(crt) < now)
		return SG_CERTDIR_NOT_NOW;
	return SG_CERTDIR_USABLE;
}

/* sg_certdir_load_skipped - the usable certificates of file, and the rest */
sg_status sg_certdir_load_skipped(const char *file, time_t now,
				  sg_certs *certs, sg_certdir_skipped *skipped)
{
	sg_certs all = SG_CERTS_INIT;
	sg_certdir_skipped skip = {0, 0, 0};
	sg_status st;
	size_t	i;

	st = sg_certs_load(&all, file);
	if (!sg_status_is_ok(&st)) {
		sg_certs_free(&all);
		return sg_status_make(SG_TEMPFAIL, "%s", st.text);
	}
	for (i = 0; i < all.count; i++) {
		switch (sg_certdir_use_of(all.crts[i], now)) {
		case SG_CERTDIR_USABLE:
			certs->crts = sg_realloc(certs->crts, (certs->count + 1)
						 * sizeof(*certs->crts));
			certs->crts[certs->count++] = all.crts[i];
			continue;
		case SG_CERTDIR_IS_CA:
			skip.ca++;
			break;
		case SG_CERTDIR_NOT_FOR_ENCRYPTION:
			skip.usage++;
			break;
		case SG_CERTDIR_NOT_NOW:
			skip.time++;
			break;
		}
		gnutls_x509_crt_deinit(all.crts[i]);
	}
	free(all.crts);
	if (skipped)
		*skipped = skip;
	if (certs->count == 0)
		return sg_status_make(SG_TEMPFAIL, "%s holds no certificate "
				      "for encryption valid now (skipped: %zu "
				      "CA, %zu not for encryption, %zu expired "
				      "or not yet valid)", file, skip.ca,
				      skip.usage, skip.time);
	return sg_status_ok();
}

/* sg_certdir_load - the certificates of file usable for encryption now */
sg_status sg_certdir_load(const char *file, time_t now, sg_certs *certs)
{
	return sg_certdir_load_skipped(file, now, certs, NULL);
}

/* The audit: one entry at a time, findings through the callback. */
typedef struct sg_certdir_audit_ctx {
	const char *dir;
	time_t	now;
	const sg_certdir_names *all;	/* every entry, sorted */
	sg_certdir_report_fn report;
	void   *ctx;
	const char *entry;
} sg_certdir_audit_ctx;

/* sg_certdir_say - one finding about the current entry */
static void sg_certdir_say(sg_certdir_audit_ctx *a, sg_certdir_severity sev,
			   const char *fmt,...)
	__attribute__((format(printf, 3, 4)));

static void sg_certdir_say(sg_certdir_audit_ctx *a, sg_certdir_severity sev,
			   const char *fmt,...)
{
	char	text[1024];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	a->report(a->ctx, a->entry, sev, text);
}

/* sg_certdir_has_entry - is name an entry of the (sorted) directory? */
static bool sg_certdir_has_entry(const sg_certdir_audit_ctx *a,
				 const char *name)
{
	size_t	lo = 0, hi = a->all->n, mid;
	int	cmp;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		cmp = strcmp(a->all->v[mid], name);
		if (cmp == 0)
			return true;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/*
 * sg_certdir_canonical - the name a lookup uses for stem (local part
 * lower-cased, domain normalised), or a status saying why there is none
 */
static sg_status sg_certdir_canonical(const char *stem, char **canon)
{
	sg_certdir_names cand = {NULL, 0};
	const char *at = strrchr(stem, '@');
	sg_status st;

	*canon = NULL;
	if (at == NULL) {
		st = sg_addr_domain(stem, canon);
		if (sg_status_is_ok(&st) && strchr(*canon, '.') == NULL) {
			st = sg_status_make(SG_REJECT, "a single label is never "
					    "looked up (a domain file needs "
					    "two labels or more)");
			free(*canon);
			*canon = NULL;
		}
		return st;
	}
	if (at == stem)
		return sg_status_make(SG_REJECT, "an address file needs a "
				      "local part");
	st = sg_certdir_candidates(stem, &cand);
	if (sg_status_is_ok(&st) && cand.n > 0)
		*canon = sg_strdup(cand.v[0]);
	else if (sg_status_is_ok(&st))
		st = sg_status_make(SG_REJECT, "no address has this name");
	sg_certdir_names_free(&cand);
	return st;
}

/* sg_certdir_date - YYYY-MM-DD of t */
static void sg_certdir_date(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL
	    || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, size, "?");
}

/* sg_certdir_check_names - do crt's names fit the file name canon? */
static void sg_certdir_check_names(sg_certdir_audit_ctx *a,
				   gnutls_x509_crt_t crt, const char *desc,
				   const char *canon)
{
	char	seen[301];

	if (!sg_certcheck_names_match(crt, canon, seen, sizeof(seen)))
		sg_certdir_say(a, SG_CERTDIR_NOTE, "certificate %s does not "
			       "name %s (its names: %s)", desc, canon,
			       seen[0] ? seen : "none");
}

/* sg_certdir_check_file - can DIR/entry be loaded, and what is in it? */
static void sg_certdir_check_file(sg_certdir_audit_ctx *a, const char *canon)
{
	char   *path = sg_certdir_path(a->dir, a->entry, "");
	sg_certs all = SG_CERTS_INIT;
	struct stat sb;
	char	desc[400], date[32];
	size_t	i, usable = 0;
	sg_status st;
	time_t	t;

	if (stat(path, &sb) < 0) {
		sg_certdir_say(a, SG_CERTDIR_PROBLEM, "cannot be read (%s): "
			       "mail for %s is deferred", strerror(errno), canon);
		goto cleanup;
	}
	if (!S_ISREG(sb.st_mode)) {
		sg_certdir_say(a, SG_CERTDIR_PROBLEM, "not a regular file: mail "
			       "for %s is deferred", canon);
		goto cleanup;
	}
	st = sg_certs_load(&all, path);
	if (!sg_status_is_ok(&st)) {
		sg_certdir_say(a, SG_CERTDIR_PROBLEM, "cannot be loaded (%s): "
			       "mail for %s is deferred", st.text, canon);
		goto cleanup;
	}
	for (i = 0; i < all.count; i++) {
		sg_certs_describe(all.crts[i], desc + snprintf(desc,
			sizeof(desc), "%zu ", i + 1), sizeof(desc) - 8);
		switch (sg_certdir_use_of(all.crts[i], a->now)) {
		case SG_CERTDIR_IS_CA:
			sg_certdir_say(a, SG_CERTDIR_NOTE, "certificate %s is a "
				       "CA certificate: ignored", desc);
			continue;
		case SG_CERTDIR_NOT_FOR_ENCRYPTION:
			sg_certdir_say(a, SG_CERTDIR_NOTE, "certificate %s: its "
				       "keyUsage allows neither keyEncipherment "
				       "nor keyAgreement: ignored", desc);
			continue;
		case SG_CERTDIR_NOT_NOW:
			t = gnutls_x509_crt_get_activation_time(all.crts[i]);
			if (t > a->now) {
				sg_certdir_date(t, date, sizeof(date));
				sg_certdir_say(a, SG_CERTDIR_NOTE, "certificate "
					       "%s is not valid before %s", desc,
					       date);
			} else {
				t = gnutls_x509_crt_get_expiration_time(all.crts[i]);
				sg_certdir_date(t, date, sizeof(date));
				sg_certdir_say(a, SG_CERTDIR_NOTE, "certificate "
					       "%s expired on %s", desc, date);
			}
			break;
		case SG_CERTDIR_USABLE:
			usable++;
			t = gnutls_x509_crt_get_expiration_time(all.crts[i]);
			if (t - a->now < SG_CERTDIR_SOON) {
				sg_certdir_date(t, date, sizeof(date));
				sg_certdir_say(a, SG_CERTDIR_NOTE, "certificate "
					       "%s expires on %s", desc, date);
			}
			break;
		}
		sg_certdir_check_names(a, all.crts[i], desc, canon);
	}
	if (usable == 0)
		sg_certdir_say(a, SG_CERTDIR_PROBLEM, "no certificate usable for "
			       "encryption now: mail for %s is deferred", canon);
cleanup:
	sg_certs_free(&all);
	free(path);
}

/* sg_certdir_pem_name - "NAME.pem", allocated */
static char *sg_certdir_pem_name(const char *name)
{
	size_t	len = strlen(name);
	char   *pem = sg_malloc(len + 5);

	memcpy(pem, name, len);
	memcpy(pem + len, ".pem", 5);
	return pem;
}

/* sg_certdir_check_other - an entry not named NAME.pem */
static void sg_certdir_check_other(sg_certdir_audit_ctx *a)
{
	const char *e = a->entry;
	size_t	len = strlen(e), i, elen = 0;
	char   *stem = NULL, *canon = NULL, *want = NULL;
	sg_status st;

	/* NAME plus a mistaken extension: lookups of NAME defer on it */
	for (i = 0; sg_certdir_bad_ext[i]; i++) {
		elen = strlen(sg_certdir_bad_ext[i]);
		if (len > elen + 1 && e[len - elen - 1] == '.'
		    && sg_certdir_ieq(e + len - elen, sg_certdir_bad_ext[i], elen))
			break;
	}
	if (sg_certdir_bad_ext[i] == NULL) {
		sg_certdir_say(a, SG_CERTDIR_PROBLEM, "not a certificate file "
			       "name (NAME.pem): no address reaches it");
		return;
	}
	stem = sg_memdup(e, len - elen);
	stem[len - elen - 1] = '\0';
	if (!sg_certdir_safe_name(stem)) {
		st = sg_status_make(SG_REJECT, "unsafe name");
	} else {
		st = sg_certdir_canonical(stem, &canon);
	}
	if (!sg_status_is_ok(&st)) {
		sg_certdir_say(a, SG_CERTDIR_PROBLEM, "not a certificate file "
			       "name (NAME.pem): no address reaches it");
		goto cleanup;
	}
	want = sg_certdir_pem_name(canon);
	if (sg_certdir_has_entry(a, want))
		sg_certdir_say(a, SG_CERTDIR_PROBLEM, "never used: %s takes "
			       "precedence; remove it", want);
	else
		sg_certdir_say(a, SG_CERTDIR_PROBLEM, "wrong extension: mail for "
			       "%s is deferred until it is renamed %s", canon,
			       want);
cleanup:
	free(stem);
	free(canon);
	free(want);
}

/* sg_certdir_check_entry - one directory entry */
static void sg_certdir_check_entry(sg_certdir_audit_ctx *a)
{
	const char *e = a->entry;
	size_t	len = strlen(e), i;
	char   *stem = NULL, *canon = NULL, *want = NULL;
	char	lower[SG_CERTDIR_NAME_MAX + 1];
	sg_status st;

	if (e[0] == '.') {
		sg_certdir_say(a, SG_CERTDIR_PROBLEM, "a hidden name is never "
			       "looked up");
		return;
	}
	if (len <= 4 || strcmp(e + len - 4, ".pem") != 0) {
		sg_certdir_check_other(a);
		return;
	}
	stem = sg_memdup(e, len - 3);
	stem[len - 4] = '\0';
	if (!sg_certdir_safe_name(stem)) {
		sg_certdir_say(a, SG_CERTDIR_PROBLEM, "this name is never looked "
			       "up (a space, control character, '\\', \"..\" "
			       "or over %d bytes)", SG_CERTDIR_STEM_MAX);
		goto cleanup;
	}
	st = sg_certdir_canonical(stem, &canon);
	if (!sg_status_is_ok(&st)) {
		sg_certdir_say(a, SG_CERTDIR_PROBLEM, "no address reaches it: %s",
			       st.text);
		goto cleanup;
	}
	for (i = 0; stem[i]; i++)
		lower[i] = (char) sg_certdir_lower((unsigned char) stem[i]);
	lower[i] = '\0';
	want = sg_certdir_pem_name(canon);
	if (strcmp(lower, canon) != 0) {
		sg_certdir_say(a, SG_CERTDIR_PROBLEM, "no address reaches it: "
			       "lookups use %s (normal form: lower case, "
			       "A-labels, no trailing dot)", want);
		goto cleanup;
	}
	if (strcmp(stem, canon) != 0) {
		size_t	k, n = 0;

		if (sg_certdir_has_entry(a, want)) {
			sg_certdir_say(a, SG_CERTDIR_PROBLEM, "never used: %s "
				       "takes precedence; remove it", want);
			goto cleanup;
		}
		for (k = 0; k < a->all->n; k++)
			if (strlen(a->all->v[k]) == len
			    && sg_certdir_ieq(a->all->v[k], e, len)
			    && strcmp(a->all->v[k] + len - 4, ".pem") == 0)
				n++;
		if (n > 1) {
			sg_certdir_say(a, SG_CERTDIR_PROBLEM, "%zu files match "
				       "%s when case is ignored: mail for %s is "
				       "deferred; keep one, named %s", n,
				       want, canon, want);
			goto cleanup;
		}
		sg_certdir_say(a, SG_CERTDIR_NOTE, "used for %s (lookups ignore "
			       "case); better named %s", canon, want);
	}
	sg_certdir_check_file(a, canon);
cleanup:
	free(stem);
	free(canon);
	free(want);
}

/* sg_certdir_cmp - qsort order of names */
static int sg_certdir_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *) x, *(char *const *) y);
}

/* sg_certdir_audit - report every entry that does not do what it seems */
sg_status sg_certdir_audit(const char *dir, time_t now,
			   sg_certdir_report_fn report, void *ctx)
{
	sg_certdir_names all = {NULL, 0};
	sg_certdir_audit_ctx a;
	sg_status st;
	size_t	i;

	st = sg_certdir_scan(dir, false, &all);
	if (!sg_status_is_ok(&st)) {
		st = sg_status_make(SG_CONFIG, "%s", st.text);
		goto cleanup;
	}
	if (all.n > 1)
		qsort(all.v, all.n, sizeof(*all.v), sg_certdir_cmp);
	a.dir = dir;
	a.now = now;
	a.all = &all;
	a.report = report;
	a.ctx = ctx;
	for (i = 0; i < all.n; i++) {
		a.entry = all.v[i];
		sg_certdir_check_entry(&a);
	}
cleanup:
	sg_certdir_names_free(&all);
	return st;
}
