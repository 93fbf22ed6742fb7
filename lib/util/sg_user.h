/*
 * NAME
 *	sg_user 3h
 * SUMMARY
 *	root becomes the filter's user, or the program stops
 * SYNOPSIS
 *	#include "sg_user.h"
 *
 *	bool changed;
 *	st = sg_user_become("smimegw", &changed);
 * DESCRIPTION
 *	sg_user_become() does nothing (and *changed is false) unless the
 *	process runs as root (real or effective uid 0): a program run by
 *	anyone else acts with that caller's rights. As root it takes the
 *	user's groups (initgroups), group and user id, and checks that
 *	root's rights are gone for good (setuid(0) fails).
 * DIAGNOSTICS
 *	SG_CONFIG when the user does not exist, is root itself, or the
 *	change does not hold; the sentence names the user.
 * SECURITY
 *	The caller must not go on as root on failure: that is the point
 *	(smimegw -n must see what the filter will see, not what root sees).
 */
#ifndef SG_USER_H
#define SG_USER_H

#include <stdbool.h>

#include "sg_status.h"

/* sg_user_become - as root, become user for good; otherwise nothing */
sg_status sg_user_become(const char *user, bool *changed);

#endif
