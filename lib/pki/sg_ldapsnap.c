/*
 * NAME
 *	sg_ldapsnap 3
 * SUMMARY
 *	the community snapshot: written from the directory, read by the filter
 * DESCRIPTION
 *	See sg_ldapsnap.h. Writing happens in three steps: the new set is
 *	built in memory and compared with the current snapshot (so that the
 *	mass-removal guard refuses before anything is written), then written
 *	into a new sibling directory, then switched by renaming a symbolic
 *	link over the configured path.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>

#include "sg_addr.h"
#include "sg_buf.h"
#include "sg_certcheck.h"
#include "sg_certdir.h"
#include "sg_certs.h"
#include "sg_ldapsnap.h"
#include "sg_log.h"
#include "sg_mem.h"

#define SG_LDAPSNAP_MEMBERS	"members"
#define SG_LDAPSNAP_CRLS	"crls"
#define SG_LDAPSNAP_FILE_MAX	(16 * 1024 * 1024)

/* One member domain of the new snapshot. */
typedef struct sg_snap_member {
	char   *domain;			/* normal form */
	sg_buf	pem;			/* usable certificates, PEM */
	gnutls_datum_t *der;		/* the same, DER, for duplicates */
	size_t	nder;
} sg_snap_member;

/* The new snapshot, in memory. */
typedef struct sg_snap {
	sg_snap_member *m;
	size_t	n;
	gnutls_x509_crl_t *crls;
	size_t	ncrls;
	sg_buf *crl_pem;		/* one per CRL */
	char  **crl_names;		/* "HASH.crl" */
	size_t	skipped;
} sg_snap;

/* sg_snap_free - release the in-memory snapshot */
static void sg_snap_free(sg_snap *s)
{
	size_t	i, k;

	for (i = 0; i < s->n; i++) {
		free(s->m[i].domain);
		sg_buf_free(&s->m[i].pem);
		for (k = 0; k < s->m[i].nder; k++)
			gnutls_free(s->m[i].der[k].data);
		free(s->m[i].der);
	}
	free(s->m);
	for (i = 0; i < s->ncrls; i++) {
		gnutls_x509_crl_deinit(s->crls[i]);
		sg_buf_free(&s->crl_pem[i]);
		free(s->crl_names[i]);
	}
	free(s->crls);
	free(s->crl_pem);
	free(s->crl_names);
	memset(s, 0, sizeof(*s));
}

/* sg_snap_member_get - the member for canon, added when new */
static sg_snap_member *sg_snap_member_get(sg_snap *s, const char *canon)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->m[i].domain, canon) == 0)
			return s->m + i;
	s->m = sg_realloc(s->m, (s->n + 1) * sizeof(*s->m));
	memset(s->m + s->n, 0, sizeof(*s->m));
	s->m[s->n].domain = sg_strdup(canon);
	return s->m + s->n++;
}

