/*
 * NAME
 *	test_certdir 1
 * SUMMARY
 *	unit tests of certificate directory lookup (sg_certdir)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_certdir.h"
#include "sg_test.h"
#include "sg_testkit.h"

static sg_testkit_id gw;
static char dir[600];

/* place - copy the test certificate to DIR/name.pem */
static void place(const char *name)
{
	char	cmd[1600];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/%s.pem'", gw.cert_path, dir, name);
	SG_CHECK(system(cmd) == 0);
}

/* expect_refused - the lookup refuses rcpt for a bounce (SG_REJECT) */
static void expect_refused(const char *rcpt)
{
	char   *file = NULL;
	sg_status st = sg_certdir_find(dir, rcpt, &file);

	SG_CHECK_MSG(st.code == SG_REJECT && file == NULL, "%s: %s %s", rcpt,
		     sg_code_name(st.code), file ? file : "");
	free(file);
}

/* expect - lookup of rcpt gives DIR/want.pem, or nothing when want NULL */
static void expect(const char *rcpt, const char *want)
{
	char   *file = NULL;
	char	path[800];
	sg_status st = sg_certdir_find(dir, rcpt, &file);

	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	if (want == NULL) {
		SG_CHECK_MSG(file == NULL, "%s found %s", rcpt, file);
	} else {
		snprintf(path, sizeof(path), "%s/%s.pem", dir, want);
		SG_CHECK_MSG(file && strcmp(file, path) == 0, "%s: got %s want %s",
			     rcpt, file ? file : "(none)", path);
	}
	free(file);
}

static void test_precedence(void)
{
	place("b.example");
	place("dept.b.example");
	place("carol@c.example");
	place("c.example");
	place("example");
	expect("x@dept.b.example", "dept.b.example");
	expect("x@other.dept.b.example", "dept.b.example");
	expect("x@b.example", "b.example");
	expect("X@B.EXAMPLE", "b.example");
	expect("x@sub.b.example", "b.example");
	expect("carol@c.example", "carol@c.example");
	expect("Carol@C.Example", "carol@c.example");
	expect("dave@c.example", "c.example");
	expect("x@d.example", NULL);		/* never the TLD file */
	expect("x@example", NULL);
	expect("no-domain", NULL);
}

static void test_hostile_names_are_never_opened(void)
{
	place("c.example");
	expect("../../etc/passwd@c.example", "c.example");
	expect("a/b@c.example", "c.example");
	expect("x y@c.example", "c.example");
	expect("", NULL);
	/* a domain that is no domain is refused (bounce), not "no cert" */
	expect_refused("x@..");
	expect_refused("x@.c.example");
	expect_refused("x@c..example");
	expect_refused("x@c.example/../c.example");
	expect_refused("x@c.example..");
	expect_refused("x@");
}

/* issue 7 items 2-4: every form of a partner address finds its file */
static void test_address_forms(void)
{
	char	rcpt[700];

	place("b.example");
	place("xn--bcher-kva.example");
	expect("bob@b.example.", "b.example");
	expect("bob@B.EXAMPLE.", "b.example");
	expect("bob@dept.b.example.", "dept.b.example");
	expect("bob@sub.b.example.", "b.example");
	expect("bob@b\xc3\xbc" "cher.example", "xn--bcher-kva.example");
	expect("bob@B\xc3\x9c" "CHER.Example.", "xn--bcher-kva.example");
	expect("bob@dept.b\xc3\xbc" "cher.example", "xn--bcher-kva.example");
	expect("J\xc3\xb6rg@b\xc3\xbc" "cher.example", "xn--bcher-kva.example");
	/* long: the address file cannot exist, the domain file still counts */
	memset(rcpt, 'x', 300);
	strcpy(rcpt + 300, "@b.example");
	expect(rcpt, "b.example");
	memset(rcpt, 'y', 255);
	strcpy(rcpt + 255, "@B.Example.");
	expect(rcpt, "b.example");
	memset(rcpt, 'z', 247);
	strcpy(rcpt + 247, "@b.example");		/* 257 bytes */
	expect(rcpt, "b.example");
	/* a 300-byte subdomain: b.example.pem is its parent */
	strcpy(rcpt, "x@");
	memset(rcpt + 2, 'd', 300);
	strcpy(rcpt + 302, ".b.example");
	expect(rcpt, "b.example");
	/* a domain that cannot be mapped is refused, never plain */
	expect_refused("bob@b\xc3" "cher.example");
	expect_refused("bob@\xe2\x98\x83.b.example");
}

