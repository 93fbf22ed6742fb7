/*
 * NAME
 *	sg_certstore 3
 * SUMMARY
 *	write, append and remove certificate files; the pending store
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_addr.h"
#include "sg_buf.h"
#include "sg_certcheck.h"
#include "sg_certs.h"
#include "sg_certstore.h"
#include "sg_mem.h"

#define SG_CERTSTORE_MAX_FILE	(4 * 1024 * 1024)

/* sg_certstore_path - "DIR/NAME" + suffix, allocated */
static char *sg_certstore_path(const char *dir, const char *name,
			       const char *suffix)
{
	size_t	size = strlen(dir) + strlen(name) + strlen(suffix) + 2;
	char   *path = sg_malloc(size);

	snprintf(path, size, "%s/%s%s", dir, name, suffix);
	return path;
}

/* sg_certstore_plain - a name that stays in its directory */
static bool sg_certstore_plain(const char *name)
{
	const unsigned char *p;

	if (name[0] == '\0' || name[0] == '.' || strlen(name) > 240)
		return false;
	for (p = (const unsigned char *) name; *p; p++)
		if (*p == '/' || *p == '\\' || *p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* sg_certstore_write_all - write len bytes or fail */
static int sg_certstore_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t	n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t) n;
	}
	return 0;
}

/* sg_certstore_write - atomic replace of dir/name with data */
sg_status sg_certstore_write(const char *dir, const char *name,
			     const void *data, size_t len, mode_t mode)
{
	char   *path = NULL, *tmp = NULL;
	int	fd = -1, dfd = -1, err;
	sg_status st = sg_status_ok();

	if (!sg_certstore_plain(name))
		return sg_status_make(SG_REJECT, "'%.100s' is not a plain file "
				      "name", name);
	path = sg_certstore_path(dir, name, "");
	tmp = sg_certstore_path(dir, ".", name);
	tmp = sg_realloc(tmp, strlen(tmp) + 8);
	strcat(tmp, ".XXXXXX");
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		err = errno;
		free(tmp);
		tmp = NULL;
		st = sg_status_make(SG_CONFIG, "cannot write %s: %s", path,
				    strerror(err));
		goto cleanup;
	}
	if (fchmod(fd, mode) < 0 || sg_certstore_write_all(fd, data, len) < 0
	    || fsync(fd) < 0) {
		st = sg_status_make(SG_CONFIG, "cannot write %s: %s", tmp,
				    strerror(errno));
		goto cleanup;
	}
	err = close(fd);
	fd = -1;
	if (err < 0 || rename(tmp, path) < 0) {
		st = sg_status_make(SG_CONFIG, "cannot write %s: %s", path,
				    strerror(errno));
		goto cleanup;
	}
	free(tmp);
	tmp = NULL;
	/* the rename itself must reach the disk */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void) fsync(dfd);
		close(dfd);
	}
cleanup:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL) {
		(void) unlink(tmp);
		free(tmp);
	}
	free(path);
	return st;
}

/* sg_certstore_pem - append crts as PEM to out */
static sg_status sg_certstore_pem(sg_buf *out, const gnutls_x509_crt_t *crts,
				  size_t n)
{
	gnutls_datum_t pem = {NULL, 0};
	size_t	i;
	int	ret;

	for (i = 0; i < n; i++) {
		ret = gnutls_x509_crt_export2(crts[i], GNUTLS_X509_FMT_PEM, &pem);
		if (ret < 0)
			return sg_status_make(SG_INTERNAL, "cannot encode a "
					      "certificate: %s",
					      gnutls_strerror(ret));
		sg_buf_append(out, pem.data, pem.size);
		gnutls_free(pem.data);
		pem.data = NULL;
	}
	return sg_status_ok();
}

/* sg_certstore_same - do two certificates have the same DER? */
static bool sg_certstore_same(gnutls_x509_crt_t a, gnutls_x509_crt_t b)
{
	return gnutls_x509_crt_equals(a, b) != 0;
}