/* sg_snap_hex - the first bytes of a SHA-256 as lower-case hex */
static void sg_snap_hex(const void *data, size_t len, char *out, size_t n)
{
	unsigned char md[32];
	size_t	i;

	memset(md, 0, sizeof(md));
	gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, md);
	for (i = 0; i < sizeof(md) && 2 * i + 2 < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* sg_snap_crls - parse the CRL values; a bad one is skipped and logged */
static void sg_snap_crls(sg_snap *s, const sg_ldap_result *res)
{
	gnutls_x509_crl_t crl;
	gnutls_datum_t in, pem = {NULL, 0};
	char	hex[33];
	size_t	i, k, j;
	bool	dup;

	for (i = 0; i < res->ncrls; i++) {
		for (k = 0; k < res->crls[i].nvalues; k++) {
			in.data = res->crls[i].values[k].data;
			in.size = (unsigned) res->crls[i].values[k].len;
			gnutls_x509_crl_init(&crl);
			if (gnutls_x509_crl_import(crl, &in, GNUTLS_X509_FMT_DER)
			    != 0 || gnutls_x509_crl_export2(crl,
				    GNUTLS_X509_FMT_PEM, &pem) != 0) {
				gnutls_x509_crl_deinit(crl);
				sg_log_warning("ldap sync: %s: skipped a "
					       "certificateRevocationList "
					       "value that is not a DER CRL",
					       res->crls[i].dn);
				s->skipped++;
				continue;
			}
			sg_snap_hex(in.data, in.size, hex, sizeof(hex));
			for (dup = false, j = 0; j < s->ncrls; j++)
				dup |= strncmp(s->crl_names[j], hex, 32) == 0;
			if (dup) {
				gnutls_free(pem.data);
				gnutls_x509_crl_deinit(crl);
				continue;
			}
			s->crls = sg_realloc(s->crls, (s->ncrls + 1)
					     * sizeof(*s->crls));
			s->crl_pem = sg_realloc(s->crl_pem, (s->ncrls + 1)
						* sizeof(*s->crl_pem));
			s->crl_names = sg_realloc(s->crl_names, (s->ncrls + 1)
						  * sizeof(*s->crl_names));
			s->crls[s->ncrls] = crl;
			memset(s->crl_pem + s->ncrls, 0, sizeof(sg_buf));
			sg_buf_append(s->crl_pem + s->ncrls, pem.data, pem.size);
			s->crl_names[s->ncrls] = sg_malloc(strlen(hex) + 5);
			snprintf(s->crl_names[s->ncrls], strlen(hex) + 5,
				 "%s.crl", hex);
			s->ncrls++;
			gnutls_free(pem.data);
			pem.data = NULL;
		}
	}
}

/* sg_snap_value_certs - the certificates of one value (DER or PKCS#7) */
static bool sg_snap_value_certs(const sg_ldap_value *v, sg_certs *certs)
{
	gnutls_pkcs7_t p7;
	gnutls_datum_t in = {v->data, (unsigned) v->len}, raw;
	sg_status st;
	int	i, n;
	bool	ok = true;

	if (!v->pkcs7) {
		st = sg_certs_load_mem(certs, v->data, v->len, "LDAP value");
		return sg_status_is_ok(&st) && certs->count > 0;
	}
	if (gnutls_pkcs7_init(&p7) != 0)
		return false;
	if (gnutls_pkcs7_import(p7, &in, GNUTLS_X509_FMT_DER) != 0
	    || (n = gnutls_pkcs7_get_crt_count(p7)) <= 0) {
		gnutls_pkcs7_deinit(p7);
		return false;
	}
	for (i = 0; i < n && ok; i++) {
		if (gnutls_pkcs7_get_crt_raw2(p7, (unsigned) i, &raw) != 0) {
			ok = false;
			break;
		}
		st = sg_certs_load_mem(certs, raw.data, raw.size, "PKCS#7");
		ok = sg_status_is_ok(&st);
		gnutls_free(raw.data);
	}
	gnutls_pkcs7_deinit(p7);
	return ok && certs->count > 0;
}

/* sg_snap_add_cert - add crt to member m unless it is there already */
static void sg_snap_add_cert(sg_snap_member *m, gnutls_x509_crt_t crt)
{
	gnutls_datum_t der = {NULL, 0}, pem = {NULL, 0};
	size_t	k;

	if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der) != 0)
		return;
	for (k = 0; k < m->nder; k++) {
		if (m->der[k].size == der.size
		    && memcmp(m->der[k].data, der.data, der.size) == 0) {
			gnutls_free(der.data);
			return;
		}
	}
	if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &pem) != 0) {
		gnutls_free(der.data);
		return;
	}
	m->der = sg_realloc(m->der, (m->nder + 1) * sizeof(*m->der));
	m->der[m->nder++] = der;
	sg_buf_append(&m->pem, pem.data, pem.size);
	gnutls_free(pem.data);
}

