/*
 * NAME
 *	sg_certinv 3
 * SUMMARY
 *	every certificate and CRL the gateway uses, with its state
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_buf.h"
#include "sg_certcheck.h"
#include "sg_certinv.h"
#include "sg_certs.h"
#include "sg_certstore.h"
#include "sg_mem.h"
#include "sg_trust.h"

/* sg_certinv_add - a new zeroed row */
static sg_certinv_row *sg_certinv_add(sg_certinv *inv, const char *role,
				      const char *file)
{
	sg_certinv_row *r;

	inv->rows = sg_realloc(inv->rows, (inv->count + 1) * sizeof(*r));
	r = &inv->rows[inv->count++];
	memset(r, 0, sizeof(*r));
	r->role = sg_strdup(role);
	r->file = sg_strdup(file);
	r->not_after = -1;
	r->status = "";
	return r;
}

/* sg_certinv_days - whole days from now to t, rounded down */
static long sg_certinv_days(time_t t, time_t now)
{
	long long d = (long long) t - (long long) now;

	return (long) (d >= 0 ? d / 86400 : -((-d + 86399) / 86400));
}

/* sg_certinv_dn - a DN as text, allocated */
static char *sg_certinv_dn(gnutls_x509_crt_t crt, bool issuer)
{
	gnutls_datum_t d = {NULL, 0};
	char   *s;

	if ((issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0)
	     : gnutls_x509_crt_get_dn3(crt, &d, 0)) < 0)
		return sg_strdup("?");
	s = sg_memdup(d.data, d.size + 1);
	s[d.size] = '\0';
	gnutls_free(d.data);
	return s;
}

/* sg_certinv_emails - the email names of crt, ", " separated */
static char *sg_certinv_emails(gnutls_x509_crt_t crt)
{
	sg_buf	b = SG_BUF_INIT;
	char	buf[512];
	size_t	size;
	unsigned i, crit;
	int	type;

	for (i = 0;; i++) {
		size = sizeof(buf) - 1;
		type = gnutls_x509_crt_get_subject_alt_name(crt, i, buf, &size,
							    &crit);
		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type != GNUTLS_SAN_RFC822NAME)
			continue;
		buf[size] = '\0';
		sg_buf_append_str(&b, b.len ? ", " : "");
		sg_buf_append_str(&b, buf);
	}
	for (i = 0;; i++) {
		size = sizeof(buf) - 1;
		if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_PKCS9_EMAIL, i,
						  0, buf, &size) < 0)
			break;
		buf[size] = '\0';
		sg_buf_append_str(&b, b.len ? ", " : "");
		sg_buf_append_str(&b, buf);
	}
	sg_buf_append(&b, "", 1);
	return (char *) b.data;
}

/* sg_certinv_serial - hex serial, allocated */
static char *sg_certinv_serial(gnutls_x509_crt_t crt)
{
	unsigned char raw[64];
	size_t	size = sizeof(raw), i;
	char   *s;

	if (gnutls_x509_crt_get_serial(crt, raw, &size) < 0)
		return sg_strdup("?");
	s = sg_malloc(2 * size + 1);
	s[0] = '\0';
	for (i = 0; i < size; i++)
		snprintf(s + 2 * i, 3, "%02x", raw[i]);
	return s;
}

/* sg_certinv_fill - the fields and status of one certificate */
static void sg_certinv_fill(sg_certinv_row *r, gnutls_x509_crt_t crt,
			    const sg_trust *trust, bool peer, time_t now,
			    unsigned warn_days)
{
	sg_trust_verdict v;
	char	why[SG_STATUS_TEXT_MAX];
	size_t	anchors = 0, crls = 0;
	sg_status st;
	bool	time_ok;

	r->subject = sg_certinv_dn(crt, false);
	r->issuer = sg_certinv_dn(crt, true);
	r->emails = sg_certinv_emails(crt);
	r->serial = sg_certinv_serial(crt);
	st = sg_certcheck_fingerprint(crt, r->fingerprint,
				      sizeof(r->fingerprint));
	if (!sg_status_is_ok(&st))
		snprintf(r->fingerprint, sizeof(r->fingerprint), "?");
	r->not_before = gnutls_x509_crt_get_activation_time(crt);
	r->not_after = gnutls_x509_crt_get_expiration_time(crt);
	r->days_left = sg_certinv_days(r->not_after, now);
	sg_certcheck_key(crt, r->key, sizeof(r->key));
	time_ok = r->not_before <= now && r->not_after >= now;
	r->usable = time_ok && !sg_certcheck_is_ca(crt)
		&& sg_certcheck_for_encryption(crt);
	sg_trust_count(trust, &anchors, &crls);
	if (sg_trust_revoked(trust, crt)) {
		r->status = "revoked";
		r->usable = false;
	} else if (r->not_after < now) {
		r->status = "expired";
	} else if (r->not_before > now) {
		r->status = "not yet valid";
	} else if (peer && anchors > 0
		   && sg_trust_verify_chain(trust, crt, NULL, 0, NULL, 0, now,
					    &v, why, sizeof(why)).code == SG_OK
		   && v.code != SG_TRUST_OK) {
		r->status = "untrusted";
	} else if (r->days_left < (long) warn_days) {
		r->status = "expires soon";
	} else {
		r->status = "valid";
	}
}

