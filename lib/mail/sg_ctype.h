/*
 * NAME
 *	sg_ctype 3h
 * SUMMARY
 *	a Content-Type value in its simple form, read without GMime
 * SYNOPSIS
 *	#include "sg_ctype.h"
 *
 *	sg_ctype ct;
 *	if (sg_ctype_parse(value, &ct)
 *	    && sg_ctype_is(&ct, "application", "pkcs7-mime")
 *	    && sg_ctype_param(&ct, "smime-type", buf, sizeof(buf))) ...
 * DESCRIPTION
 *	GMime costs about 2 ms to load; most messages never need it
 *	(sg_mime_plain_top). sg_ctype_parse() reads the unfolded value of
 *	a Content-Type field (line ends removed) when it has this simple
 *	form, and says false for anything else, for which the caller asks
 *	GMime (g_mime_content_type_parse) as before:
 *
 *	    [WSP] token "/" token [WSP] *(";" [WSP] name "=" value [WSP])
 *	    [";" [WSP]]
 *
 *	token is an RFC 2045 token; name is a token without "*" (no RFC 2231
 *	continuations or charsets); value is a token, or a quoted-string of
 *	printable ASCII and spaces without backslash (no quoted-pairs). Not
 *	simple: comments, a value that holds "=?" (GMime decodes RFC 2047
 *	encoded-words even there), a parameter named twice, more than
 *	SG_CTYPE_MAX_PARAMS parameters, any other byte. Whatever this reads,
 *	GMime reads the same way: the same type, subtype and parameter
 *	values (fuzz_ctype holds the two to that).
 *
 *	The result points into value, which must outlive it.
 *	sg_ctype_is() compares type and subtype without regard to case
 *	("*" as sub matches any subtype). sg_ctype_param() copies the value
 *	of parameter name (any case; quotes removed) into buf, NUL-ended;
 *	false when there is none or it does not fit.
 */
#ifndef SG_CTYPE_H
#define SG_CTYPE_H

#include <stdbool.h>
#include <stddef.h>

#define SG_CTYPE_MAX_PARAMS	16

typedef struct sg_ctype_span {
	const char *p;
	size_t	len;
} sg_ctype_span;

typedef struct sg_ctype {
	sg_ctype_span type;
	sg_ctype_span sub;
	size_t	nparams;
	sg_ctype_span name[SG_CTYPE_MAX_PARAMS];
	sg_ctype_span value[SG_CTYPE_MAX_PARAMS];	/* without quotes */
} sg_ctype;

/* sg_ctype_token - length of the RFC 2045 token at p (0: none) */
size_t	sg_ctype_token(const char *p);

/* sg_ctype_parse - value in the simple form into ct; false if not */
bool	sg_ctype_parse(const char *value, sg_ctype *ct);

/* sg_ctype_is - type/sub, in any case; sub "*" matches any */
bool	sg_ctype_is(const sg_ctype *ct, const char *type, const char *sub);

/* sg_ctype_param - parameter name's value into buf; false if none/too long */
bool	sg_ctype_param(const sg_ctype *ct, const char *name, char *buf,
		       size_t size);

#endif
