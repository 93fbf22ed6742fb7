/*
 * NAME
 *	test_policy 1
 * SUMMARY
 *	table tests of the pure policy decisions (sg_policy)
 */
#include <string.h>

#include "sg_policy.h"
#include "sg_test.h"

static char *ours[] = {"a.example", "a-corp.example"};

static void test_membership_and_direction(void)
{
	static const struct {
		const char *sender;
		const char *rcpt1, *rcpt2;	/* NULL: fewer recipients */
		bool	null_outbound;
		sg_direction want;
	} cases[] = {
		{"alice@a.example", "x@b.example", NULL, true, SG_DIRECTION_OUTBOUND},
		{"Alice@A.Example", "x@b.example", NULL, true, SG_DIRECTION_OUTBOUND},
		{"bob@dept.a.example", "x@b.example", NULL, true,
		 SG_DIRECTION_OUTBOUND},
		{"x@a-corp.example.", "x@b.example", NULL, true,
		 SG_DIRECTION_OUTBOUND},
		{"x@A-CORP.EXAMPLE.", "x@b.example", NULL, true,
		 SG_DIRECTION_OUTBOUND},
		{"x@a-corp.example..", "x@b.example", NULL, true,
		 SG_DIRECTION_INBOUND},
		{"eve@evila.example", "x@a.example", NULL, true,
		 SG_DIRECTION_INBOUND},
		{"eve@a.example.evil", "x@a.example", NULL, true,
		 SG_DIRECTION_INBOUND},
		{"bob@b.example", "x@a.example", NULL, true, SG_DIRECTION_INBOUND},
		{"\"odd@a.example\"@b.example", "x@a.example", NULL, true,
		 SG_DIRECTION_INBOUND},
		{"no-at-sign", "x@a.example", NULL, true, SG_DIRECTION_INBOUND},
		/* a sender of ours writing to ourselves: outbound, all local */
		{"alice@a.example", "bob@a.example", NULL, true,
		 SG_DIRECTION_OUTBOUND},
		/* bounces: the recipients decide */
		{"", "x@b.example", NULL, true, SG_DIRECTION_OUTBOUND},
		{"", "x@a.example", "y@b.example", true, SG_DIRECTION_OUTBOUND},
		{"", "x@a.example", NULL, true, SG_DIRECTION_INBOUND},
		{"", "x@sub.a.example", "y@a-corp.example", true,
		 SG_DIRECTION_INBOUND},
		{"", "x@b.example", NULL, false, SG_DIRECTION_INBOUND},
		{"", "x@a.example", NULL, false, SG_DIRECTION_INBOUND},
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char   *rcpts[2] = {(char *) cases[i].rcpt1,
		(char *) cases[i].rcpt2};

		SG_CHECK_MSG(sg_policy_direction(cases[i].sender, rcpts,
						 cases[i].rcpt2 ? 2 : 1, ours, 2,
						 cases[i].null_outbound)
			     == cases[i].want, "case %zu (%s)", i,
			     cases[i].sender);
	}
}

/* domain_of: the sg_addr normal form, or false (never a guess) */
static void test_domain_of(void)
{
	static const struct {
		const char *addr;
		const char *want;		/* NULL: false */
	} cases[] = {
		{"bob@b.example", "b.example"},
		{"bob@B.EXAMPLE", "b.example"},
		{"bob@b.example.", "b.example"},
		{"Bob@B.Example.", "b.example"},
		{"bob@b.example..", NULL},
		{"bob@.b.example", NULL},
		{"bob@b..example", NULL},
		{"bob@", NULL},
		{"bob@.", NULL},
		{"no-at-sign", NULL},
		{"\"x@y\"@b.example", "b.example"},
		{"bob@b\xc3\xbc" "cher.example", "xn--bcher-kva.example"},
		{"bob@B\xc3\x9c" "CHER.Example.", "xn--bcher-kva.example"},
		{"bob@xn--bcher-kva.example", "xn--bcher-kva.example"},
		{"bob@XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example"},
		/* bad UTF-8, a disallowed code point (U+2603) */
		{"bob@b\xc3" "cher.example", NULL},
		{"bob@\xe2\x98\x83.example", NULL},
	};
	char	buf[256];
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool	got = sg_policy_domain_of(cases[i].addr, buf, sizeof(buf));

		SG_CHECK_MSG(got == (cases[i].want != NULL), "case %zu (%s)",
			     i, cases[i].addr);
		if (got && cases[i].want)
			SG_CHECK_MSG(strcmp(buf, cases[i].want) == 0,
				     "case %zu: %s", i, buf);
	}
	/* too small a buffer is false, not a cut-off domain */
	SG_CHECK(!sg_policy_domain_of("bob@b.example", buf, 9));
	SG_CHECK(sg_policy_domain_of("bob@b.example", buf, 10));
}