/* sg_certinv_file - the rows of one certificate file (show) */
static sg_status sg_certinv_file_trust(const char *path, const char *role,
				       const sg_trust *trust, time_t now,
				       unsigned warn_days, const char *id,
				       sg_certinv *inv)
{
	sg_certs certs = SG_CERTS_INIT;
	sg_certinv_row *r;
	sg_status st;
	size_t	i;
	bool	peer = strncmp(role, "peer", 4) == 0
		|| strcmp(role, "pending") == 0;

	st = sg_certs_load(&certs, path);
	if (!sg_status_is_ok(&st)) {
		r = sg_certinv_add(inv, role, path);
		r->error = sg_strdup(st.text);
		r->status = "unreadable";
		sg_certs_free(&certs);
		return sg_status_ok();
	}
	for (i = 0; i < certs.count; i++) {
		r = sg_certinv_add(inv, role, path);
		sg_certinv_fill(r, certs.crts[i], trust, peer, now, warn_days);
		if (id != NULL)
			r->pending_id = sg_strdup(id);
	}
	sg_certs_free(&certs);
	return sg_status_ok();
}

/* sg_certinv_names - the sorted entries of dir; ENOENT: none */
static sg_status sg_certinv_names(const char *dir, char ***v, size_t *n)
{
	DIR    *d;
	struct dirent *e;

	*v = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return sg_status_make(SG_CONFIG, "cannot list %s: %s", dir,
				      strerror(errno));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		*v = sg_realloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = sg_strdup(e->d_name);
	}
	closedir(d);
	return sg_status_ok();
}

/* sg_certinv_strcmp - qsort order of names */
static int sg_certinv_strcmp(const void *x, const void *y)
{
	return strcmp(*(char *const *) x, *(char *const *) y);
}

/* sg_certinv_crls - one row per CRL of crl_dir */
static void sg_certinv_crls(const char *dir, time_t now, sg_certinv *inv)
{
	char  **names = NULL, *path;
	size_t	n = 0, i, size;
	unsigned j, ncrl;
	gnutls_x509_crl_t *crls;
	gnutls_datum_t d, dn;
	sg_buf	data;
	sg_certinv_row *r;
	sg_status st;

	st = sg_certinv_names(dir, &names, &n);
	if (!sg_status_is_ok(&st)) {
		r = sg_certinv_add(inv, "crl", dir);
		r->crl = true;
		r->error = sg_strdup(st.text);
		r->status = "unreadable";
		return;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), sg_certinv_strcmp);
	for (i = 0; i < n; i++) {
		size = strlen(dir) + strlen(names[i]) + 2;
		path = sg_malloc(size);
		snprintf(path, size, "%s/%s", dir, names[i]);
		data = (sg_buf) SG_BUF_INIT;
		crls = NULL;
		ncrl = 0;
		st = sg_buf_read_file(&data, path, 64 * 1024 * 1024);
		d.data = data.data;
		d.size = (unsigned) data.len;
		if (sg_status_is_ok(&st)
		    && gnutls_x509_crl_list_import2(&crls, &ncrl, &d,
					GNUTLS_X509_FMT_PEM, 0) < 0
		    && gnutls_x509_crl_list_import2(&crls, &ncrl, &d,
					GNUTLS_X509_FMT_DER, 0) < 0)
			st = sg_status_make(SG_CONFIG, "%s: not a CRL", path);
		if (!sg_status_is_ok(&st)) {
			r = sg_certinv_add(inv, "crl", path);
			r->crl = true;
			r->error = sg_strdup(st.text);
			r->status = "unreadable";
		}
		for (j = 0; sg_status_is_ok(&st) && j < ncrl; j++) {
			r = sg_certinv_add(inv, "crl", path);
			r->crl = true;
			if (gnutls_x509_crl_get_issuer_dn3(crls[j], &dn, 0) >= 0) {
				r->subject = sg_memdup(dn.data, dn.size + 1);
				r->subject[dn.size] = '\0';
				gnutls_free(dn.data);
			} else {
				r->subject = sg_strdup("?");
			}
			r->issuer = sg_strdup(r->subject);
			r->not_before = gnutls_x509_crl_get_this_update(crls[j]);
			r->not_after = gnutls_x509_crl_get_next_update(crls[j]);
			r->days_left = r->not_after == (time_t) -1 ? 0
				: sg_certinv_days(r->not_after, now);
			r->status = r->not_after != (time_t) -1
				&& r->not_after < now ? "expired" : "valid";
			gnutls_x509_crl_deinit(crls[j]);
		}
		gnutls_free(crls);
		sg_buf_free(&data);
		free(path);
		free(names[i]);
	}
	free(names);
}