/* sg_certstore_put - DIR/NAME.pem from crts, replaced or appended */
sg_status sg_certstore_put(const char *dir, const char *name,
			   const gnutls_x509_crt_t *crts, size_t n,
			   unsigned flags, char **path)
{
	sg_certs old = SG_CERTS_INIT;
	gnutls_x509_crt_t *all = NULL;
	sg_buf	pem = SG_BUF_INIT;
	char   *file = NULL, *base = NULL;
	size_t	nall = 0, i, j;
	struct stat sb;
	sg_status st = sg_status_ok();

	if (path)
		*path = NULL;
	if (!sg_certstore_plain(name))
		return sg_status_make(SG_REJECT, "'%.100s' is not a plain file "
				      "name", name);
	file = sg_certstore_path(dir, name, ".pem");
	base = sg_malloc(strlen(name) + 5);
	snprintf(base, strlen(name) + 5, "%s.pem", name);
	all = sg_calloc(n + 1, sizeof(*all));
	if ((flags & SG_CERTSTORE_APPEND) && lstat(file, &sb) == 0) {
		st = sg_certs_load(&old, file);
		if (!sg_status_is_ok(&st))
			goto cleanup;
		all = sg_realloc(all, (old.count + n + 1) * sizeof(*all));
		for (i = 0; i < old.count; i++)
			all[nall++] = old.crts[i];
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < nall; j++)
			if (sg_certstore_same(all[j], crts[i]))
				break;
		if (j == nall)
			all[nall++] = crts[i];
	}
	st = sg_certstore_pem(&pem, all, nall);
	if (sg_status_is_ok(&st))
		st = sg_certstore_write(dir, base, pem.data, pem.len, 0644);
	if (sg_status_is_ok(&st) && path) {
		*path = file;
		file = NULL;
	}
cleanup:
	sg_certs_free(&old);
	sg_buf_free(&pem);
	free(all);
	free(file);
	free(base);
	return st;
}

/* sg_certstore_remove - unlink DIR/NAME.pem */
sg_status sg_certstore_remove(const char *dir, const char *name, char **path)
{
	char   *file;

	if (path)
		*path = NULL;
	if (!sg_certstore_plain(name))
		return sg_status_make(SG_REJECT, "'%.100s' is not a plain file "
				      "name", name);
	file = sg_certstore_path(dir, name, ".pem");
	if (unlink(file) < 0) {
		sg_status st = sg_status_make(errno == ENOENT ? SG_REJECT
					      : SG_CONFIG, "cannot remove %s: "
					      "%s", file, strerror(errno));

		free(file);
		return st;
	}
	if (path)
		*path = file;
	else
		free(file);
	return sg_status_ok();
}

/* sg_certstore_one_line - copy of s with control characters as '?' */
static char *sg_certstore_one_line(const char *s)
{
	char   *copy = sg_strdup(s), *p;

	for (p = copy; *p; p++)
		if ((unsigned char) *p < ' ' || *p == 0x7f)
			*p = '?';
	return copy;
}

/* sg_certstore_plain_id - 16 lower-case hex digits? */
static bool sg_certstore_plain_id(const char *id)
{
	size_t	i;

	for (i = 0; id[i]; i++)
		if (!((id[i] >= '0' && id[i] <= '9')
		      || (id[i] >= 'a' && id[i] <= 'f')))
			return false;
	return i == SG_CERTSTORE_ID_LEN;
}