static void test_load_keeps_valid_certificates(void)
{
	sg_certs certs = SG_CERTS_INIT;
	char	path[800];
	sg_status st;

	snprintf(path, sizeof(path), "%s/b.example.pem", dir);
	st = sg_certdir_load(path, time(NULL), &certs);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(certs.count == 1);
	sg_certs_free(&certs);
	/* the testkit certificate expires in 30 days */
	st = sg_certdir_load(path, time(NULL) + 86400 * 365, &certs);
	SG_CHECK(st.code == SG_TEMPFAIL);
	SG_CHECK(strstr(st.text, "valid now") != NULL);
	SG_CHECK(certs.count == 0);
	st = sg_certdir_load(path, time(NULL) - 86400 * 365, &certs);
	SG_CHECK(st.code == SG_TEMPFAIL);
	snprintf(path, sizeof(path), "%s/missing.pem", dir);
	st = sg_certdir_load(path, time(NULL), &certs);
	SG_CHECK(st.code == SG_TEMPFAIL);
	sg_certs_free(&certs);
}

static void test_missing_directory_and_dangling_link_fail_closed(void)
{
	char   *file = NULL;
	char	path[800], cmd[1700];
	sg_certs certs = SG_CERTS_INIT;
	sg_status st;

	snprintf(path, sizeof(path), "%s/no-such-dir", sg_testkit_dir());
	st = sg_certdir_find(path, "x@b.example", &file);
	SG_CHECK(st.code == SG_TEMPFAIL && file == NULL);
	st = sg_certdir_find(gw.cert_path, "x@b.example", &file);
	SG_CHECK(st.code == SG_TEMPFAIL && file == NULL);	/* a file */
	snprintf(cmd, sizeof(cmd), "ln -s /nonexistent '%s/e.example.pem'", dir);
	SG_CHECK(system(cmd) == 0);
	st = sg_certdir_find(dir, "x@e.example", &file);
	SG_CHECK(sg_status_is_ok(&st) && file != NULL);
	if (file) {
		st = sg_certdir_load(file, time(NULL), &certs);
		SG_CHECK(st.code == SG_TEMPFAIL);
	}
	free(file);
	sg_certs_free(&certs);
}

/* mkcert - a self-signed EC certificate, openssl extension lines ext */
static void mkcert(const char *path, const char *cn, const char *ext)
{
	char	cnf[700], cmd[3000];
	FILE   *f;

	snprintf(cnf, sizeof(cnf), "%s/mkcert.cnf", sg_testkit_dir());
	f = fopen(cnf, "w");
	SG_CHECK(f != NULL);
	if (f == NULL)
		return;
	fprintf(f, "[req]\ndistinguished_name = dn\n[dn]\n[ext]\n%s\n", ext);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey ec -pkeyopt "
		 "ec_paramgen_curve:P-256 -nodes -keyout /dev/null -out '%s' "
		 "-subj '/CN=%s' -days 30 -config '%s' -extensions ext "
		 ">/dev/null 2>&1", path, cn, cnf);
	SG_CHECK_MSG(system(cmd) == 0, "%s", cmd);
}

/* cat - DIR2/name holds the concatenation of the given PEM files */
static void cat(const char *d, const char *name, const char *a,
		const char *b)
{
	char	cmd[3000];

	snprintf(cmd, sizeof(cmd), "cat '%s' %s%s%s > '%s/%s'", a, b ? "'" : "",
		 b ? b : "", b ? "'" : "", d, name);
	SG_CHECK(system(cmd) == 0);
}

/* find_in - the lookup of rcpt in d: status code, and the file's name */
static sg_code find_in(const char *d, const char *rcpt, char *got,
		       size_t size, char *text, size_t tsize)
{
	char   *file = NULL;
	sg_status st = sg_certdir_find(d, rcpt, &file);

	snprintf(got, size, "%s", file ? strrchr(file, '/') + 1 : "");
	snprintf(text, tsize, "%s", st.text);
	free(file);
	return st.code;
}

