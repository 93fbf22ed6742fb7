/*
 * NAME
 *	sg_capstore 3h
 * SUMMARY
 *	what each partner said it can decrypt (SMIMECapabilities)
 * SYNOPSIS
 *	#include "sg_capstore.h"
 *
 *	sg_capstore_learn(state_dir, "b.example", signing_time, caps, n, now);
 *	cipher = sg_capstore_choose(state_dir, "b.example", cfg->cipher);
 * DESCRIPTION
 *	RFC 8551 section 2.7.1: a receiving agent remembers the
 *	SMIMECapabilities of a VERIFIED signature (the caller's duty), and
 *	a newer signing time replaces an older entry; a signing time more
 *	than a day in the future is ignored. One small file per partner,
 *	STATE_DIR/caps/NAME ("time=EPOCH caps=aes256-gcm,..."), written
 *	atomically (temporary file, then rename).
 *
 *	sg_capstore_choose() gives the strongest cipher both sides support
 *	(AES-256-GCM, AES-128-GCM, AES-256-CBC, AES-128-CBC, in that order)
 *	or, with nothing learned, fallback.
 *
 *	NAME is a domain or an address in normal form; names that could
 *	leave the directory are refused.
 * DIAGNOSTICS
 *	sg_capstore_learn() returns false when nothing was stored (older,
 *	future, or the directory cannot be written); the mail is never
 *	affected.
 */
#ifndef SG_CAPSTORE_H
#define SG_CAPSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sg_cipher.h"

#define SG_CAPSTORE_MAX	16

bool	sg_capstore_learn(const char *state_dir, const char *name,
			  time_t signing_time, const sg_cipher_id *caps,
			  size_t ncaps, time_t now);

/* sg_capstore_get - the learned list; false when none */
bool	sg_capstore_get(const char *state_dir, const char *name,
			sg_cipher_id *caps, size_t *ncaps, time_t *when);

sg_cipher_id sg_capstore_choose(const char *state_dir, const char *name,
				sg_cipher_id fallback);

#endif