/* sg_certstore_pending_add - store crts for the administrator */
sg_status sg_certstore_pending_add(const char *pending_dir,
				   const char *domain, const char *source,
				   time_t received,
				   const gnutls_x509_crt_t *crts, size_t n,
				   char **id)
{
	char	fpr[SG_CERTCHECK_FPR_SIZE], name[SG_CERTSTORE_ID_LEN + 1];
	char   *dom = NULL, *src = NULL, *meta = NULL;
	sg_buf	text = SG_BUF_INIT;
	size_t	size;
	sg_status st;

	*id = NULL;
	if (n == 0)
		return sg_status_make(SG_REJECT, "no certificate to store");
	st = sg_addr_domain(domain, &dom);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	st = sg_certcheck_fingerprint(crts[0], fpr, sizeof(fpr));
	if (!sg_status_is_ok(&st))
		goto cleanup;
	snprintf(name, sizeof(name), "%.*s", SG_CERTSTORE_ID_LEN, fpr);
	st = sg_certstore_put(pending_dir, name, crts, n, 0, NULL);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	src = sg_certstore_one_line(source ? source : "");
	size = strlen(dom) + strlen(src) + strlen(fpr) + 100;
	meta = sg_malloc(size);
	snprintf(meta, size, "domain: %s\nsource: %s\nreceived: %lld\n"
		 "fingerprint: %s\n", dom, src, (long long) received, fpr);
	sg_buf_append_str(&text, name);
	sg_buf_append_str(&text, ".meta");
	sg_buf_append(&text, "", 1);
	st = sg_certstore_write(pending_dir, (char *) text.data, meta,
				strlen(meta), 0644);
	if (sg_status_is_ok(&st))
		*id = sg_strdup(name);
cleanup:
	free(dom);
	free(src);
	free(meta);
	sg_buf_free(&text);
	return st;
}

/* sg_certstore_pending_clear - release one entry's fields */
void	sg_certstore_pending_clear(sg_certstore_pending *e)
{
	free(e->id);
	free(e->domain);
	free(e->source);
	free(e->fingerprint);
	free(e->cert_path);
	memset(e, 0, sizeof(*e));
}

/* sg_certstore_pending_free - release a list */
void	sg_certstore_pending_free(sg_certstore_pending *entries, size_t count)
{
	size_t	i;

	for (i = 0; i < count; i++)
		sg_certstore_pending_clear(&entries[i]);
	free(entries);
}

/* sg_certstore_pending_get - one entry by id */
sg_status sg_certstore_pending_get(const char *pending_dir, const char *id,
				   sg_certstore_pending *e)
{
	sg_buf	data = SG_BUF_INIT;
	char   *meta = NULL, *line, *next, *val;
	sg_status st;

	memset(e, 0, sizeof(*e));
	if (!sg_certstore_plain_id(id))
		return sg_status_make(SG_REJECT, "'%.40s' is not a pending id "
				      "(16 hex digits, see smimegw-cert "
				      "pending)", id);
	meta = sg_certstore_path(pending_dir, id, ".meta");
	st = sg_buf_read_file(&data, meta, SG_CERTSTORE_MAX_FILE);
	if (!sg_status_is_ok(&st)) {
		if (access(meta, F_OK) < 0 && errno == ENOENT)
			st = sg_status_make(SG_REJECT, "no pending certificate "
					    "%s in %s", id, pending_dir);
		goto cleanup;
	}
	sg_buf_append(&data, "", 1);
	for (line = (char *) data.data; line && *line; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((val = strstr(line, ": ")) == NULL)
			continue;
		*val = '\0';
		val += 2;
		if (strcmp(line, "domain") == 0 && e->domain == NULL)
			e->domain = sg_strdup(val);
		else if (strcmp(line, "source") == 0 && e->source == NULL)
			e->source = sg_strdup(val);
		else if (strcmp(line, "received") == 0)
			e->received = (time_t) strtoll(val, NULL, 10);
		else if (strcmp(line, "fingerprint") == 0 && !e->fingerprint)
			e->fingerprint = sg_strdup(val);
	}
	if (e->domain == NULL || e->fingerprint == NULL) {
		st = sg_status_make(SG_CONFIG, "%s: no domain or fingerprint "
				    "line", meta);
		goto cleanup;
	}
	if (e->source == NULL)
		e->source = sg_strdup("");
	e->id = sg_strdup(id);
	e->cert_path = sg_certstore_path(pending_dir, id, ".pem");
cleanup:
	if (!sg_status_is_ok(&st))
		sg_certstore_pending_clear(e);
	sg_buf_free(&data);
	free(meta);
	return st;
}

