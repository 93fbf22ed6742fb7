/*
 * NAME
 *	floor-filter 1
 * SUMMARY
 *	the least a filter of smimegw's design does (benchmarks only)
 * SYNOPSIS
 *	floor-filter KEY_FILE -f SENDER -- RECIPIENT...
 * DESCRIPTION
 *	A pipe(8) content filter for tests/bench/bench-lab.sh -F. It is a
 *	process linked with GnuTLS, as every filter of the design card is;
 *	it reads the message from standard input into a memory file, makes
 *	one RSA PKCS#1 v1.5 signature of the message's SHA-256 digest with
 *	the unencrypted PEM key in KEY_FILE through sg_rsasign(3), as
 *	smimegw signs, and then becomes "sendmail -G -i -f SENDER --
 *	RECIPIENT..." with the message, unchanged, on standard input. No
 *	MIME, no certificate, no encryption, no log, no fork. Its rate
 *	against the null filter's is what any smimegw that signs with such
 *	a key can at best reach in the lab.
 * EXIT STATUS
 *	sendmail's; 75 (EX_TEMPFAIL) when anything before it fails.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "sg_rsasign.h"

#define EX_TEMPFAIL	75

/* fail - a reason on stderr, and defer */
static int fail(const char *what)
{
	fprintf(stderr, "floor-filter: %s\n", what);
	return EX_TEMPFAIL;
}

int	main(int argc, char **argv)
{
	gnutls_privkey_t key;
	gnutls_pubkey_t pub;
	gnutls_hash_hd_t hash;
	gnutls_datum_t pem, sig;
	unsigned char buf[65536], digest[32];
	char  **av;
	ssize_t	n;
	sg_status st;
	int	fd, i;

	if (argc < 4)
		return fail("usage: floor-filter KEY_FILE -f SENDER -- RECIPIENT...");
	if ((fd = memfd_create("floor-filter", MFD_CLOEXEC)) < 0
	    || gnutls_hash_init(&hash, GNUTLS_DIG_SHA256) < 0)
		return fail("memfd_create or hash");
	while ((n = read(0, buf, sizeof(buf))) > 0) {
		if (write(fd, buf, (size_t) n) != n)
			return fail("write to the memory file");
		gnutls_hash(hash, buf, (size_t) n);
	}
	if (n < 0)
		return fail("read from standard input");
	gnutls_hash_deinit(hash, digest);
	if (gnutls_load_file(argv[1], &pem) < 0
	    || gnutls_privkey_init(&key) < 0
	    || gnutls_privkey_import_x509_raw(key, &pem, GNUTLS_X509_FMT_PEM,
					      NULL, 0) < 0
	    || gnutls_pubkey_init(&pub) < 0
	    || gnutls_pubkey_import_privkey(pub, key, 0, 0) < 0)
		return fail("cannot load the key");
	st = sg_rsasign(key, pub, GNUTLS_DIG_SHA256, digest, &sig);
	if (!sg_status_is_ok(&st))
		return fail(st.text);
	if (lseek(fd, 0, SEEK_SET) != 0 || dup2(fd, 0) != 0)
		return fail("cannot rewind the message");
	/* sendmail -G -i, then our arguments after KEY_FILE */
	if ((av = calloc((size_t) argc + 2, sizeof(*av))) == NULL)
		return fail("out of memory");
	av[0] = (char *) "sendmail";
	av[1] = (char *) "-G";
	av[2] = (char *) "-i";
	for (i = 2; i < argc; i++)
		av[i + 1] = argv[i];
	execv("/usr/sbin/sendmail", av);
	return fail("cannot execute /usr/sbin/sendmail");
}
