/*
 * NAME
 *	sg_certinv 3h
 * SUMMARY
 *	every certificate and CRL the gateway uses, with its state
 * SYNOPSIS
 *	#include "sg_certinv.h"
 *
 *	sg_certinv_where w = { .own_encryption = cfg->certificate, ... };
 *	sg_certinv inv = SG_CERTINV_INIT;
 *	st = sg_certinv_collect(&w, time(NULL), 30, &inv);
 *	... inv.rows[0 .. inv.count-1] ...
 *	sg_certinv_check_result c;
 *	sg_certinv_check(&inv, 30, 7, &c);	... c.state 0..3, c.line ...
 *	sg_certinv_free(&inv);
 * DESCRIPTION
 *	sg_certinv_collect() reads our own certificate files (encryption
 *	and signing: one file with both roles when they are the same),
 *	every NAME.pem of the certificate directory (peer-domain, or
 *	peer-address when NAME has '@'), the trust anchors, the pending
 *	store (sg_certstore(3)) and the CRL directory, one row per
 *	certificate or CRL. A file that cannot be read is a row with
 *	error set. The status of a certificate: "revoked" (listed in a CRL
 *	of crl_dir), "expired", "not yet valid", "untrusted" (a peer or
 *	pending certificate with no valid path to the trust anchors, when
 *	anchors are configured), "expires soon" (fewer than warn_days days
 *	left), else "valid". A CRL's: "expired" past its nextUpdate, else
 *	"valid". days_left is rounded down (-1 from the first second after
 *	notAfter).
 *
 *	sg_certinv_check() is the monitoring verdict (pure, over the rows):
 *	per file of our own and of the certificate directory, the usable
 *	certificate (end entity, valid now, not revoked) that lasts
 *	longest counts; none usable, or an unreadable file, is CRITICAL;
 *	so is fewer than crit days left; fewer than warn days is WARNING.
 *	Each trust anchor counts alone the same way. A CRL past nextUpdate
 *	is CRITICAL. Pending certificates are not counted. c->line is the
 *	status line with perfdata.
 */
#ifndef SG_CERTINV_H
#define SG_CERTINV_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sg_status.h"

typedef struct sg_certinv_where {
	const char *own_encryption;	/* [gateway] certificate */
	const char *own_signing;	/* [signing] certificate, or NULL */
	const char *cert_dir;
	const char *trust_anchors;	/* NULL: none */
	const char *crl_dir;		/* NULL: none */
	const char *pending_dir;	/* NULL: none */
} sg_certinv_where;

typedef struct sg_certinv_row {
	char   *role;			/* own-encryption, peer-domain, crl... */
	char   *file;
	char   *error;			/* the file cannot be read: why */
	bool	crl;			/* a CRL row */
	char   *subject;		/* CRL: issuer */
	char   *emails;			/* ", " separated */
	char   *issuer;
	char   *serial;			/* hex */
	char	fingerprint[65];
	time_t	not_before;		/* CRL: thisUpdate */
	time_t	not_after;		/* CRL: nextUpdate (-1: none) */
	long	days_left;
	char	key[64];		/* "RSA 3072" */
	const char *status;
	bool	usable;			/* end entity for encryption, valid */
	char   *pending_id;		/* pending rows */
} sg_certinv_row;

typedef struct sg_certinv {
	sg_certinv_row *rows;
	size_t	count;
} sg_certinv;

#define SG_CERTINV_INIT { NULL, 0 }

typedef struct sg_certinv_check_result {
	int	state;			/* 0 OK, 1 WARNING, 2 CRITICAL */
	char	line[1024];		/* "SMIMEGW-CERT OK - ... | ..." */
} sg_certinv_check_result;

/* sg_certinv_collect - every certificate and CRL; rows in inv */
sg_status sg_certinv_collect(const sg_certinv_where *w, time_t now,
			     unsigned warn_days, sg_certinv *inv);

/* sg_certinv_file - the rows of one certificate file (show) */
sg_status sg_certinv_file(const char *path, const char *role,
			  const sg_certinv_where *w, time_t now,
			  unsigned warn_days, sg_certinv *inv);

/* sg_certinv_check - the monitoring verdict */
void	sg_certinv_check(const sg_certinv *inv, long warn, long crit,
			 sg_certinv_check_result *c);

/* sg_certinv_free - release every row */
void	sg_certinv_free(sg_certinv *inv);

#endif