/* sg_certstore_pending_cmp - oldest first, then by id */
static int sg_certstore_pending_cmp(const void *x, const void *y)
{
	const sg_certstore_pending *a = x, *b = y;

	if (a->received != b->received)
		return a->received < b->received ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* sg_certstore_pending_list - every entry, oldest first */
sg_status sg_certstore_pending_list(const char *pending_dir,
				    sg_certstore_pending **entries,
				    size_t *count)
{
	sg_certstore_pending *v = NULL;
	size_t	n = 0, len;
	struct dirent *de;
	char	id[SG_CERTSTORE_ID_LEN + 1];
	DIR    *d;
	sg_status st = sg_status_ok();

	*entries = NULL;
	*count = 0;
	if ((d = opendir(pending_dir)) == NULL) {
		if (errno == ENOENT)
			return sg_status_ok();	/* nothing harvested yet */
		return sg_status_make(SG_CONFIG, "cannot list %s: %s",
				      pending_dir, strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len != SG_CERTSTORE_ID_LEN + 5
		    || strcmp(de->d_name + SG_CERTSTORE_ID_LEN, ".meta") != 0)
			continue;
		memcpy(id, de->d_name, SG_CERTSTORE_ID_LEN);
		id[SG_CERTSTORE_ID_LEN] = '\0';
		if (!sg_certstore_plain_id(id))
			continue;
		v = sg_realloc(v, (n + 1) * sizeof(*v));
		st = sg_certstore_pending_get(pending_dir, id, &v[n]);
		if (!sg_status_is_ok(&st))
			break;
		n++;
	}
	closedir(d);
	if (!sg_status_is_ok(&st)) {
		sg_certstore_pending_free(v, n);
		return st;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), sg_certstore_pending_cmp);
	*entries = v;
	*count = n;
	return st;
}

/* sg_certstore_pending_drop - unlink ID.pem and ID.meta */
static sg_status sg_certstore_pending_drop(const char *pending_dir,
					   const char *id)
{
	char   *meta = sg_certstore_path(pending_dir, id, ".meta");
	char   *pem = sg_certstore_path(pending_dir, id, ".pem");
	sg_status st = sg_status_ok();

	/* meta first: without it the entry is gone, whatever follows */
	if (unlink(meta) < 0)
		st = sg_status_make(SG_CONFIG, "cannot remove %s: %s", meta,
				    strerror(errno));
	else if (unlink(pem) < 0 && errno != ENOENT)
		st = sg_status_make(SG_CONFIG, "cannot remove %s: %s", pem,
				    strerror(errno));
	free(meta);
	free(pem);
	return st;
}

/* sg_certstore_pending_approve - move an entry into cert_dir */
sg_status sg_certstore_pending_approve(const char *pending_dir,
				       const char *cert_dir, const char *id,
				       time_t now, bool force, char **path)
{
	sg_certstore_pending e;
	sg_certs certs = SG_CERTS_INIT;
	sg_certcheck_result r = SG_CERTCHECK_RESULT_INIT;
	sg_status st;

	if (path)
		*path = NULL;
	st = sg_certstore_pending_get(pending_dir, id, &e);
	if (!sg_status_is_ok(&st))
		return st;
	st = sg_certs_load(&certs, e.cert_path);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	st = sg_certcheck_set(certs.crts, certs.count, now, e.domain, 0, &r);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	if (r.problems != 0 && !force) {
		st = sg_status_make(SG_REJECT, "%s: %s (use --force to approve "
				    "it anyway)", e.cert_path, r.text);
		goto cleanup;
	}
	st = sg_certstore_put(cert_dir, r.name, certs.crts, certs.count,
			      SG_CERTSTORE_APPEND, path);
	if (sg_status_is_ok(&st))
		st = sg_certstore_pending_drop(pending_dir, id);
cleanup:
	sg_certcheck_result_free(&r);
	sg_certs_free(&certs);
	sg_certstore_pending_clear(&e);
	return st;
}

/* sg_certstore_pending_reject - drop an entry */
sg_status sg_certstore_pending_reject(const char *pending_dir, const char *id)
{
	sg_certstore_pending e;
	sg_status st;

	st = sg_certstore_pending_get(pending_dir, id, &e);
	if (!sg_status_is_ok(&st))
		return st;
	sg_certstore_pending_clear(&e);
	return sg_certstore_pending_drop(pending_dir, id);
}
