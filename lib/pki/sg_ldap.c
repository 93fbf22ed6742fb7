/*
 * NAME
 *	sg_ldap 3
 * SUMMARY
 *	read the community directory: members, their certificates, CRLs
 * DESCRIPTION
 *	See sg_ldap.h. The URIs are tried one after the other by this module
 *	(not by libldap's own list), so that a server that accepts the TCP
 *	connection but fails StartTLS or the bind is skipped too, and the
 *	error of each is known: the sentence returned names the last one.
 * SECURITY
 *	TLS certificate verification is set per connection (a new TLS
 *	context), never globally, and cannot be turned off by configuration.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <lber.h>
#include <ldap.h>

#include "sg_buf.h"
#include "sg_ldap.h"
#include "sg_mem.h"

#define SG_LDAP_PASSWORD_MAX	1024
#define SG_LDAP_SMIME_ATTR	"userSMIMECertificate"
#define SG_LDAP_CRL_ATTR	"certificateRevocationList"

/* sg_ldap_password - read the bind password from a file only we can read */
static sg_status sg_ldap_password(const char *path, char **pw)
{
	sg_buf	buf = SG_BUF_INIT;
	struct stat sb;
	sg_status st;
	int	fd;

	*pw = NULL;
	if (path == NULL)
		return sg_status_make(SG_CONFIG, "[ldap] bind_dn is set but "
				      "bind_password_file is not");
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return sg_status_make(SG_CONFIG, "%s: cannot open the LDAP "
				      "password file: %s", path,
				      strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		st = sg_status_make(SG_CONFIG, "%s: the LDAP password file is "
				    "not a regular file", path);
		goto cleanup;
	}
	if (sb.st_mode & 077) {
		st = sg_status_make(SG_CONFIG, "%s: the LDAP password file is "
				    "accessible by group or others (mode %04o; "
				    "use 0600)", path,
				    (unsigned) (sb.st_mode & 07777));
		goto cleanup;
	}
	st = sg_buf_read_fd(&buf, fd, SG_LDAP_PASSWORD_MAX);
	if (!sg_status_is_ok(&st)) {
		st = sg_status_make(SG_CONFIG, "%s: cannot read the LDAP "
				    "password file (or it is longer than %d "
				    "bytes)", path, SG_LDAP_PASSWORD_MAX);
		goto cleanup;
	}
	while (buf.len > 0 && (buf.data[buf.len - 1] == '\n'
			       || buf.data[buf.len - 1] == '\r'))
		buf.data[--buf.len] = '\0';
	if (buf.len == 0 || memchr(buf.data, '\0', buf.len) != NULL
	    || memchr(buf.data, '\n', buf.len) != NULL) {
		st = sg_status_make(SG_CONFIG, "%s: the LDAP password file must "
				    "hold one non-empty line", path);
		goto cleanup;
	}
	*pw = sg_memdup(buf.data, buf.len + 1);

cleanup:
	sg_buf_wipe_free(&buf);
	close(fd);
	return st;
}

/* sg_ldap_failure - "URI: what: libldap's reason (server's detail)" */
static sg_status sg_ldap_failure(LDAP *ld, const char *uri, const char *what,
				 int rc)
{
	char   *diag = NULL;
	sg_status st;

	if (ld != NULL)
		ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	if (rc == LDAP_TIMEOUT)
		st = sg_status_make(SG_TEMPFAIL, "%s: %s: timed out", uri, what);
	else
		st = sg_status_make(SG_TEMPFAIL, "%s: %s: %s%s%s%s", uri, what,
				    ldap_err2string(rc),
				    diag && *diag ? " (" : "",
				    diag && *diag ? diag : "",
				    diag && *diag ? ")" : "");
	if (diag != NULL)
		ldap_memfree(diag);
	return st;
}

/* sg_ldap_uses_tls - is this URI TLS from the start? */
static bool sg_ldap_uses_tls(const char *uri)
{
	return strncasecmp(uri, "ldaps://", 8) == 0;
}