/* sg_snap_entry - the domains and usable certificates of one entry */
static void sg_snap_entry(sg_snap *s, const sg_ldap_entry *e, time_t now)
{
	sg_certcheck_result r = SG_CERTCHECK_RESULT_INIT;
	sg_snap_member *m;
	sg_certs certs = SG_CERTS_INIT;
	char   *canon, desc[300];
	sg_status st;
	size_t	d, v, c;

	if (e->ndomains == 0) {
		sg_log_warning("ldap sync: %s: skipped: no domain", e->dn);
		s->skipped++;
		return;
	}
	for (d = 0; d < e->ndomains; d++) {
		canon = NULL;
		st = sg_addr_domain(e->domains[d], &canon);
		if (!sg_status_is_ok(&st) || strchr(canon, '.') == NULL
		    || strchr(canon, '@') != NULL) {
			sg_log_warning("ldap sync: %s: skipped the domain "
				       "'%.100s': not a usable domain name "
				       "of two labels or more", e->dn,
				       e->domains[d]);
			s->skipped++;
			free(canon);
			continue;
		}
		m = sg_snap_member_get(s, canon);
		for (v = 0; v < e->nvalues; v++) {
			if (!sg_snap_value_certs(e->values + v, &certs)) {
				sg_log_warning("ldap sync: %s: skipped a %s "
					       "value that is not a %s",
					       e->dn, e->values[v].pkcs7 ?
					       "userSMIMECertificate" :
					       "certificate", e->values[v].pkcs7
					       ? "PKCS#7 with certificates" :
					       "DER certificate");
				s->skipped++;
				sg_certs_free(&certs);
				continue;
			}
			for (c = 0; c < certs.count; c++) {
				sg_certcheck_result_free(&r);
				r.problems = 0;
				r.text[0] = '\0';
				if (e->values[v].pkcs7
				    && sg_certcheck_is_ca(certs.crts[c]))
					continue;
				sg_certs_describe(certs.crts[c], desc,
						  sizeof(desc));
				st = sg_certcheck_peer(certs.crts[c], now,
						       canon, 0, &r);
				if (!sg_status_is_ok(&st) || r.problems) {
					sg_log_warning("ldap sync: %s: %s: "
						       "skipped a certificate "
						       "(%s): %s", e->dn,
						       canon, desc,
						       sg_status_is_ok(&st) ?
						       r.text : st.text);
					s->skipped++;
					continue;
				}
				if (s->ncrls > 0
				    && gnutls_x509_crt_check_revocation(
					certs.crts[c], s->crls,
					(unsigned) s->ncrls) == 1) {
					sg_log_warning("ldap sync: %s: %s: "
						       "skipped a certificate "
						       "(%s): revoked by a CRL "
						       "in the directory",
						       e->dn, canon, desc);
					s->skipped++;
					continue;
				}
				sg_snap_add_cert(m, certs.crts[c]);
			}
			sg_certs_free(&certs);
		}
		free(canon);
	}
	sg_certcheck_result_free(&r);
}

/* sg_snap_cmp - sort members by domain */
static int sg_snap_cmp(const void *a, const void *b)
{
	return strcmp(((const sg_snap_member *) a)->domain,
		      ((const sg_snap_member *) b)->domain);
}

/* sg_snap_split - parent directory and last component of dir */
static void sg_snap_split(const char *dir, char *parent, size_t psize,
			  char *name, size_t nsize)
{
	const char *slash = strrchr(dir, '/');

	if (slash == NULL) {
		snprintf(parent, psize, ".");
		snprintf(name, nsize, "%s", dir);
	} else if (slash == dir) {
		snprintf(parent, psize, "/");
		snprintf(name, nsize, "%s", slash + 1);
	} else {
		snprintf(parent, psize, "%.*s", (int) (slash - dir), dir);
		snprintf(name, nsize, "%s", slash + 1);
	}
}

/* sg_snap_write_file - DIR/NAME with the bytes, mode 0644, synced */
static sg_status sg_snap_write_file(const char *dir, const char *name,
				    const void *data, size_t len)
{
	char	path[PATH_MAX];
	const char *p = data;
	ssize_t	w;
	int	fd;

	if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, name)
	    >= sizeof(path))
		return sg_status_make(SG_CONFIG, "%s/%s: name too long", dir,
				      name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0644);
	if (fd < 0)
		return sg_status_make(SG_TEMPFAIL, "%s: cannot create: %s",
				      path, strerror(errno));
	(void) fchmod(fd, 0644);
	while (len > 0) {
		if ((w = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		p += w;
		len -= (size_t) w;
	}
	if (len > 0 || fsync(fd) < 0) {
		close(fd);
		return sg_status_make(SG_TEMPFAIL, "%s: cannot write: %s",
				      path, strerror(errno));
	}
	if (close(fd) < 0)
		return sg_status_make(SG_TEMPFAIL, "%s: cannot write: %s",
				      path, strerror(errno));
	return sg_status_ok();
}

/* sg_snap_sync_dir - fsync a directory */
static void sg_snap_sync_dir(const char *dir)
{
	int	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void) fsync(fd);
		close(fd);
	}
}

