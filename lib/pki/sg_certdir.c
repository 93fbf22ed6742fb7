/*
 * NAME
 *	sg_certdir 3
 * SUMMARY
 *	find a recipient's certificates in the flat certificate directory
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gnutls/x509.h>

#include "sg_certdir.h"
#include "sg_mem.h"

#define SG_CERTDIR_NAME_MAX 255

/* sg_certdir_safe_name - may this name become a file name? */
static int sg_certdir_safe_name(const char *name)
{
	const unsigned char *p;

	if (name[0] == '\0' || name[0] == '.' || strstr(name, "..")
	    || strlen(name) > SG_CERTDIR_NAME_MAX - 4)
		return 0;
	for (p = (const unsigned char *) name; *p; p++)
		if (*p == '/' || *p == '\\' || *p <= ' ' || *p >= 0x7f)
			return 0;
	return 1;
}

/* sg_certdir_try - does DIR/NAME.pem exist? TEMPFAIL on other errors */
static sg_status sg_certdir_try(const char *dir, const char *name,
				char **file, int *found)
{
	char	path[4096];
	struct stat sb;

	*found = 0;
	if (!sg_certdir_safe_name(name))
		return sg_status_ok();
	if ((size_t) snprintf(path, sizeof(path), "%s/%s.pem", dir, name)
	    >= sizeof(path))
		return sg_status_ok();
	/*
	 * lstat: an entry that exists but cannot be followed (a dangling
	 * link) counts as found, so that loading it defers the message
	 * instead of letting it leave in clear.
	 */
	if (lstat(path, &sb) < 0) {
		if (errno == ENOENT)
			return sg_status_ok();
		return sg_status_make(SG_TEMPFAIL, "cannot look up %s: %s",
				      path, strerror(errno));
	}
	*file = sg_strdup(path);
	*found = 1;
	return sg_status_ok();
}

/* sg_certdir_find - the most specific certificate file for rcpt */
sg_status sg_certdir_find(const char *dir, const char *rcpt, char **file)
{
	char	addr[SG_CERTDIR_NAME_MAX + 1];
	const char *dom;
	struct stat sb;
	sg_status st;
	size_t	i, len = strlen(rcpt);
	int	found;

	*file = NULL;
	/* Fail closed: no directory must not mean "no certificate". */
	if (stat(dir, &sb) < 0)
		return sg_status_make(SG_TEMPFAIL, "certificate directory %s: %s",
				      dir, strerror(errno));
	if (!S_ISDIR(sb.st_mode))
		return sg_status_make(SG_TEMPFAIL, "certificate directory %s is "
				      "not a directory", dir);
	if (len == 0 || len >= sizeof(addr))
		return sg_status_ok();
	for (i = 0; i <= len; i++)
		addr[i] = (char) tolower((unsigned char) rcpt[i]);
	if ((dom = strrchr(addr, '@')) == NULL || !sg_certdir_safe_name(dom + 1))
		return sg_status_ok();	/* no domain, or a malformed one */
	st = sg_certdir_try(dir, addr, file, &found);
	if (!sg_status_is_ok(&st) || found)
		return st;
	/* The domain, then each parent with two labels or more. */
	for (dom = dom + 1; strchr(dom, '.') != NULL;
	     dom = strchr(dom, '.') + 1) {
		st = sg_certdir_try(dir, dom, file, &found);
		if (!sg_status_is_ok(&st) || found)
			return st;
	}
	return sg_status_ok();
}

/* sg_certdir_load - the certificates of file that are valid now */
sg_status sg_certdir_load(const char *file, time_t now, sg_certs *certs)
{
	sg_certs all = SG_CERTS_INIT;
	sg_status st;
	size_t	i;

	st = sg_certs_load(&all, file);
	if (!sg_status_is_ok(&st)) {
		sg_certs_free(&all);
		return sg_status_make(SG_TEMPFAIL, "%s", st.text);
	}
	for (i = 0; i < all.count; i++) {
		if (gnutls_x509_crt_get_activation_time(all.crts[i]) > now
		    || gnutls_x509_crt_get_expiration_time(all.crts[i]) < now) {
			gnutls_x509_crt_deinit(all.crts[i]);
			continue;
		}
		certs->crts = sg_realloc(certs->crts, (certs->count + 1)
					 * sizeof(*certs->crts));
		certs->crts[certs->count++] = all.crts[i];
	}
	free(all.crts);
	if (certs->count == 0)
		return sg_status_make(SG_TEMPFAIL, "%s holds no certificate "
				      "valid now (expired or not yet valid)",
				      file);
	return sg_status_ok();
}