/* sg_ldap_connect - connect, secure and bind to one URI */
static sg_status sg_ldap_connect(const sg_ldap_opts *o, const char *uri,
				 const char *password, LDAP **ldp)
{
	struct timeval tv = {(time_t) o->timeout, 0};
	int	version = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND, zero = 0;
	struct berval cred;
	LDAP   *ld = NULL;
	sg_status st;
	int	rc;

	*ldp = NULL;
	if (strncasecmp(uri, "ldap://", 7) != 0 && !sg_ldap_uses_tls(uri))
		return sg_status_make(SG_CONFIG, "[ldap] uri: '%s' is not an "
				      "ldap:// or ldaps:// URI", uri);
	if (o->bind_dn != NULL && !o->starttls && !sg_ldap_uses_tls(uri))
		return sg_status_make(SG_CONFIG, "%s: refusing to send the bind "
				      "password without TLS (set starttls = "
				      "yes or use ldaps://)", uri);
	if ((rc = ldap_initialize(&ld, uri)) != LDAP_SUCCESS)
		return sg_status_make(SG_CONFIG, "[ldap] uri: '%s': %s", uri,
				      ldap_err2string(rc));
	if (ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &version)
	    || ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF)
	    || ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv)
	    || ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv)
	    || ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand)
	    || (o->ca_file != NULL
		&& ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, o->ca_file))
	    || ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero)) {
		st = sg_status_make(SG_CONFIG, "%s: libldap refuses the "
				    "connection options (TLS support, "
				    "ca_file %s?)", uri,
				    o->ca_file ? o->ca_file : "unset");
		goto cleanup;
	}
	if ((rc = ldap_connect(ld)) != LDAP_SUCCESS) {
		st = sg_ldap_failure(ld, uri, sg_ldap_uses_tls(uri) ?
				     "cannot connect (TLS)" :
				     "cannot connect", rc);
		goto cleanup;
	}
	if (o->starttls && !sg_ldap_uses_tls(uri)
	    && (rc = ldap_start_tls_s(ld, NULL, NULL)) != LDAP_SUCCESS) {
		st = sg_ldap_failure(ld, uri, "StartTLS failed", rc);
		goto cleanup;
	}
	if (o->bind_dn != NULL) {
		cred.bv_val = (char *) password;
		cred.bv_len = strlen(password);
		rc = ldap_sasl_bind_s(ld, o->bind_dn, LDAP_SASL_SIMPLE, &cred,
				      NULL, NULL, NULL);
		if (rc != LDAP_SUCCESS) {
			st = sg_ldap_failure(ld, uri, "bind refused", rc);
			goto cleanup;
		}
	}
	*ldp = ld;
	ld = NULL;
	st = sg_status_ok();

cleanup:
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	return st;
}

/* sg_ldap_attr_is - attribute description desc names type (no options) */
static bool sg_ldap_attr_is(const char *desc, const char *type)
{
	size_t	n = strcspn(type, ";");

	return strncasecmp(desc, type, n) == 0
		&& (desc[n] == '\0' || desc[n] == ';');
}

/* sg_ldap_add_value - append a copy of a binary value */
static void sg_ldap_add_value(sg_ldap_entry *e, const struct berval *bv,
			      bool pkcs7)
{
	e->values = sg_realloc(e->values, (e->nvalues + 1) * sizeof(*e->values));
	e->values[e->nvalues].data = sg_memdup(bv->bv_val, bv->bv_len);
	e->values[e->nvalues].len = bv->bv_len;
	e->values[e->nvalues].pkcs7 = pkcs7;
	e->nvalues++;
}

/* sg_ldap_add_domain - append a domain value as text */
static void sg_ldap_add_domain(sg_ldap_entry *e, const struct berval *bv)
{
	char   *d = sg_malloc(bv->bv_len + 1);

	memcpy(d, bv->bv_val, bv->bv_len);
	d[bv->bv_len] = '\0';
	e->domains = sg_realloc(e->domains,
				(e->ndomains + 1) * sizeof(*e->domains));
	e->domains[e->ndomains++] = d;
}

