/*
 * NAME
 *	sg_policy 3
 * SUMMARY
 *	what happens to a message: pure decisions over plain data
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sg_addr.h"
#include "sg_policy.h"

/* sg_policy_domain_of - normal domain of an address (sg_addr) */
bool	sg_policy_domain_of(const char *addr, char *buf, size_t size)
{
	char   *dom = NULL;
	const char *at = strrchr(addr, '@');
	sg_status st;
	bool	fits;

	if (at == NULL)
		return false;
	st = sg_addr_domain(at + 1, &dom);
	if (!sg_status_is_ok(&st))
		return false;
	fits = strlen(dom) < size;
	if (fits)
		memcpy(buf, dom, strlen(dom) + 1);
	free(dom);
	return fits;
}

/* sg_policy_member - RFC 3183: equal, or a subdomain */
bool	sg_policy_member(const char *domain, char *const *domains, size_t n)
{
	size_t	dlen = strlen(domain);
	size_t	i, len;

	for (i = 0; i < n; i++) {
		len = strlen(domains[i]);
		if (dlen == len && strcmp(domain, domains[i]) == 0)
			return true;
		if (dlen > len && domain[dlen - len - 1] == '.'
		    && strcmp(domain + dlen - len, domains[i]) == 0)
			return true;
	}
	return false;
}

/* sg_policy_is_ours - is the address in one of our domains? */
static bool sg_policy_is_ours(const char *addr, char *const *domains,
			      size_t ndomains)
{
	char	dom[256];

	return sg_policy_domain_of(addr, dom, sizeof(dom))
		&& sg_policy_member(dom, domains, ndomains);
}

/* sg_policy_direction - outbound when the sender (or a bounce) is ours */
sg_direction sg_policy_direction(const char *sender, char *const *rcpts,
				 size_t nrcpts, char *const *domains,
				 size_t ndomains, bool null_sender_outbound)
{
	size_t	i;

	if (sender[0] != '\0')
		return sg_policy_is_ours(sender, domains, ndomains)
			? SG_DIRECTION_OUTBOUND : SG_DIRECTION_INBOUND;
	if (!null_sender_outbound)
		return SG_DIRECTION_INBOUND;
	for (i = 0; i < nrcpts; i++)
		if (!sg_policy_is_ours(rcpts[i], domains, ndomains))
			return SG_DIRECTION_OUTBOUND;
	return SG_DIRECTION_INBOUND;
}

/* sg_policy_outbound - partition recipients into copies */
void	sg_policy_outbound(const sg_policy_rcpt *rcpts, size_t n,
			   sg_mixed_policy mixed, sg_policy_plan *plan)
{
	size_t	i, c;
	bool	any_encrypted = false;
	bool	any_plain_remote = false;
	bool	any_plain = false;
	size_t	plain_copy = 0;

	plan->reject = false;
	plan->ncopies = 0;
	for (i = 0; i < n; i++) {
		if (rcpts[i].local || rcpts[i].cert_file == NULL) {
			any_plain = true;
			any_plain_remote |= !rcpts[i].local;
			continue;
		}
		any_encrypted = true;
		for (c = 0; c < plan->ncopies; c++)
			if (strcmp(plan->copies[c].cert_file,
				   rcpts[i].cert_file) == 0)
				break;
		if (c == plan->ncopies) {
			plan->copies[c].encrypt = true;
			plan->copies[c].cert_file = rcpts[i].cert_file;
			plan->ncopies++;
		}
		plan->copy_of[i] = c;
	}
	if (any_encrypted && any_plain_remote && mixed == SG_MIXED_REJECT) {
		plan->reject = true;
		plan->ncopies = 0;
		return;
	}
	if (any_plain) {
		plain_copy = plan->ncopies++;
		plan->copies[plain_copy].encrypt = false;
		plan->copies[plain_copy].cert_file = NULL;
		for (i = 0; i < n; i++)
			if (rcpts[i].local || rcpts[i].cert_file == NULL)
				plan->copy_of[i] = plain_copy;
	}
}