/* sg_certinv_file - the rows of one certificate file (show) */
sg_status sg_certinv_file(const char *path, const char *role,
			  const sg_certinv_where *w, time_t now,
			  unsigned warn_days, sg_certinv *inv)
{
	sg_trust *trust = NULL;
	sg_status st;

	st = sg_trust_load(w->trust_anchors, w->crl_dir, &trust);
	if (!sg_status_is_ok(&st))
		return st;
	st = sg_certinv_file_trust(path, role, trust, now, warn_days, NULL,
				   inv);
	sg_trust_free(trust);
	return st;
}

/* sg_certinv_collect - every certificate and CRL; rows in inv */
sg_status sg_certinv_collect(const sg_certinv_where *w, time_t now,
			     unsigned warn_days, sg_certinv *inv)
{
	sg_trust *trust = NULL;
	sg_certstore_pending *pend = NULL;
	char  **names = NULL, *path;
	size_t	n = 0, npend = 0, i, len, size;
	bool	same;
	sg_status st;

	st = sg_trust_load(w->trust_anchors, w->crl_dir, &trust);
	if (!sg_status_is_ok(&st))
		return st;
	same = w->own_signing == NULL
		|| strcmp(w->own_signing, w->own_encryption) == 0;
	sg_certinv_file_trust(w->own_encryption, same ? "own-encryption,"
			      "own-signing" : "own-encryption", trust, now,
			      warn_days, NULL, inv);
	if (!same)
		sg_certinv_file_trust(w->own_signing, "own-signing", trust, now,
				      warn_days, NULL, inv);
	st = sg_certinv_names(w->cert_dir, &names, &n);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	if (n > 1)
		qsort(names, n, sizeof(*names), sg_certinv_strcmp);
	for (i = 0; i < n; i++) {
		len = strlen(names[i]);
		if (len > 4 && strcmp(names[i] + len - 4, ".pem") == 0) {
			size = strlen(w->cert_dir) + len + 2;
			path = sg_malloc(size);
			snprintf(path, size, "%s/%s", w->cert_dir, names[i]);
			sg_certinv_file_trust(path, strchr(names[i], '@')
					      ? "peer-address" : "peer-domain",
					      trust, now, warn_days, NULL, inv);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	if (w->trust_anchors != NULL)
		sg_certinv_file_trust(w->trust_anchors, "trust-anchor", trust,
				      now, warn_days, NULL, inv);
	if (w->pending_dir != NULL) {
		st = sg_certstore_pending_list(w->pending_dir, &pend, &npend);
		if (!sg_status_is_ok(&st))
			goto cleanup;
		for (i = 0; i < npend; i++)
			sg_certinv_file_trust(pend[i].cert_path, "pending", trust,
					      now, warn_days, pend[i].id, inv);
		sg_certstore_pending_free(pend, npend);
	}
	if (w->crl_dir != NULL)
		sg_certinv_crls(w->crl_dir, now, inv);
cleanup:
	sg_trust_free(trust);
	return st;
}

/* The verdict of one file (or one anchor, one CRL). */
typedef struct sg_certinv_item {
	const char *file;
	long	days;			/* of the best usable certificate */
	int	state;
	char	why[160];
} sg_certinv_item;

/* sg_certinv_judge - state of one item from its best days left */
static void sg_certinv_judge(sg_certinv_item *it, bool usable, long warn,
			     long crit, const char *what)
{
	if (!usable) {
		it->state = 2;
		snprintf(it->why, sizeof(it->why), "%s: %s", it->file, what);
	} else if (it->days < crit) {
		it->state = 2;
		snprintf(it->why, sizeof(it->why), "%s: %ld days left",
			 it->file, it->days);
	} else if (it->days < warn) {
		it->state = 1;
		snprintf(it->why, sizeof(it->why), "%s: %ld days left",
			 it->file, it->days);
	}
}

/*
 * sg_certinv_counts - does this row keep its file working? A peer file
 * needs an end-entity encryption certificate valid now; our own files,
 * anchors and CRLs need to be in their validity period.
 */
static bool sg_certinv_counts(const sg_certinv_row *x)
{
	if (x->error != NULL || strcmp(x->status, "revoked") == 0
	    || strcmp(x->status, "expired") == 0
	    || strcmp(x->status, "not yet valid") == 0)
		return false;
	return strncmp(x->role, "peer", 4) != 0 || x->usable;
}

/* sg_certinv_check - the monitoring verdict */
void	sg_certinv_check(const sg_certinv *inv, long warn, long crit,
			 sg_certinv_check_result *c)
{
	static const char *const word[] = {"OK", "WARNING", "CRITICAL"};
	sg_buf	why = SG_BUF_INIT;
	size_t	i = 0, j, files = 0, crls = 0, nwarn = 0, ncrit = 0;
	long	min_days = 100000;
	bool	usable;
	int	state = 0, pass;

	/* two passes: CRITICAL findings are named before WARNING ones */
	for (pass = 2; pass >= 1; pass--) {
		for (i = 0; i < inv->count; i = j) {
			const sg_certinv_row *r = &inv->rows[i];
			sg_certinv_item it = {r->file, -100000, 0, ""};
			bool	each = strcmp(r->role, "trust-anchor") == 0 || r->crl;

			/* rows of one file are adjacent; anchors and CRLs count alone */
			for (j = i + 1; !each && j < inv->count
			     && strcmp(inv->rows[j].file, r->file) == 0
			     && strcmp(inv->rows[j].role, r->role) == 0; j++)
				;
			if (each)
				j = i + 1;
			if (strcmp(r->role, "pending") == 0)
				continue;
			usable = false;
			for (size_t k = i; k < j; k++) {
				const sg_certinv_row *x = &inv->rows[k];
				bool	ok = sg_certinv_counts(x);

				if (ok && (!usable || x->days_left > it.days)) {
					it.days = x->days_left;
					usable = true;
				}
			}
			if (r->crl) {
				/* a CRL: only past nextUpdate matters */
				if (r->error == NULL && usable)
					it.days = 100000;
			}
			sg_certinv_judge(&it, usable, warn, crit, r->error
					 ? "cannot be read" : r->crl
					 ? "past its nextUpdate"
					 : "no usable certificate (expired, "
					 "revoked or not yet valid)");
			if (pass == 2) {
				files += r->crl ? 0 : 1;
				crls += r->crl ? 1 : 0;
				if (usable && !r->crl && it.days < min_days)
					min_days = it.days;
				if (it.state == 2)
					ncrit++;
				if (it.state == 1)
					nwarn++;
				if (it.state > state)
					state = it.state;
			}
			if (it.state == pass && why.len < 600) {
				sg_buf_append_str(&why, why.len ? "; " : "");
				sg_buf_append_str(&why, it.why);
			}
		}
	}
	sg_buf_append(&why, "", 1);
	c->state = state;
	snprintf(c->line, sizeof(c->line), "SMIMEGW-CERT %s - %s | "
		 "min_days=%ld;%ld;%ld files=%zu crls=%zu warning=%zu "
		 "critical=%zu", word[state], state == 0 ? (files
		 ? "every certificate valid" : "no certificate") : (char *)
		 why.data, min_days == 100000 ? 0 : min_days, warn, crit,
		 files, crls, nwarn, ncrit);
	if (state == 0 && files) {
		char	tail[64];

		snprintf(tail, sizeof(tail), " for %ld days or more", min_days);
		/* insert before " | " */
		char   *bar = strstr(c->line, " | ");
		if (bar != NULL && strlen(c->line) + strlen(tail) < sizeof(c->line)) {
			memmove(bar + strlen(tail), bar, strlen(bar) + 1);
			memcpy(bar, tail, strlen(tail));
		}
	}
	sg_buf_free(&why);
}

/* sg_certinv_free - release every row */
void	sg_certinv_free(sg_certinv *inv)
{
	size_t	i;

	for (i = 0; i < inv->count; i++) {
		sg_certinv_row *r = &inv->rows[i];

		free(r->role);
		free(r->file);
		free(r->error);
		free(r->subject);
		free(r->emails);
		free(r->issuer);
		free(r->serial);
		free(r->pending_id);
	}
	free(inv->rows);
	inv->rows = NULL;
	inv->count = 0;
}
