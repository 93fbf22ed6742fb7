/*
 * NAME
 *	sg_status 3
 * SUMMARY
 *	status values
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sg_status.h"

/* sg_status_ok - the success value */
sg_status sg_status_ok(void)
{
	sg_status st;

	st.code = SG_OK;
	st.text[0] = '\0';
	return st;
}

/* sg_status_make - a status with a printf-style sentence */
sg_status sg_status_make(sg_code code, const char *fmt, ...)
{
	sg_status st;
	va_list ap;

	st.code = code;
	va_start(ap, fmt);
	vsnprintf(st.text, sizeof(st.text), fmt, ap);
	va_end(ap);
	return st;
}

/* sg_code_name - short lower-case name of a code, for logs */
const char *sg_code_name(sg_code code)
{
	switch (code) {
	case SG_OK:
		return "ok";
	case SG_REJECT:
		return "reject";
	case SG_TEMPFAIL:
		return "tempfail";
	case SG_CONFIG:
		return "config";
	case SG_INTERNAL:
		return "internal";
	}
	return "unknown";
}