/* direction with the address forms of issue 7 (case, dot, UTF-8) */
static void test_direction_address_forms(void)
{
	static char *ours_idn[] = {"a.example", "xn--bcher-kva.example"};
	static const struct {
		const char *sender;
		const char *rcpt;
		sg_direction want;
	} cases[] = {
		{"alice@A.EXAMPLE.", "x@b.example", SG_DIRECTION_OUTBOUND},
		{"alice@b\xc3\xbc" "cher.example", "x@b.example",
		 SG_DIRECTION_OUTBOUND},
		{"alice@dept.B\xc3\x9c" "CHER.example.", "x@b.example",
		 SG_DIRECTION_OUTBOUND},
		{"alice@xn--bcher-kva.example", "x@b.example",
		 SG_DIRECTION_OUTBOUND},
		{"eve@b\xc3" "cher.example", "x@a.example",
		 SG_DIRECTION_INBOUND},
		/* a bounce to a partner's UTF-8 or unmappable domain goes out */
		{"", "x@b\xc3\xbc" "cher.example", SG_DIRECTION_INBOUND},
		{"", "x@c\xc3\xbc.example", SG_DIRECTION_OUTBOUND},
		{"", "x@c\xc3.example", SG_DIRECTION_OUTBOUND},
		{"", "x@a.example.", SG_DIRECTION_INBOUND},
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char   *rcpts[1] = {(char *) cases[i].rcpt};

		SG_CHECK_MSG(sg_policy_direction(cases[i].sender, rcpts, 1,
						 ours_idn, 2, true)
			     == cases[i].want, "case %zu (%s)", i,
			     cases[i].sender);
	}
}

/* plan - run sg_policy_outbound on a table row */
static void plan(const sg_policy_rcpt *r, size_t n, sg_mixed_policy m,
		 sg_policy_plan *p, sg_policy_copy *copies, size_t *copy_of)
{
	p->copies = copies;
	p->copy_of = copy_of;
	sg_policy_outbound(r, n, m, p);
}

static void test_outbound_partition(void)
{
	sg_policy_copy copies[8];
	size_t	copy_of[8];
	sg_policy_plan p;

	/* two at b.example share one copy; c.example gets its own */
	{
		sg_policy_rcpt r[] = {{false, "/c/b.example.pem"},
		{false, "/c/c.example.pem"}, {false, "/c/b.example.pem"}};

		plan(r, 3, SG_MIXED_SPLIT, &p, copies, copy_of);
		SG_CHECK(!p.reject && p.ncopies == 2);
		SG_CHECK(copies[0].encrypt && copies[1].encrypt);
		SG_CHECK(copy_of[0] == 0 && copy_of[2] == 0 && copy_of[1] == 1);
	}
	/* mixed, split: one encrypted and one plain copy */
	{
		sg_policy_rcpt r[] = {{false, NULL}, {false, "/c/b.example.pem"}};

		plan(r, 2, SG_MIXED_SPLIT, &p, copies, copy_of);
		SG_CHECK(!p.reject && p.ncopies == 2);
		SG_CHECK(copies[copy_of[1]].encrypt);
		SG_CHECK(!copies[copy_of[0]].encrypt);
	}
	/* mixed, reject: refused as a whole, no copy at all */
	{
		sg_policy_rcpt r[] = {{false, NULL}, {false, "/c/b.example.pem"}};

		plan(r, 2, SG_MIXED_REJECT, &p, copies, copy_of);
		SG_CHECK(p.reject && p.ncopies == 0);
	}
	/* reject does not count our own domain's recipients as mixed */
	{
		sg_policy_rcpt r[] = {{true, NULL}, {false, "/c/b.example.pem"}};

		plan(r, 2, SG_MIXED_REJECT, &p, copies, copy_of);
		SG_CHECK(!p.reject && p.ncopies == 2);
	}
	/* a local recipient is never encrypted, even with a certificate */
	{
		sg_policy_rcpt r[] = {{true, "/c/a.example.pem"}};

		plan(r, 1, SG_MIXED_REJECT, &p, copies, copy_of);
		SG_CHECK(!p.reject && p.ncopies == 1 && !copies[0].encrypt);
	}
	/* nobody has a certificate: one plain copy, even with reject */
	{
		sg_policy_rcpt r[] = {{false, NULL}, {false, NULL}};

		plan(r, 2, SG_MIXED_REJECT, &p, copies, copy_of);
		SG_CHECK(!p.reject && p.ncopies == 1 && !copies[0].encrypt);
		SG_CHECK(copy_of[0] == 0 && copy_of[1] == 0);
	}
}

