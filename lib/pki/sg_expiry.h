/*
 * NAME
 *	sg_expiry 3h
 * SUMMARY
 *	warn before our own certificates expire, at most once a day
 * SYNOPSIS
 *	#include "sg_expiry.h"
 *
 *	sg_expiry_warn(crt, "[gateway] certificate", cfg->warn_days,
 *		       cfg->state_dir, time(NULL));
 * DESCRIPTION
 *	When crt expires within warn_days days (or has expired), one
 *	warning line goes to the mail log, naming the certificate, its
 *	subject, serial and the days left, at most once a day per
 *	certificate: a stamp file STATE_DIR/expiry-SERIAL remembers the last
 *	warning by its modification time. When the state directory cannot be
 *	written the warning is given anyway (better twice than never).
 *	warn_days 0 turns the warning off.
 */
#ifndef SG_EXPIRY_H
#define SG_EXPIRY_H

#include <stdbool.h>
#include <time.h>

#include <gnutls/x509.h>

/* sg_expiry_warn - log a warning when crt expires soon; true if logged */
bool	sg_expiry_warn(gnutls_x509_crt_t crt, const char *what,
		       unsigned warn_days, const char *state_dir, time_t now);

#endif
