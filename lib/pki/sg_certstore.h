/*
 * NAME
 *	sg_certstore 3h
 * SUMMARY
 *	write, append and remove certificate files; the pending store
 * SYNOPSIS
 *	#include "sg_certstore.h"
 *
 *	st = sg_certstore_put(cert_dir, "b.example", crts, n,
 *			      SG_CERTSTORE_APPEND, &path);
 *	st = sg_certstore_remove(cert_dir, "b.example", &path);
 *
 *	char *id = NULL;
 *	st = sg_certstore_pending_add(pending_dir, "b.example",
 *				      "signed mail <id@b.example>", now,
 *				      crts, n, &id);
 *	sg_certstore_pending *list; size_t count;
 *	st = sg_certstore_pending_list(pending_dir, &list, &count);
 *	sg_certstore_pending_free(list, count);
 *	st = sg_certstore_pending_approve(pending_dir, cert_dir, id, now,
 *					  force, &path);
 *	st = sg_certstore_pending_reject(pending_dir, id);
 * DESCRIPTION
 *	sg_certstore_write() replaces DIR/NAME atomically: a temporary file
 *	in DIR (O_EXCL, the given mode), written, fsync(2)ed, renamed over
 *	NAME, then DIR is fsynced. A reader sees the old file or the new,
 *	never a part. The temporary file is removed on every failure.
 *
 *	sg_certstore_put() writes crts as PEM to DIR/NAME.pem (mode 0644).
 *	With SG_CERTSTORE_APPEND the certificates already in the file are
 *	kept first (rollover: old and new side by side; the filter encrypts
 *	to every usable one) and a certificate already present (same DER)
 *	is not added twice; without it the file is replaced. *path (when
 *	not NULL) receives the file's path; the caller frees it.
 *	sg_certstore_remove() removes DIR/NAME.pem.
 *
 *	The pending store is a directory of certificates waiting for an
 *	administrator: ID.pem (the certificates, PEM, 0644) and ID.meta
 *	(0644) with lines "domain: D", "source: TEXT", "received: EPOCH",
 *	"fingerprint: HEX" (SHA-256 of the first certificate). ID is the
 *	first 16 hex digits of that fingerprint, so the same certificate
 *	harvested twice is one entry (the second add replaces the meta
 *	data). sg_certstore_pending_list() returns the entries, oldest
 *	first; approve appends the certificates to cert_dir/DOMAIN.pem
 *	(after sg_certcheck_peer() against DOMAIN: problems refuse unless
 *	force) and removes the entry; reject removes it. A name or id that
 *	could leave its directory ('/', a leading '.') is refused.
 * DIAGNOSTICS
 *	SG_CONFIG naming the file for write errors (permission, a missing
 *	directory, a full disk), SG_REJECT for an unknown id, a bad name or
 *	(approve) a certificate that fails the checks; the text is one
 *	sentence naming the file.
 * SECURITY
 *	Nothing here creates directories: a directory's mode is the
 *	administrator's. Files are created with the mode given, whatever
 *	the umask asks for beyond it (fchmod).
 */
#ifndef SG_CERTSTORE_H
#define SG_CERTSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include <gnutls/x509.h>

#include "sg_status.h"

#define SG_CERTSTORE_APPEND	(1u << 0)
#define SG_CERTSTORE_ID_LEN	16

typedef struct sg_certstore_pending {
	char   *id;			/* 16 hex digits */
	char   *domain;			/* normal form */
	char   *source;			/* one line, free text */
	time_t	received;
	char   *fingerprint;		/* SHA-256, hex */
	char   *cert_path;		/* PENDING_DIR/ID.pem */
} sg_certstore_pending;

/* sg_certstore_write - atomic replace of dir/name with data */
sg_status sg_certstore_write(const char *dir, const char *name,
			     const void *data, size_t len, mode_t mode);

/* sg_certstore_put - DIR/NAME.pem from crts, replaced or appended */
sg_status sg_certstore_put(const char *dir, const char *name,
			   const gnutls_x509_crt_t *crts, size_t n,
			   unsigned flags, char **path);

/* sg_certstore_remove - unlink DIR/NAME.pem */
sg_status sg_certstore_remove(const char *dir, const char *name,
			      char **path);

/* sg_certstore_pending_add - store crts for the administrator */
sg_status sg_certstore_pending_add(const char *pending_dir,
				   const char *domain, const char *source,
				   time_t received,
				   const gnutls_x509_crt_t *crts, size_t n,
				   char **id);

/* sg_certstore_pending_list - every entry, oldest first */
sg_status sg_certstore_pending_list(const char *pending_dir,
				    sg_certstore_pending **entries,
				    size_t *count);

/* sg_certstore_pending_get - one entry by id */
sg_status sg_certstore_pending_get(const char *pending_dir, const char *id,
				   sg_certstore_pending *entry);

/* sg_certstore_pending_approve - move an entry into cert_dir */
sg_status sg_certstore_pending_approve(const char *pending_dir,
				       const char *cert_dir, const char *id,
				       time_t now, bool force, char **path);

/* sg_certstore_pending_reject - drop an entry */
sg_status sg_certstore_pending_reject(const char *pending_dir,
				      const char *id);

/* sg_certstore_pending_clear - release one entry's fields */
void	sg_certstore_pending_clear(sg_certstore_pending *entry);

/* sg_certstore_pending_free - release a list */
void	sg_certstore_pending_free(sg_certstore_pending *entries,
				  size_t count);

#endif