static void test_inbound_decisions(void)
{
	static const struct {
		sg_policy_inbound_facts f;
		sg_decrypt_failure fail;
		sg_desktop_policy desk;
		sg_inbound_action want;
	} cases[] = {
		/* encrypted readable for_us decrypted key_trouble */
		{{false, false, false, false, false}, SG_DECRYPT_FAILURE_BOUNCE,
		 SG_DESKTOP_REJECT, SG_INBOUND_RELAY},
		{{true, true, true, true, false}, SG_DECRYPT_FAILURE_BOUNCE,
		 SG_DESKTOP_PASS, SG_INBOUND_DELIVER_DECRYPTED},
		{{true, true, true, false, false}, SG_DECRYPT_FAILURE_BOUNCE,
		 SG_DESKTOP_PASS, SG_INBOUND_BOUNCE},
		{{true, true, true, false, false}, SG_DECRYPT_FAILURE_DEFER,
		 SG_DESKTOP_PASS, SG_INBOUND_DEFER},
		{{true, false, false, false, false}, SG_DECRYPT_FAILURE_BOUNCE,
		 SG_DESKTOP_PASS, SG_INBOUND_BOUNCE},
		{{true, false, false, false, false}, SG_DECRYPT_FAILURE_DEFER,
		 SG_DESKTOP_PASS, SG_INBOUND_DEFER},
		{{true, true, false, false, false}, SG_DECRYPT_FAILURE_BOUNCE,
		 SG_DESKTOP_PASS, SG_INBOUND_RELAY},
		{{true, true, false, false, false}, SG_DECRYPT_FAILURE_DEFER,
		 SG_DESKTOP_REJECT, SG_INBOUND_BOUNCE},
		{{true, false, false, false, true}, SG_DECRYPT_FAILURE_BOUNCE,
		 SG_DESKTOP_PASS, SG_INBOUND_DEFER},
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		SG_CHECK_MSG(sg_policy_inbound(&cases[i].f, cases[i].fail,
					       cases[i].desk) == cases[i].want,
			     "case %zu", i);
}

static void test_signer_identity(void)
{
	static char *dsa_b[] = {"domain-signing-authority@b.example"};
	static char *dca_b[] = {"Domain-Confidentiality-Authority@B.Example."};
	static char *smg_b[] = {"smg_encryptor@b.example"};
	static char *dsa_sub[] = {"domain-signing-authority@dept.b.example"};
	static char *dsa_c[] = {"domain-signing-authority@c.example"};
	static char *dsa_evil[] = {"domain-signing-authority@evilb.example"};
	static char *alice[] = {"bob@b.example", "alice@b.example"};
	static char *none[] = {NULL};
	static const struct {
		char  **emails;
		size_t	n;
		const char *from, *sender;
		sg_signer_identity want;
		const char *identity;
	} cases[] = {
		{dsa_b, 1, "bob@b.example", NULL, SG_SIGNER_DOMAIN,
		 "domain-signing-authority@b.example"},
		{dca_b, 1, "bob@b.example", NULL, SG_SIGNER_DOMAIN,
		 "Domain-Confidentiality-Authority@B.Example."},
		{smg_b, 1, "bob@b.example", NULL, SG_SIGNER_DOMAIN,
		 "smg_encryptor@b.example"},
		/* a parent domain's signer speaks for its subdomains */
		{dsa_b, 1, "x@dept.b.example", NULL, SG_SIGNER_DOMAIN,
		 "domain-signing-authority@b.example"},
		/* not the other way round, nor a look-alike, nor another */
		{dsa_sub, 1, "bob@b.example", NULL, SG_SIGNER_DOMAIN_MISMATCH,
		 "domain-signing-authority@dept.b.example"},
		{dsa_evil, 1, "bob@b.example", NULL, SG_SIGNER_DOMAIN_MISMATCH,
		 "domain-signing-authority@evilb.example"},
		{dsa_c, 1, "bob@b.example", NULL, SG_SIGNER_DOMAIN_MISMATCH,
		 "domain-signing-authority@c.example"},
		{dsa_b, 1, NULL, NULL, SG_SIGNER_DOMAIN_MISMATCH,
		 "domain-signing-authority@b.example"},
		/* originators: From: or Sender: must be one of the addresses */
		{alice, 2, "alice@b.example", NULL, SG_SIGNER_ORIGINATOR,
		 "alice@b.example"},
		{alice, 2, "Alice@B.EXAMPLE.", NULL, SG_SIGNER_ORIGINATOR,
		 "alice@b.example"},
		{alice, 2, "carol@b.example", "bob@b.example",
		 SG_SIGNER_ORIGINATOR, "bob@b.example"},
		{alice, 2, "carol@b.example", NULL,
		 SG_SIGNER_ORIGINATOR_MISMATCH, "bob@b.example"},
		{alice, 2, "ALICE@b.example", NULL, SG_SIGNER_ORIGINATOR,
		 "alice@b.example"},
		/* a certificate without addresses: nothing to compare */
		{none, 0, "carol@b.example", NULL, SG_SIGNER_ORIGINATOR, NULL},
	};
	const char *id;
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		sg_signer_identity got = sg_policy_signer(cases[i].emails,
							  cases[i].n,
							  cases[i].from,
							  cases[i].sender, &id);

		SG_CHECK_MSG(got == cases[i].want, "case %zu: %d", i, got);
		SG_CHECK_MSG((id == NULL && cases[i].identity == NULL)
			     || (id && cases[i].identity
				 && strcmp(id, cases[i].identity) == 0),
			     "case %zu: identity %s", i, id ? id : "(null)");
	}
}