/* fresh - an empty directory NAME under the testkit dir */
static void fresh(const char *name, char *d, size_t size)
{
	char	cmd[1400];

	snprintf(d, size, "%s/%s", sg_testkit_dir(), name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir '%s'", d, d);
	SG_CHECK(system(cmd) == 0);
}

/* put - copy the gateway test certificate to d/name */
static void put(const char *d, const char *name)
{
	cat(d, name, gw.cert_path, NULL);
}

/* issue 7 item 6: lookups ignore case; misnamed files defer, never plain */
static void test_case_and_extension(void)
{
	char	d[700], got[300], text[300], cmd[1600];

	fresh("ci", d, sizeof(d));
	put(d, "B.Example.pem");
	SG_CHECK(find_in(d, "bob@b.example", got, sizeof(got), text,
			 sizeof(text)) == SG_OK);
	SG_CHECK_MSG(strcmp(got, "B.Example.pem") == 0, "got %s", got);
	SG_CHECK(find_in(d, "bob@sub.B.EXAMPLE.", got, sizeof(got), text,
			 sizeof(text)) == SG_OK && strcmp(got, "B.Example.pem")
		 == 0);
	put(d, "b.example.crt");	/* the .pem variant is used */
	SG_CHECK(find_in(d, "bob@b.example", got, sizeof(got), text,
			 sizeof(text)) == SG_OK && strcmp(got, "B.Example.pem")
		 == 0);
	/* two case variants: ambiguous, defer */
	put(d, "b.EXAMPLE.pem");
	SG_CHECK(find_in(d, "bob@b.example", got, sizeof(got), text,
			 sizeof(text)) == SG_TEMPFAIL && got[0] == '\0');
	SG_CHECK_MSG(strstr(text, "both match") != NULL, "%s", text);

	/* only misnamed files: defer, naming the file and its right name */
	fresh("ext", d, sizeof(d));
	{
		static const char *const bad[] = {"b.example.crt",
			"b.example.cer", "b.example.der", "b.example.PEM",
			"B.Example.Pem", "b.example.pem.txt", "b.example.cert",
			"b.example", "B.EXAMPLE.CRT", NULL};
		size_t	i;

		for (i = 0; bad[i]; i++) {
			put(d, bad[i]);
			SG_CHECK_MSG(find_in(d, "bob@b.example", got, sizeof(got),
					     text, sizeof(text)) == SG_TEMPFAIL
				     && got[0] == '\0', "%s: %s", bad[i], text);
			SG_CHECK_MSG(strstr(text, bad[i]) != NULL
				     && strstr(text, "b.example.pem") != NULL,
				     "%s: %s", bad[i], text);
			/* a subdomain's mail waits for the parent's file too */
			SG_CHECK(find_in(d, "x@dept.b.example", got, sizeof(got),
					 text, sizeof(text)) == SG_TEMPFAIL);
			snprintf(cmd, sizeof(cmd), "rm -f '%s/%s'", d, bad[i]);
			SG_CHECK(system(cmd) == 0);
		}
	}
	/* names that merely begin alike are other domains, not mistakes */
	put(d, "B.example.com.pem");
	put(d, "b.example.org.crt");
	put(d, "b.example.pem.bak");
	SG_CHECK(find_in(d, "bob@b.example", got, sizeof(got), text,
			 sizeof(text)) == SG_OK && got[0] == '\0');
	/* a misnamed address file defers even when the domain file exists */
	put(d, "b.example.pem");
	put(d, "Bob@b.example.crt");
	SG_CHECK(find_in(d, "bob@b.example", got, sizeof(got), text,
			 sizeof(text)) == SG_TEMPFAIL);
	SG_CHECK(find_in(d, "carol@b.example", got, sizeof(got), text,
			 sizeof(text)) == SG_OK && strcmp(got, "b.example.pem")
		 == 0);
	/* an address file in upper case wins over the domain file */
	put(d, "BOB@B.example.pem");
	SG_CHECK(find_in(d, "bob@b.example", got, sizeof(got), text,
			 sizeof(text)) == SG_OK && strcmp(got,
						"BOB@B.example.pem") == 0);
	/* UTF-8 domain and a case variant of its A-label file */
	put(d, "XN--BCHER-KVA.example.pem");
	SG_CHECK(find_in(d, "bob@b\xc3\xbc" "cher.example", got, sizeof(got),
			 text, sizeof(text)) == SG_OK
		 && strcmp(got, "XN--BCHER-KVA.example.pem") == 0);
}

/* issue 7 item 5: only end-entity certificates that may encrypt */
static void test_load_end_entity_for_encryption(void)
{
	char	d[700], ca[800], ee[800], sign[800], agree[800], path[900];
	sg_certs certs = SG_CERTS_INIT;
	sg_certdir_skipped sk;
	sg_status st;

	fresh("load", d, sizeof(d));
	snprintf(ca, sizeof(ca), "%s/x-ca.crt", sg_testkit_dir());
	snprintf(ee, sizeof(ee), "%s/x-ee.crt", sg_testkit_dir());
	snprintf(sign, sizeof(sign), "%s/x-sign.crt", sg_testkit_dir());
	snprintf(agree, sizeof(agree), "%s/x-agree.crt", sg_testkit_dir());
	mkcert(ca, "Partner CA", "basicConstraints = critical, CA:TRUE\n"
	       "keyUsage = critical, keyCertSign, cRLSign, keyEncipherment");
	mkcert(ee, "gw", "basicConstraints = critical, CA:FALSE\n"
	       "keyUsage = critical, keyEncipherment\n"
	       "subjectAltName = email:gw@b.example");
	mkcert(sign, "signer", "keyUsage = critical, digitalSignature\n"
	       "subjectAltName = email:signer@b.example");
	mkcert(agree, "agree", "keyUsage = critical, keyAgreement\n"
	       "subjectAltName = email:agree@b.example");

	/* CA + partner: the partner only */
	cat(d, "chain.pem", ca, ee);
	snprintf(path, sizeof(path), "%s/chain.pem", d);
	memset(&sk, 0xff, sizeof(sk));
	st = sg_certdir_load_skipped(path, time(NULL), &certs, &sk);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	SG_CHECK(certs.count == 1 && sk.ca == 1 && sk.usage == 0
		 && sk.time == 0);
	if (certs.count == 1) {
		char	desc[300];

		sg_certs_describe(certs.crts[0], desc, sizeof(desc));
		SG_CHECK_MSG(strstr(desc, "CN=gw") != NULL, "%s", desc);
	}
	sg_certs_free(&certs);
	/* a CA alone: defer, never plain */
	cat(d, "ca.pem", ca, NULL);
	snprintf(path, sizeof(path), "%s/ca.pem", d);
	st = sg_certdir_load_skipped(path, time(NULL), &certs, &sk);
	SG_CHECK(st.code == SG_TEMPFAIL && certs.count == 0 && sk.ca == 1);
	SG_CHECK_MSG(strstr(st.text, "1 CA") != NULL, "%s", st.text);
	st = sg_certdir_load(path, time(NULL), &certs);
	SG_CHECK(st.code == SG_TEMPFAIL && certs.count == 0);
	/* signing only: defer */
	cat(d, "sign.pem", sign, NULL);
	snprintf(path, sizeof(path), "%s/sign.pem", d);
	st = sg_certdir_load_skipped(path, time(NULL), &certs, &sk);
	SG_CHECK(st.code == SG_TEMPFAIL && certs.count == 0 && sk.usage == 1);
	/* key agreement is encryption */
	cat(d, "agree.pem", agree, sign);
	snprintf(path, sizeof(path), "%s/agree.pem", d);
	st = sg_certdir_load_skipped(path, time(NULL), &certs, &sk);
	SG_CHECK(sg_status_is_ok(&st) && certs.count == 1 && sk.usage == 1);
	sg_certs_free(&certs);
	/* expired: counted as such */
	snprintf(path, sizeof(path), "%s/chain.pem", d);
	st = sg_certdir_load_skipped(path, time(NULL) + 86400 * 60, &certs,
				     &sk);
	SG_CHECK(st.code == SG_TEMPFAIL && sk.ca == 1 && sk.time == 1);
}

/* What the audit said, collected. */
typedef struct finding {
	char	name[300];
	sg_certdir_severity sev;
	char	text[1100];
} finding;

static finding found[64];
static size_t nfound;

/* collect - the audit's report callback */
static void collect(void *ctx, const char *name, sg_certdir_severity sev,
		    const char *text)
{
	(void) ctx;
	if (nfound < sizeof(found) / sizeof(found[0])) {
		snprintf(found[nfound].name, sizeof(found[nfound].name), "%s",
			 name);
		found[nfound].sev = sev;
		snprintf(found[nfound].text, sizeof(found[nfound].text), "%s",
			 text);
		nfound++;
	}
}

/* said - a finding about name, of severity sev, containing text */
static bool said(const char *name, sg_certdir_severity sev, const char *text)
{
	size_t	i;

	for (i = 0; i < nfound; i++)
		if (strcmp(found[i].name, name) == 0 && found[i].sev == sev
		    && strstr(found[i].text, text) != NULL)
			return true;
	return false;
}

/* problems_about - how many problems were reported for name */
static size_t problems_about(const char *name)
{
	size_t	i, n = 0;

	for (i = 0; i < nfound; i++)
		n += strcmp(found[i].name, name) == 0
			&& found[i].sev == SG_CERTDIR_PROBLEM;
	return n;
}

/* issue 7 items 5 and 6: what smimegw -n reports */
static void test_audit(void)
{
	char	d[700], ca[800], ee[800], sign[800], other[800], dns[800];
	char	cmd[1600];
	sg_status st;
	size_t	i;

	fresh("audit", d, sizeof(d));
	snprintf(ca, sizeof(ca), "%s/x-ca.crt", sg_testkit_dir());
	snprintf(ee, sizeof(ee), "%s/x-ee.crt", sg_testkit_dir());
	snprintf(sign, sizeof(sign), "%s/x-sign.crt", sg_testkit_dir());
	snprintf(other, sizeof(other), "%s/x-other.crt", sg_testkit_dir());
	snprintf(dns, sizeof(dns), "%s/x-dns.crt", sg_testkit_dir());
	mkcert(other, "gw c", "subjectAltName = email:gw@c.example");
	mkcert(dns, "gateway", "subjectAltName = DNS:d.example");

	cat(d, "b.example.pem", ca, ee);	/* CA ignored: note */
	cat(d, "B.Example.pem", ee, NULL);	/* twin: never used */
	cat(d, "C.Example.pem", other, NULL);	/* used despite case */
	cat(d, "d.example.pem", dns, NULL);	/* dNSName matches */
	cat(d, "dept.b.example.pem", ee, NULL);	/* parent domain matches */
	cat(d, "gw@b.example.pem", ee, NULL);	/* address matches */
	cat(d, "x@b.example.pem", ee, NULL);	/* address mismatch: note */
	cat(d, "e.example.pem", other, NULL);	/* names c.example: note */
	cat(d, "f.example.crt", ee, NULL);	/* wrong extension */
	cat(d, "b.example.der", ee, NULL);	/* twin with a .pem */
	cat(d, "g.example.pem", ca, NULL);	/* CA only: defers */
	cat(d, "h.example.pem", sign, NULL);	/* signing only: defers */
	cat(d, "example.pem", ee, NULL);	/* single label */
	cat(d, "i.example..pem", ee, NULL);	/* trailing dot */
	cat(d, "b\xc3\xbc" "cher.example.pem", ee, NULL);	/* U-label */
	cat(d, ".hidden.pem", ee, NULL);
	cat(d, "README", ee, NULL);
	cat(d, "j.example.pem", ee, NULL);
	snprintf(cmd, sizeof(cmd), "cd '%s' && echo garbage > k.example.pem && "
		 "mkdir l.example.pem && ln -s /nonexistent m.example.pem", d);
	SG_CHECK(system(cmd) == 0);

	nfound = 0;
	st = sg_certdir_audit(d, time(NULL), collect, NULL);
	SG_CHECK_MSG(sg_status_is_ok(&st), "%s", st.text);
	for (i = 0; i < nfound && getenv("VERBOSE"); i++)
		fprintf(stderr, "%s %s: %s\n", found[i].sev ? "PROBLEM" : "note",
			found[i].name, found[i].text);
	SG_CHECK(said("b.example.pem", SG_CERTDIR_NOTE, "CA certificate"));
	SG_CHECK(problems_about("b.example.pem") == 0);
	SG_CHECK(said("B.Example.pem", SG_CERTDIR_PROBLEM, "b.example.pem"));
	SG_CHECK(said("C.Example.pem", SG_CERTDIR_NOTE, "c.example.pem"));
	SG_CHECK(problems_about("C.Example.pem") == 0);
	SG_CHECK(problems_about("d.example.pem") == 0);
	SG_CHECK(!said("d.example.pem", SG_CERTDIR_NOTE, "does not name"));
	SG_CHECK(!said("dept.b.example.pem", SG_CERTDIR_NOTE, "does not name"));
	SG_CHECK(!said("gw@b.example.pem", SG_CERTDIR_NOTE, "does not name"));
	SG_CHECK(said("x@b.example.pem", SG_CERTDIR_NOTE, "does not name"));
	SG_CHECK(said("e.example.pem", SG_CERTDIR_NOTE, "gw@c.example"));
	SG_CHECK(problems_about("e.example.pem") == 0);
	SG_CHECK(said("f.example.crt", SG_CERTDIR_PROBLEM, "f.example.pem"));
	SG_CHECK(said("b.example.der", SG_CERTDIR_PROBLEM, "b.example.pem"));
	SG_CHECK(said("g.example.pem", SG_CERTDIR_PROBLEM, "no certificate"));
	SG_CHECK(said("h.example.pem", SG_CERTDIR_PROBLEM, "no certificate"));
	SG_CHECK(said("h.example.pem", SG_CERTDIR_NOTE, "keyUsage"));
	SG_CHECK(problems_about("example.pem") == 1);
	SG_CHECK(problems_about("i.example..pem") == 1);
	SG_CHECK(said("b\xc3\xbc" "cher.example.pem", SG_CERTDIR_PROBLEM,
		      "xn--bcher-kva.example.pem"));
	SG_CHECK(problems_about(".hidden.pem") == 1);
	SG_CHECK(problems_about("README") == 1);
	SG_CHECK(problems_about("j.example.pem") == 0);
	SG_CHECK(said("k.example.pem", SG_CERTDIR_PROBLEM, "deferred"));
	SG_CHECK(said("l.example.pem", SG_CERTDIR_PROBLEM, "regular file"));
	SG_CHECK(said("m.example.pem", SG_CERTDIR_PROBLEM, "deferred"));
	/* expiring soon: a note, not a problem */
	nfound = 0;
	st = sg_certdir_audit(d, time(NULL) + 86400 * 20, collect, NULL);
	SG_CHECK(said("j.example.pem", SG_CERTDIR_NOTE, "expires on"));
	SG_CHECK(problems_about("j.example.pem") == 0);
	/* expired later: a note for j (and a problem: nothing usable) */
	nfound = 0;
	st = sg_certdir_audit(d, time(NULL) + 86400 * 60, collect, NULL);
	SG_CHECK(said("j.example.pem", SG_CERTDIR_NOTE, "expired"));
	SG_CHECK(said("j.example.pem", SG_CERTDIR_PROBLEM, "no certificate"));
	/* a clean directory says nothing */
	fresh("clean", d, sizeof(d));
	cat(d, "b.example.pem", ee, NULL);
	cat(d, "gw@b.example.pem", ee, NULL);
	nfound = 0;
	st = sg_certdir_audit(d, time(NULL), collect, NULL);
	for (i = 0; i < nfound; i++)
		SG_CHECK_MSG(strstr(found[i].text, "expires on") != NULL,
			     "%s: %s", found[i].name, found[i].text);
	snprintf(cmd, sizeof(cmd), "%s/none", sg_testkit_dir());
	st = sg_certdir_audit(cmd, time(NULL), collect, NULL);
	SG_CHECK(st.code == SG_CONFIG);
}

int	main(void)
{
	sg_testkit_make("gw", true, 2048, &gw);
	snprintf(dir, sizeof(dir), "%s/certs", sg_testkit_dir());
	SG_CHECK(mkdir(dir, 0700) == 0);
	SG_RUN(test_precedence);
	SG_RUN(test_hostile_names_are_never_opened);
	SG_RUN(test_address_forms);
	SG_RUN(test_case_and_extension);
	SG_RUN(test_load_end_entity_for_encryption);
	SG_RUN(test_audit);
	SG_RUN(test_load_keeps_valid_certificates);
	SG_RUN(test_missing_directory_and_dangling_link_fail_closed);
	return sg_test_done();
}
