/*
 * NAME
 *	sg_status 3h
 * SUMMARY
 *	status values: an outcome class and one human sentence
 * SYNOPSIS
 *	#include "sg_status.h"
 *
 *	sg_status st = sg_cms_decrypt(...);
 *	if (st.code != SG_OK)
 *		... st.text ...
 * DESCRIPTION
 *	Library functions return an sg_status by value. The code keeps apart
 *	what the caller must do (bounce, defer, fix the configuration); the
 *	text is one sentence for the log, never message content or key
 *	material. Only programs map codes to sysexits(3) values.
 */
#ifndef SG_STATUS_H
#define SG_STATUS_H

#include <stdbool.h>

typedef enum sg_code {
	SG_OK = 0,
	SG_REJECT,	/* the message is bad or forbidden: bounce */
	SG_TEMPFAIL,	/* temporary trouble: try again later */
	SG_CONFIG,	/* administrator error */
	SG_INTERNAL,	/* a bug or an impossible library answer */
} sg_code;

#define SG_STATUS_TEXT_MAX 256

typedef struct sg_status {
	sg_code	code;
	char	text[SG_STATUS_TEXT_MAX];
} sg_status;

/* sg_status_ok - the success value */
sg_status sg_status_ok(void);

/* sg_status_make - a status with a printf-style sentence */
sg_status sg_status_make(sg_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* sg_status_is_ok - true for SG_OK */
static inline bool sg_status_is_ok(const sg_status *st)
{
	return st->code == SG_OK;
}

/* sg_code_name - short lower-case name of a code, for logs */
const char *sg_code_name(sg_code code);

#endif