/* sg_ldap_entry_read - copy the wanted attributes of one entry */
static void sg_ldap_entry_read(LDAP *ld, LDAPMessage *msg,
			       const sg_ldap_opts *o, bool crl,
			       sg_ldap_entry *e)
{
	struct berval **vals;
	BerElement *ber = NULL;
	char   *a, *dn;
	size_t	i;
	int	kind;

	memset(e, 0, sizeof(*e));
	dn = ldap_get_dn(ld, msg);
	e->dn = sg_strdup(dn ? dn : "");
	if (dn != NULL)
		ldap_memfree(dn);
	for (a = ldap_first_attribute(ld, msg, &ber); a != NULL;
	     a = ldap_next_attribute(ld, msg, ber)) {
		kind = 0;
		if (crl) {
			if (sg_ldap_attr_is(a, SG_LDAP_CRL_ATTR))
				kind = 1;
		} else if (sg_ldap_attr_is(a, o->domain_attribute)) {
			kind = 3;
		} else if (sg_ldap_attr_is(a, o->certificate_attribute)) {
			kind = 1;
		} else if (sg_ldap_attr_is(a, SG_LDAP_SMIME_ATTR)) {
			kind = 2;
		}
		if (kind != 0 && (vals = ldap_get_values_len(ld, msg, a))) {
			for (i = 0; vals[i] != NULL; i++) {
				if (kind == 3)
					sg_ldap_add_domain(e, vals[i]);
				else
					sg_ldap_add_value(e, vals[i], kind == 2);
			}
			ldap_value_free_len(vals);
		}
		ldap_memfree(a);
	}
	if (ber != NULL)
		ber_free(ber, 0);
}

/* sg_ldap_search - a paged subtree search; entries appended to *list */
static sg_status sg_ldap_search(LDAP *ld, const char *uri,
				const sg_ldap_opts *o, const char *base,
				const char *filter, char **attrs, bool crl,
				sg_ldap_entry **list, size_t *n)
{
	struct timeval tv = {(time_t) o->timeout, 0};
	struct berval cookie = {0, NULL};
	LDAPControl *page = NULL, *ctrls[2] = {NULL, NULL}, **rctrls = NULL;
	LDAPControl *pr;
	LDAPMessage *res = NULL, *m;
	ber_int_t count;
	sg_status st = sg_status_ok();
	int	rc, err;

	for (;;) {
		rc = ldap_create_page_control(ld, SG_LDAP_PAGE_SIZE,
					      cookie.bv_val ? &cookie : NULL,
					      0, &page);
		if (rc != LDAP_SUCCESS) {
			st = sg_ldap_failure(ld, uri, "paged results control",
					     rc);
			break;
		}
		ctrls[0] = page;
		rc = ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter,
				       attrs, 0, ctrls, NULL, &tv,
				       LDAP_NO_LIMIT, &res);
		ldap_control_free(page);
		page = NULL;
		if (rc != LDAP_SUCCESS) {
			st = sg_ldap_failure(ld, uri, crl ? "CRL search" :
					     "member search", rc);
			break;
		}
		for (m = ldap_first_entry(ld, res); m != NULL;
		     m = ldap_next_entry(ld, m)) {
			*list = sg_realloc(*list, (*n + 1) * sizeof(**list));
			sg_ldap_entry_read(ld, m, o, crl, *list + *n);
			(*n)++;
		}
		rc = ldap_parse_result(ld, res, &err, NULL, NULL, NULL, &rctrls,
				       0);
		ldap_msgfree(res);
		res = NULL;
		if (rc != LDAP_SUCCESS || err != LDAP_SUCCESS) {
			st = sg_ldap_failure(ld, uri, crl ? "CRL search" :
					     "member search",
					     rc != LDAP_SUCCESS ? rc : err);
			break;
		}
		ber_memfree(cookie.bv_val);
		cookie.bv_val = NULL;
		cookie.bv_len = 0;
		pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS, rctrls, NULL);
		if (pr != NULL
		    && ldap_parse_pageresponse_control(ld, pr, &count, &cookie)
		    != LDAP_SUCCESS) {
			st = sg_status_make(SG_TEMPFAIL, "%s: bad paged results "
					    "response", uri);
			break;
		}
		ldap_controls_free(rctrls);
		rctrls = NULL;
		if (cookie.bv_val == NULL || cookie.bv_len == 0)
			break;
	}
	if (rctrls != NULL)
		ldap_controls_free(rctrls);
	ber_memfree(cookie.bv_val);
	return st;
}