/* sg_policy_inbound - decide for one inbound message */
sg_inbound_action sg_policy_inbound(const sg_policy_inbound_facts *facts,
				    sg_decrypt_failure on_failure,
				    sg_desktop_policy desktop)
{
	if (!facts->encrypted)
		return SG_INBOUND_RELAY;
	if (facts->key_trouble)
		return SG_INBOUND_DEFER;	/* we cannot even tell */
	if (facts->decrypted)
		return SG_INBOUND_DELIVER_DECRYPTED;
	/*
	 * Fail closed: ciphertext that may be addressed to us (or whose
	 * structure we cannot read) is never relayed as it is.
	 */
	if (facts->for_us || !facts->readable)
		return on_failure == SG_DECRYPT_FAILURE_DEFER
			? SG_INBOUND_DEFER : SG_INBOUND_BOUNCE;
	/* S/MIME for someone else: a desktop user's own encryption. */
	return desktop == SG_DESKTOP_REJECT ? SG_INBOUND_BOUNCE
		: SG_INBOUND_RELAY;
}

/* sg_policy_local_is - the local part of addr, compared without case */
static bool sg_policy_local_is(const char *addr, const char *local)
{
	const char *at = strrchr(addr, '@');

	return at != NULL && (size_t) (at - addr) == strlen(local)
		&& strncasecmp(addr, local, strlen(local)) == 0;
}

/* sg_policy_same_address - equal addresses: domains in normal form */
static bool sg_policy_same_address(const char *a, const char *b)
{
	const char *at_a = strrchr(a, '@'), *at_b = strrchr(b, '@');
	char	da[256], db[256];

	if (at_a == NULL || at_b == NULL || at_a - a != at_b - b
	    || strncasecmp(a, b, (size_t) (at_a - a)) != 0)
		return false;
	return sg_policy_domain_of(a, da, sizeof(da))
		&& sg_policy_domain_of(b, db, sizeof(db))
		&& strcmp(da, db) == 0;
}

/* sg_policy_signer - RFC 3183 domain signature, or an originator's */
sg_signer_identity sg_policy_signer(char *const *emails, size_t n,
				    const char *from_addr,
				    const char *sender_addr,
				    const char **identity)
{
	static const char *const authorities[] = {
		"domain-signing-authority", "domain-confidentiality-authority",
		"smg_encryptor",
	};
	char	from_dom[256], dom[256];
	char   *one[1];
	bool	domain_sig = false;
	size_t	i, k;

	*identity = NULL;
	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof(authorities) / sizeof(*authorities); k++)
			if (sg_policy_local_is(emails[i], authorities[k]))
				break;
		if (k == sizeof(authorities) / sizeof(*authorities))
			continue;
		domain_sig = true;
		if (*identity == NULL)
			*identity = emails[i];
		/* the signer's domain equals From:'s, or is a parent of it */
		one[0] = dom;
		if (from_addr != NULL
		    && sg_policy_domain_of(from_addr, from_dom,
					   sizeof(from_dom))
		    && sg_policy_domain_of(emails[i], dom, sizeof(dom))
		    && sg_policy_member(from_dom, one, 1)) {
			*identity = emails[i];
			return SG_SIGNER_DOMAIN;
		}
	}
	if (domain_sig)
		return SG_SIGNER_DOMAIN_MISMATCH;
	if (n == 0)
		return SG_SIGNER_ORIGINATOR;	/* RFC 8550 3: when it has one */
	for (i = 0; i < n; i++) {
		if ((from_addr && sg_policy_same_address(emails[i], from_addr))
		    || (sender_addr
			&& sg_policy_same_address(emails[i], sender_addr))) {
			*identity = emails[i];
			return SG_SIGNER_ORIGINATOR;
		}
	}
	*identity = emails[0];
	return SG_SIGNER_ORIGINATOR_MISMATCH;
}

/* sg_policy_partner - partner_policy for mail without a domain signature */
sg_partner_action sg_policy_partner(const sg_policy_sig_facts *facts,
				    sg_partner_policy policy)
{
	if (facts->temperror)
		return SG_PARTNER_DEFER;
	if (!facts->from_partner || facts->domain_signed)
		return SG_PARTNER_DELIVER;
	switch (policy) {
	case SG_PARTNER_POLICY_QUARANTINE:
		return SG_PARTNER_QUARANTINE;
	case SG_PARTNER_POLICY_REJECT:
		return SG_PARTNER_REJECT;
	case SG_PARTNER_POLICY_TAG:
		break;
	}
	return SG_PARTNER_TAG;
}
