/*
 * NAME
 *	test_capstore 1
 * SUMMARY
 *	unit tests of what partners said they decrypt (sg_capstore)
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sg_capstore.h"
#include "sg_test.h"
#include "sg_testkit.h"

static void test_learn_and_choose(void)
{
	static const sg_cipher_id gcm[] = {SG_CIPHER_AES128_GCM,
					   SG_CIPHER_AES256_GCM};
	static const sg_cipher_id cbc[] = {SG_CIPHER_AES128_CBC};
	const char *dir = sg_testkit_dir();
	sg_cipher_id got[SG_CAPSTORE_MAX];
	size_t	n;
	time_t	when, now = 2000000000;

	/* nothing learned: the configured cipher */
	SG_CHECK(sg_capstore_choose(dir, "b.example", SG_CIPHER_AES256_CBC)
		 == SG_CIPHER_AES256_CBC);
	SG_CHECK(sg_capstore_learn(dir, "b.example", now - 100, gcm, 2, now));
	/* the strongest both support, whatever the partner's order */
	SG_CHECK(sg_capstore_choose(dir, "b.example", SG_CIPHER_AES256_CBC)
		 == SG_CIPHER_AES256_GCM);
	SG_CHECK(sg_capstore_get(dir, "b.example", got, &n, &when));
	SG_CHECK(n == 2 && got[0] == SG_CIPHER_AES128_GCM
		 && when == now - 100);
	/* an older signing time does not replace it, a newer one does */
	SG_CHECK(!sg_capstore_learn(dir, "b.example", now - 200, cbc, 1, now));
	SG_CHECK(sg_capstore_choose(dir, "b.example", SG_CIPHER_AES256_CBC)
		 == SG_CIPHER_AES256_GCM);
	SG_CHECK(sg_capstore_learn(dir, "b.example", now - 50, cbc, 1, now));
	SG_CHECK(sg_capstore_choose(dir, "b.example", SG_CIPHER_AES256_CBC)
		 == SG_CIPHER_AES128_CBC);
	/* a signing time far in the future is ignored */
	SG_CHECK(!sg_capstore_learn(dir, "b.example", now + 3 * 86400, gcm, 2,
				    now));
	SG_CHECK(sg_capstore_choose(dir, "b.example", SG_CIPHER_AES256_CBC)
		 == SG_CIPHER_AES128_CBC);
	/* names that could leave the directory are refused */
	SG_CHECK(!sg_capstore_learn(dir, "../x", now, gcm, 2, now));
	SG_CHECK(!sg_capstore_learn(dir, ".hidden", now, gcm, 2, now));
	SG_CHECK(!sg_capstore_learn(dir, "a/b", now, gcm, 2, now));
	SG_CHECK(!sg_capstore_learn(NULL, "c.example", now, gcm, 2, now));
	/* an unwritable directory: nothing stored, nothing broken */
	SG_CHECK(!sg_capstore_learn("/nonexistent/dir", "c.example", now, gcm,
				    2, now));
}

int	main(void)
{
	SG_RUN(test_learn_and_choose);
	return sg_test_done();
}
