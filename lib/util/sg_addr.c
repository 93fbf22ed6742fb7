/*
 * NAME
 *	sg_addr 3
 * SUMMARY
 *	one normal form for mail addresses and domains
 */
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "sg_addr.h"
#include "sg_mem.h"

/* sg_addr_lower - ASCII lower case in place; other bytes unchanged */
static void sg_addr_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char) (*s - 'A' + 'a');
}

/* sg_addr_has_8bit - any byte outside ASCII? */
static int sg_addr_has_8bit(const char *s)
{
	for (; *s; s++)
		if ((unsigned char) *s >= 0x80)
			return 1;
	return 0;
}

/* sg_addr_check - no empty label, no byte that no domain can hold */
static sg_status sg_addr_check(const char *dom)
{
	const unsigned char *p;

	if (*dom == '\0')
		return sg_status_make(SG_REJECT, "empty domain");
	if (*dom == '.' || strstr(dom, "..") || dom[strlen(dom) - 1] == '.')
		return sg_status_make(SG_REJECT, "domain %s has an empty label",
				      dom);
	/*
	 * No domain holds white space, a control character, a path
	 * separator or an RFC 5322 special: '@' among them, which the IDNA
	 * mapping makes of U+FF20 (then "a@＠.x" would name another domain
	 * each time it is parsed).
	 */
	for (p = (const unsigned char *) dom; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '/' || *p == '\\'
		    || strchr("@()<>,;:\"", *p) != NULL)
			return sg_status_make(SG_REJECT, "domain %s holds a "
					      "character no domain can hold",
					      dom);
	return sg_status_ok();
}

/* sg_addr_domain - the normal form of a domain; caller frees *out */
sg_status sg_addr_domain(const char *domain, char **out)
{
	char   *mapped = NULL;
	size_t	len;
	int	rc;
	sg_status st;

	*out = NULL;
	if (sg_addr_has_8bit(domain)) {
		/* U-labels: UTS #46 maps case and dots, IDNA2008 checks. */
		rc = idn2_to_ascii_8z(domain, &mapped, IDN2_NFC_INPUT
				      | IDN2_NONTRANSITIONAL);
		if (rc == IDN2_MALLOC)
			return sg_status_make(SG_TEMPFAIL, "out of memory in "
					      "libidn2");
		if (rc != IDN2_OK)
			return sg_status_make(SG_REJECT, "domain cannot be "
					      "mapped to an ASCII name "
					      "(IDNA2008): %s",
					      idn2_strerror(rc));
		*out = sg_strdup(mapped);
		idn2_free(mapped);
	} else {
		*out = sg_strdup(domain);
	}
	sg_addr_lower(*out);
	len = strlen(*out);
	if (len > 1 && (*out)[len - 1] == '.')
		(*out)[len - 1] = '\0';		/* an absolute name */
	st = sg_addr_check(*out);
	if (!sg_status_is_ok(&st)) {
		free(*out);
		*out = NULL;
	}
	return st;
}

/* sg_addr_parse - split at the last '@' and normalise the domain */
sg_status sg_addr_parse(const char *addr, sg_addr *a)
{
	const char *at = strrchr(addr, '@');
	sg_status st;

	sg_addr_free(a);
	if (at == NULL) {
		a->local = sg_strdup(addr);
		return sg_status_ok();
	}
	st = sg_addr_domain(at + 1, &a->domain);
	if (!sg_status_is_ok(&st))
		return st;
	a->local = sg_memdup(addr, (size_t) (at - addr) + 1);
	a->local[at - addr] = '\0';
	return sg_status_ok();
}

/* sg_addr_lookup_name - "lower(local)@domain"; NULL without a domain */
char   *sg_addr_lookup_name(const sg_addr *a)
{
	size_t	llen, dlen;
	char   *name;

	if (a->domain == NULL || a->local == NULL)
		return NULL;
	llen = strlen(a->local);
	dlen = strlen(a->domain);
	name = sg_malloc(llen + dlen + 2);
	memcpy(name, a->local, llen);
	name[llen] = '\0';
	sg_addr_lower(name);
	name[llen] = '@';
	memcpy(name + llen + 1, a->domain, dlen + 1);
	return name;
}

/* sg_addr_free - release both parts; the struct can be reused */
void	sg_addr_free(sg_addr *a)
{
	free(a->local);
	free(a->domain);
	a->local = NULL;
	a->domain = NULL;
}