static void test_partner_policy(void)
{
	static const struct {
		bool	partner, signed_, temp;
		sg_partner_policy policy;
		sg_partner_action want;
	} cases[] = {
		{false, false, false, SG_PARTNER_POLICY_REJECT, SG_PARTNER_DELIVER},
		{true, true, false, SG_PARTNER_POLICY_REJECT, SG_PARTNER_DELIVER},
		{true, false, false, SG_PARTNER_POLICY_TAG, SG_PARTNER_TAG},
		{true, false, false, SG_PARTNER_POLICY_QUARANTINE,
		 SG_PARTNER_QUARANTINE},
		{true, false, false, SG_PARTNER_POLICY_REJECT, SG_PARTNER_REJECT},
		{true, true, true, SG_PARTNER_POLICY_TAG, SG_PARTNER_DEFER},
		{false, false, true, SG_PARTNER_POLICY_TAG, SG_PARTNER_DEFER},
	};
	size_t	i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		sg_policy_sig_facts f = {cases[i].partner, cases[i].signed_,
					 cases[i].temp};

		SG_CHECK_MSG(sg_policy_partner(&f, cases[i].policy)
			     == cases[i].want, "case %zu", i);
	}
}

int	main(void)
{
	SG_RUN(test_membership_and_direction);
	SG_RUN(test_domain_of);
	SG_RUN(test_direction_address_forms);
	SG_RUN(test_outbound_partition);
	SG_RUN(test_inbound_decisions);
	SG_RUN(test_signer_identity);
	SG_RUN(test_partner_policy);
	return sg_test_done();
}