/* sg_snap_remove_tree - remove a snapshot directory (two levels) */
static bool sg_snap_remove_tree(const char *path, int depth)
{
	char	sub[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	DIR    *d;
	bool	ok = true;

	if ((d = opendir(path)) == NULL)
		return false;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if ((size_t) snprintf(sub, sizeof(sub), "%s/%s", path,
				      de->d_name) >= sizeof(sub)
		    || lstat(sub, &sb) < 0) {
			ok = false;
			continue;
		}
		if (S_ISDIR(sb.st_mode))
			ok &= depth > 0 && sg_snap_remove_tree(sub, depth - 1);
		else if (unlink(sub) < 0)
			ok = false;
	}
	closedir(d);
	return rmdir(path) == 0 && ok;
}

/* sg_snap_read_members - the members file of a snapshot; NULL: none */
static char **sg_snap_read_members(const char *dir, size_t *n, sg_status *st)
{
	char	path[PATH_MAX];
	sg_buf	buf = SG_BUF_INIT;
	char  **list = NULL, *line, *save = NULL;
	struct stat sb;

	*n = 0;
	*st = sg_status_ok();
	snprintf(path, sizeof(path), "%s/%s", dir, SG_LDAPSNAP_MEMBERS);
	if (stat(path, &sb) < 0 && errno == ENOENT)
		return NULL;
	*st = sg_buf_read_file(&buf, path, SG_LDAPSNAP_FILE_MAX);
	if (!sg_status_is_ok(st)) {
		*st = sg_status_make(SG_TEMPFAIL, "%s: cannot read the "
				     "community members", path);
		sg_buf_free(&buf);
		return NULL;
	}
	if (buf.len == 0) {
		sg_buf_free(&buf);
		return NULL;
	}
	for (line = strtok_r((char *) buf.data, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		list = sg_realloc(list, (*n + 1) * sizeof(*list));
		list[(*n)++] = sg_strdup(line);
	}
	sg_buf_free(&buf);
	return list;
}

/* sg_snap_list_free - release a list of strings */
static void sg_snap_list_free(char **list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* sg_snap_in - is s in list? */
static bool sg_snap_in(char *const *list, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* sg_snap_same_file - does DIR/NAME hold exactly data (or both absent)? */
static bool sg_snap_same_file(const char *dir, const char *name,
			      const sg_buf *data)
{
	char	path[PATH_MAX];
	sg_buf	buf = SG_BUF_INIT;
	sg_status st;
	bool	same;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return data->len == 0;
	st = sg_buf_read_file(&buf, path, SG_LDAPSNAP_FILE_MAX);
	same = sg_status_is_ok(&st) && buf.len == data->len
		&& (buf.len == 0 || memcmp(buf.data, data->data, buf.len) == 0);
	sg_buf_free(&buf);
	return same;
}

/* sg_snap_fill - write the in-memory snapshot into the directory tmp */
static sg_status sg_snap_fill(const sg_snap *s, const char *tmp)
{
	char	name[PATH_MAX];
	sg_buf	members = SG_BUF_INIT;
	sg_status st = sg_status_ok();
	size_t	i;

	if ((size_t) snprintf(name, sizeof(name), "%s/%s", tmp,
			      SG_LDAPSNAP_CRLS) >= sizeof(name)
	    || chmod(tmp, 0755) < 0 || mkdir(name, 0755) < 0
	    || chmod(name, 0755) < 0)
		return sg_status_make(SG_TEMPFAIL, "%s: cannot set up the new "
				      "snapshot: %s", tmp, strerror(errno));
	for (i = 0; i < s->ncrls && sg_status_is_ok(&st); i++)
		st = sg_snap_write_file(name, s->crl_names[i],
					s->crl_pem[i].data, s->crl_pem[i].len);
	for (i = 0; i < s->n && sg_status_is_ok(&st); i++) {
		sg_buf_append_str(&members, s->m[i].domain);
		sg_buf_append_str(&members, "\n");
		if (s->m[i].pem.len == 0)
			continue;
		snprintf(name, sizeof(name), "%s.pem", s->m[i].domain);
		st = sg_snap_write_file(tmp, name, s->m[i].pem.data,
					s->m[i].pem.len);
	}
	/* Last: its time is the snapshot's age. */
	if (sg_status_is_ok(&st))
		st = sg_snap_write_file(tmp, SG_LDAPSNAP_MEMBERS,
					members.data ? (void *) members.data
					: (void *) "", members.len);
	if ((size_t) snprintf(name, sizeof(name), "%s/%s", tmp,
			      SG_LDAPSNAP_CRLS) < sizeof(name))
		sg_snap_sync_dir(name);
	sg_snap_sync_dir(tmp);
	sg_buf_free(&members);
	return st;
}

/* sg_snap_compare - fill the counts of sum against the current snapshot */
static sg_status sg_snap_compare(const sg_snap *s, const char *dir,
				 bool exists, sg_ldapsnap_summary *sum,
				 size_t *old_n)
{
	char	path[PATH_MAX], name[PATH_MAX];
	char  **old = NULL;
	sg_status st = sg_status_ok();
	size_t	i, n = 0;

	if (exists) {
		old = sg_snap_read_members(dir, &n, &st);
		if (!sg_status_is_ok(&st))
			return st;
	}
	*old_n = n;
	sum->members = s->n;
	for (i = 0; i < s->n; i++) {
		if (s->m[i].pem.len == 0)
			sum->no_certificate++;
		snprintf(name, sizeof(name), "%s.pem", s->m[i].domain);
		if (!sg_snap_in(old, n, s->m[i].domain))
			sum->added++;
		else if (!sg_snap_same_file(dir, name, &s->m[i].pem))
			sum->changed++;
		else
			sum->unchanged++;
	}
	for (i = 0; i < n; i++) {
		bool	found = false;
		size_t	k;

		for (k = 0; k < s->n && !found; k++)
			found = strcmp(s->m[k].domain, old[i]) == 0;
		if (!found)
			sum->removed++;
	}
	sum->crls = s->ncrls;
	for (i = 0; i < s->ncrls; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, SG_LDAPSNAP_CRLS);
		if (!exists || !sg_snap_same_file(path, s->crl_names[i],
						  s->crl_pem + i))
			sum->crls_refreshed++;
	}
	sg_snap_list_free(old, n);
	return st;
}

/* sg_snap_cleanup - remove older snapshots of NAME in parent but keep */
static void sg_snap_cleanup(const char *parent, const char *name,
			    const char *keep1, const char *keep2)
{
	char	prefix[NAME_MAX + 3], path[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	DIR    *d;

	snprintf(prefix, sizeof(prefix), ".%s.", name);
	if ((d = opendir(parent)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0
		    || strcmp(de->d_name, keep1) == 0
		    || (keep2 != NULL && strcmp(de->d_name, keep2) == 0)
		    || strlen(de->d_name) != strlen(prefix) + 6)
			continue;
		if ((size_t) snprintf(path, sizeof(path), "%s/%s", parent,
				      de->d_name) >= sizeof(path)
		    || lstat(path, &sb) < 0 || !S_ISDIR(sb.st_mode))
			continue;
		if (!sg_snap_remove_tree(path, 1))
			sg_log_warning("ldap sync: %s: cannot remove an old "
				       "snapshot", path);
	}
	closedir(d);
}

/* sg_ldapsnap_write - a new snapshot from res, switched atomically */
sg_status sg_ldapsnap_write(const char *dir, const sg_ldap_result *res,
			    time_t now, bool force, sg_ldapsnap_summary *sum)
{
	char	parent[PATH_MAX], name[NAME_MAX + 1], tmp[PATH_MAX];
	char	link_tmp[PATH_MAX], target[PATH_MAX], *newname;
	sg_snap	s;
	struct stat sb;
	sg_status st;
	size_t	i, old_n = 0;
	bool	exists = false, made = false;
	ssize_t	tl;

	memset(&s, 0, sizeof(s));
	memset(sum, 0, sizeof(*sum));
	if (res->uri != NULL)
		snprintf(sum->uri, sizeof(sum->uri), "%s", res->uri);
	target[0] = '\0';
	sg_snap_split(dir, parent, sizeof(parent), name, sizeof(name));
	if (*name == '\0' || *name == '.')
		return sg_status_make(SG_CONFIG, "[ldap] directory: '%s' must "
				      "name a link in a directory", dir);
	if (lstat(dir, &sb) == 0) {
		if (!S_ISLNK(sb.st_mode))
			return sg_status_make(SG_CONFIG, "%s: exists and is not "
					      "a snapshot link (remove it or "
					      "choose another [ldap] "
					      "directory)", dir);
		exists = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
		tl = readlink(dir, target, sizeof(target) - 1);
		target[tl > 0 ? tl : 0] = '\0';
	} else if (errno != ENOENT) {
		return sg_status_make(SG_TEMPFAIL, "%s: %s", dir,
				      strerror(errno));
	}
	if (stat(parent, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return sg_status_make(SG_CONFIG, "[ldap] directory: %s does not "
				      "exist", parent);

	/* The new set, in memory: CRLs first, for revocation checks. */
	sg_snap_crls(&s, res);
	for (i = 0; i < res->nmembers; i++)
		sg_snap_entry(&s, res->members + i, now);
	if (s.n > 1)
		qsort(s.m, s.n, sizeof(*s.m), sg_snap_cmp);
	sum->skipped = s.skipped;
	st = sg_snap_compare(&s, dir, exists, sum, &old_n);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	if (!force && old_n > 0 && sum->removed * 2 > old_n) {
		st = sg_status_make(SG_TEMPFAIL, "refusing to remove %zu of "
				    "the %zu community members at once (more "
				    "than half; is the directory or the "
				    "filter broken?); run with --force to "
				    "accept", sum->removed,
				    old_n);
		goto cleanup;
	}

	/* Write it beside the current one, then switch the link. */
	if ((size_t) snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", parent, name)
	    >= sizeof(tmp) || mkdtemp(tmp) == NULL) {
		st = sg_status_make(SG_TEMPFAIL, "%s: cannot make a snapshot "
				    "directory: %s", parent, strerror(errno));
		goto cleanup;
	}
	made = true;
	st = sg_snap_fill(&s, tmp);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	newname = strrchr(tmp, '/') + 1;
	if ((size_t) snprintf(link_tmp, sizeof(link_tmp), "%s/.%s.link%ld",
			      parent, name, (long) getpid())
	    >= sizeof(link_tmp)) {
		st = sg_status_make(SG_CONFIG, "%s: name too long", dir);
		goto cleanup;
	}
	(void) unlink(link_tmp);
	if (symlink(newname, link_tmp) < 0 || rename(link_tmp, dir) < 0) {
		st = sg_status_make(SG_TEMPFAIL, "%s: cannot switch to the new "
				    "snapshot: %s", dir, strerror(errno));
		(void) unlink(link_tmp);
		goto cleanup;
	}
	made = false;
	sg_snap_sync_dir(parent);
	sg_snap_cleanup(parent, name, newname,
			*target && strchr(target, '/') == NULL ? target : NULL);

cleanup:
	if (made)
		(void) sg_snap_remove_tree(tmp, 1);
	sg_snap_free(&s);
	return st;
}

/* sg_ldapsnap_summary_format - one line for the log and the terminal */
void	sg_ldapsnap_summary_format(const sg_ldapsnap_summary *sum, char *buf,
				   size_t size)
{
	snprintf(buf, size, "ldap sync%s%s: members %zu (added %zu, changed "
		 "%zu, removed %zu, unchanged %zu), without certificate %zu, "
		 "skipped %zu, CRLs %zu (refreshed %zu)",
		 *sum->uri ? " from " : "", sum->uri, sum->members, sum->added,
		 sum->changed, sum->removed, sum->unchanged,
		 sum->no_certificate, sum->skipped, sum->crls,
		 sum->crls_refreshed);
}

/* sg_ldapsnap_resolve - the snapshot in use; false: none yet */
static bool sg_ldapsnap_resolve(const char *dir, char *real, sg_status *st)
{
	*st = sg_status_ok();
	if (realpath(dir, real) != NULL)
		return true;
	if (errno != ENOENT)
		*st = sg_status_make(SG_TEMPFAIL, "%s: cannot resolve the "
				     "community snapshot: %s", dir,
				     strerror(errno));
	return false;
}

/* sg_ldapsnap_member_in - is canon or a parent in the members file? */
static sg_status sg_ldapsnap_member_in(const char *real, const char *canon,
				       bool *member)
{
	const char *p;
	char  **list;
	sg_status st;
	size_t	n;

	*member = false;
	list = sg_snap_read_members(real, &n, &st);
	for (p = canon; sg_status_is_ok(&st) && p != NULL && !*member;
	     p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL)
		*member = sg_snap_in(list, n, p);
	sg_snap_list_free(list, n);
	return st;
}

/* sg_ldapsnap_find - sg_certdir_find() over the snapshot, fail closed */
sg_status sg_ldapsnap_find(const char *dir, const char *rcpt, char **file)
{
	char	real[PATH_MAX];
	sg_addr	a = SG_ADDR_INIT;
	sg_status st;
	bool	member;

	*file = NULL;
	if (!sg_ldapsnap_resolve(dir, real, &st))
		return st;
	st = sg_certdir_find(real, rcpt, file);
	if (!sg_status_is_ok(&st) || *file != NULL)
		return st;
	st = sg_addr_parse(rcpt, &a);
	if (sg_status_is_ok(&st) && a.domain != NULL) {
		st = sg_ldapsnap_member_in(real, a.domain, &member);
		if (sg_status_is_ok(&st) && member)
			st = sg_status_make(SG_TEMPFAIL, "%s is a community "
					    "member without a usable "
					    "certificate in %s (see the log of "
					    "smimegw-cert sync)", a.domain, dir);
	}
	sg_addr_free(&a);
	return st;
}

/* sg_ldapsnap_member - is domain (or a parent) a community member? */
sg_status sg_ldapsnap_member(const char *dir, const char *domain,
			     bool *member)
{
	char	real[PATH_MAX], *canon = NULL;
	sg_status st;

	*member = false;
	if (!sg_ldapsnap_resolve(dir, real, &st))
		return st;
	st = sg_addr_domain(domain, &canon);
	if (sg_status_is_ok(&st))
		st = sg_ldapsnap_member_in(real, canon, member);
	free(canon);
	return st;
}

/* sg_ldapsnap_age - seconds since the last successful sync */
sg_status sg_ldapsnap_age(const char *dir, time_t now, time_t *age)
{
	char	path[PATH_MAX];
	struct stat sb;

	*age = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, SG_LDAPSNAP_MEMBERS);
	if (stat(path, &sb) < 0)
		return sg_status_make(SG_TEMPFAIL, "%s: no community snapshot "
				      "(never synced?): %s", dir,
				      strerror(errno));
	*age = now > sb.st_mtime ? now - sb.st_mtime : 0;
	return sg_status_ok();
}

/* sg_ldapsnap_staleness - grade an age against max_age */
sg_ldapsnap_grade sg_ldapsnap_staleness(time_t age, time_t max_age)
{
	if (max_age <= 0 || age <= max_age)
		return SG_LDAPSNAP_FRESH;
	if (age <= 2 * max_age)
		return SG_LDAPSNAP_WARNING;
	return SG_LDAPSNAP_CRITICAL;
}

/* sg_ldapsnap_lookup - the local certificate directory, then the snapshot */
sg_status sg_ldapsnap_lookup(const char *cert_dir, const char *snapshot,
			     const char *rcpt, char **file)
{
	sg_status st = sg_certdir_find(cert_dir, rcpt, file);

	if (!sg_status_is_ok(&st) || *file != NULL || snapshot == NULL)
		return st;
	return sg_ldapsnap_find(snapshot, rcpt, file);
}
