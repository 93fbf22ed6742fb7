/*
 * NAME
 *	sg_ctype 3
 * SUMMARY
 *	a Content-Type value in its simple form, read without GMime
 * DESCRIPTION
 *	See sg_ctype.h. One pass over the value; every rule that is not met
 *	means "not simple", never a guess.
 */
#include <string.h>
#include <strings.h>

#include "sg_ctype.h"

/* sg_ctype_token - length of the RFC 2045 token at p (0: none) */
size_t	sg_ctype_token(const char *p)
{
	size_t	n = 0;

	while (p[n] > 0x20 && p[n] < 0x7f
	       && strchr("()<>@,;:\\\"/[]?=", p[n]) == NULL)
		n++;
	return n;
}

/* sg_ctype_wsp - skip spaces and tabs */
static const char *sg_ctype_wsp(const char *p)
{
	return p + strspn(p, " \t");
}

/* sg_ctype_same - do two spans hold the same text, in any case? */
static bool sg_ctype_same(const sg_ctype_span *a, const char *b, size_t blen)
{
	return a->len == blen && strncasecmp(a->p, b, blen) == 0;
}

/* sg_ctype_value - a parameter value at p (token or simple quoted) */
static const char *sg_ctype_value(const char *p, sg_ctype_span *v)
{
	size_t	n;

	if (*p != '"') {
		n = sg_ctype_token(p);
		if (n == 0)
			return NULL;
		v->p = p;
		v->len = n;
		return p + n;
	}
	for (n = 1; p[n] != '"'; n++)
		if (p[n] < 0x20 || p[n] > 0x7e || p[n] == '\\')
			return NULL;	/* the end, a control, an escape */
	v->p = p + 1;
	v->len = n - 1;
	if (memmem(v->p, v->len, "=?", 2) != NULL)
		return NULL;		/* GMime decodes encoded-words */
	return p + n + 1;
}

/* sg_ctype_parse - value in the simple form into ct; false if not */
bool	sg_ctype_parse(const char *value, sg_ctype *ct)
{
	const char *p = sg_ctype_wsp(value);
	sg_ctype_span name, v;
	size_t	i;

	memset(ct, 0, sizeof(*ct));
	ct->type.p = p;
	ct->type.len = sg_ctype_token(p);
	if (ct->type.len == 0 || p[ct->type.len] != '/')
		return false;
	p += ct->type.len + 1;
	ct->sub.p = p;
	ct->sub.len = sg_ctype_token(p);
	if (ct->sub.len == 0)
		return false;
	p = sg_ctype_wsp(p + ct->sub.len);
	while (*p == ';') {
		p = sg_ctype_wsp(p + 1);
		if (*p == '\0')
			break;			/* a ";" at the end */
		name.p = p;
		name.len = sg_ctype_token(p);
		if (name.len == 0 || memchr(name.p, '*', name.len) != NULL
		    || p[name.len] != '=')
			return false;
		if ((p = sg_ctype_value(p + name.len + 1, &v)) == NULL)
			return false;
		for (i = 0; i < ct->nparams; i++)
			if (sg_ctype_same(&ct->name[i], name.p, name.len))
				return false;	/* named twice */
		if (ct->nparams == SG_CTYPE_MAX_PARAMS)
			return false;
		ct->name[ct->nparams] = name;
		ct->value[ct->nparams++] = v;
		p = sg_ctype_wsp(p);
	}
	return *p == '\0';
}

/* sg_ctype_is - type/sub, in any case; sub "*" matches any */
bool	sg_ctype_is(const sg_ctype *ct, const char *type, const char *sub)
{
	return sg_ctype_same(&ct->type, type, strlen(type))
		&& (strcmp(sub, "*") == 0
		    || sg_ctype_same(&ct->sub, sub, strlen(sub)));
}

/* sg_ctype_param - parameter name's value into buf; false if none/too long */
bool	sg_ctype_param(const sg_ctype *ct, const char *name, char *buf,
		       size_t size)
{
	size_t	i;

	for (i = 0; i < ct->nparams; i++) {
		if (!sg_ctype_same(&ct->name[i], name, strlen(name)))
			continue;
		if (ct->value[i].len >= size)
			return false;
		memcpy(buf, ct->value[i].p, ct->value[i].len);
		buf[ct->value[i].len] = '\0';
		return true;
	}
	return false;
}
