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

int	main(void)
{
	SG_RUN(test_membership_and_direction);
	SG_RUN(test_outbound_partition);
	SG_RUN(test_inbound_decisions);
	return sg_test_done();
}