/* sg_ldap_fetch_from - everything from one URI */
static sg_status sg_ldap_fetch_from(const sg_ldap_opts *o, const char *uri,
				    const char *password, sg_ldap_result *res)
{
	char   *member_attrs[] = {(char *) o->domain_attribute,
		(char *) o->certificate_attribute,
		SG_LDAP_SMIME_ATTR, NULL};
	char   *crl_attrs[] = {SG_LDAP_CRL_ATTR ";binary", NULL};
	LDAP   *ld = NULL;
	sg_status st;

	st = sg_ldap_connect(o, uri, password, &ld);
	if (!sg_status_is_ok(&st))
		return st;
	st = sg_ldap_search(ld, uri, o, o->base, o->member_filter,
			    member_attrs, false, &res->members, &res->nmembers);
	if (sg_status_is_ok(&st) && o->crl_base != NULL)
		st = sg_ldap_search(ld, uri, o, o->crl_base,
				    "(" SG_LDAP_CRL_ATTR "=*)", crl_attrs, true,
				    &res->crls, &res->ncrls);
	ldap_unbind_ext_s(ld, NULL, NULL);
	return st;
}

/* sg_ldap_fetch - members and CRLs from the directory; see DESCRIPTION */
sg_status sg_ldap_fetch(const sg_ldap_opts *o, sg_ldap_result *res)
{
	char   *list = NULL, *uri, *save = NULL, *password = NULL;
	sg_status st;

	memset(res, 0, sizeof(*res));
	if (o->uri == NULL || strspn(o->uri, " \t,") == strlen(o->uri))
		return sg_status_make(SG_CONFIG, "[ldap] uri is not set");
	if (o->base == NULL || *o->base == '\0')
		return sg_status_make(SG_CONFIG, "[ldap] base is not set");
	if (o->bind_dn != NULL) {
		st = sg_ldap_password(o->bind_password_file, &password);
		if (!sg_status_is_ok(&st))
			return st;
	}
	/* Our configuration alone: no ldap.conf, no ~/.ldaprc. */
	setenv("LDAPNOINIT", "1", 1);

	list = sg_strdup(o->uri);
	st = sg_status_make(SG_CONFIG, "[ldap] uri is not set");
	for (uri = strtok_r(list, " \t,", &save); uri != NULL;
	     uri = strtok_r(NULL, " \t,", &save)) {
		sg_ldap_result_free(res);
		st = sg_ldap_fetch_from(o, uri, password, res);
		if (sg_status_is_ok(&st)) {
			res->uri = sg_strdup(uri);
			break;
		}
		if (st.code == SG_CONFIG)
			break;
	}
	if (!sg_status_is_ok(&st))
		sg_ldap_result_free(res);
	free(list);
	if (password != NULL)
		sg_wipe_free(password, strlen(password));
	return st;
}

/* sg_ldap_entries_free - release a list of entries */
static void sg_ldap_entries_free(sg_ldap_entry *list, size_t n)
{
	size_t	i, k;

	for (i = 0; i < n; i++) {
		free(list[i].dn);
		for (k = 0; k < list[i].ndomains; k++)
			free(list[i].domains[k]);
		free(list[i].domains);
		for (k = 0; k < list[i].nvalues; k++)
			free(list[i].values[k].data);
		free(list[i].values);
	}
	free(list);
}

/* sg_ldap_result_free - release everything; res can be reused */
void	sg_ldap_result_free(sg_ldap_result *res)
{
	sg_ldap_entries_free(res->members, res->nmembers);
	sg_ldap_entries_free(res->crls, res->ncrls);
	free(res->uri);
	memset(res, 0, sizeof(*res));
}
