/*
 * NAME
 *	fuzz_verify 1
 * SUMMARY
 *	fuzz target: SignedData verification (sg_verify)
 * DESCRIPTION
 *	The input is a CMS SignedData as it comes out of a message. It is
 *	verified twice: as opaque (no content: the eContent is what is
 *	signed) and as detached with the fixed content keys/verify-content.txt,
 *	which the seeds of corpus/verify sign (gen-seeds.sh -s). The trust
 *	store is the test PKI's root CA and the NSS corpus's CA
 *	(keys/verify-anchors.pem), the root CA's CRL (keys/verify-crl/), a
 *	pinned partner certificate for -nocerts signatures
 *	(keys/verify-pinned.pem) and a fixed time (keys/verify-now), so that
 *	mutations of the good seeds reach every check up to PASS. At start
 *	the target proves its set-up: corpus/verify/rsa.der passes, and fails
 *	once the content changes.
 *
 *	Besides memory safety and leaks the target checks what sg_verify(3h)
 *	promises about the report: a refused SignedData is SG_REJECT with no
 *	signer and result PERMERROR; an accepted one has 1 to
 *	SG_VERIFY_MAX_SIGNERS signers whose results are names of the enum and
 *	give the report's result; a signer without a certificate has no
 *	certificate fields and is NO_SIGNER_CERT or PERMERROR (or FAIL, as
 *	every signer is when the detached content and an eContent differ);
 *	addresses are
 *	lower case without duplicates; capabilities are known ciphers. And
 *	what a PASS means: the signature is bound to the content. A PASS
 *	with the detached content stops when one byte of it changes; an
 *	opaque PASS passes again with its eContent given as the detached
 *	content, and stops when one byte of that changes.
 *
 *	Line ends read on the fly (opts.canon): for the fixed content and
 *	for the input's eContent (any bytes the fuzzer writes there), CRLF
 *	mode over the content gives the status and, signer by signer, the
 *	result and reason that AS_IS gives over sg_buf_append_crlf() of it;
 *	LF mode the same against sg_buf_append_lf().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_buf.h"
#include "sg_cipher.h"
#include "sg_trust.h"
#include "sg_verify.h"
#include "sg_fuzz.h"

static sg_trust *fv_trust;
static gnutls_x509_crt_t fv_pinned;
static sg_buf fv_content = SG_BUF_INIT;
static time_t fv_now;
static int fv_ready;

/* fuzz_verify_done - release the trust store at exit */
static void fuzz_verify_done(void)
{
	sg_trust_free(fv_trust);
	gnutls_x509_crt_deinit(fv_pinned);
	sg_buf_free(&fv_content);
}

/* fuzz_verify_opts - the fixed options; allow_sha1 as asked */
static sg_verify_opts fuzz_verify_opts(bool allow_sha1)
{
	sg_verify_opts o = SG_VERIFY_DEFAULTS;

	o.trust = fv_trust;
	o.extra_certs = &fv_pinned;
	o.nextra_certs = 1;
	o.now = fv_now;
	o.allow_sha1 = allow_sha1;
	return o;
}

/* fuzz_verify_any_pass - does any signer PASS? */
static bool fuzz_verify_any_pass(const sg_verify_report *rep)
{
	size_t	i;

	for (i = 0; i < rep->nsigners; i++)
		if (rep->signers[i].result == SG_VERIFY_PASS)
			return true;
	return false;
}

/* fuzz_verify_check_signer - the promises about one signer */
static void fuzz_verify_check_signer(const sg_verify_signer *s,
				     const sg_verify_opts *o, bool mismatch)
{
	size_t	i, j;
	const char *p;

	SG_FUZZ_ASSERT((unsigned) s->result <= SG_VERIFY_PERMERROR);
	SG_FUZZ_ASSERT(sg_verify_result_name(s->result) != NULL);
	SG_FUZZ_ASSERT(sg_verify_smime_result(s->result) != NULL);
	SG_FUZZ_ASSERT(memchr(s->reason, '\0', sizeof(s->reason)) != NULL);
	if (s->crt == NULL) {
		SG_FUZZ_ASSERT(s->result == SG_VERIFY_NO_SIGNER_CERT
			       || s->result == SG_VERIFY_PERMERROR
			       || (mismatch && s->result == SG_VERIFY_FAIL));
		SG_FUZZ_ASSERT(s->subject == NULL && s->issuer == NULL
			       && s->serial == NULL && s->naddresses == 0);
	}
	SG_FUZZ_ASSERT(s->naddresses == 0 || s->addresses != NULL);
	for (i = 0; i < s->naddresses; i++) {
		SG_FUZZ_ASSERT(s->addresses[i] != NULL);
		for (p = s->addresses[i]; *p; p++)
			SG_FUZZ_ASSERT(!(*p >= 'A' && *p <= 'Z'));
		for (j = 0; j < i; j++)
			SG_FUZZ_ASSERT(strcmp(s->addresses[i],
					      s->addresses[j]) != 0);
	}
	SG_FUZZ_ASSERT(s->ncaps <= SG_VERIFY_MAX_CAPS);
	for (i = 0; i < s->ncaps; i++) {
		SG_FUZZ_ASSERT(sg_cipher_oid(s->caps[i]) != NULL);
		for (j = 0; j < i; j++)
			SG_FUZZ_ASSERT(s->caps[i] != s->caps[j]);
	}
	SG_FUZZ_ASSERT(s->enc_crt == NULL || s->enc_pref_present);
	SG_FUZZ_ASSERT(!(s->domain_signature || s->originator_signature)
		       || s->has_signature_type);
	SG_FUZZ_ASSERT(!s->signing_time_future || (s->has_signing_time
		       && s->signing_time > o->now + (time_t) o->max_skew));
	if (s->result == SG_VERIFY_PASS) {
		SG_FUZZ_ASSERT(s->crt != NULL);
		SG_FUZZ_ASSERT(s->sign_algo != GNUTLS_SIGN_UNKNOWN);
		SG_FUZZ_ASSERT(s->digest != GNUTLS_DIG_MD5
			       && s->digest != GNUTLS_DIG_MD2);
		SG_FUZZ_ASSERT(s->digest != GNUTLS_DIG_SHA1 || o->allow_sha1);
	}
}

/* fuzz_verify_check - the promises about a report */
static void fuzz_verify_check(const sg_status *st, const sg_verify_report *rep,
			      const sg_verify_opts *o, size_t size,
			      const uint8_t *content, size_t clen)
{
	bool	detached = content != NULL, mismatch;
	size_t	i;

	SG_FUZZ_ASSERT(rep != NULL);
	SG_FUZZ_ASSERT(memchr(st->text, '\0', sizeof(st->text)) != NULL);
	SG_FUZZ_ASSERT(memchr(rep->reason, '\0', sizeof(rep->reason)) != NULL);
	SG_FUZZ_ASSERT(rep->trailing <= size);
	SG_FUZZ_ASSERT(sg_verify_result_name(rep->result) != NULL);
	if (!sg_status_is_ok(st)) {
		SG_FUZZ_ASSERT(st->code == SG_REJECT);
		SG_FUZZ_ASSERT(rep->result == SG_VERIFY_PERMERROR);
		SG_FUZZ_ASSERT(rep->nsigners == 0 && rep->signers == NULL);
		return;
	}
	SG_FUZZ_ASSERT(rep->nsigners >= 1
		       && rep->nsigners <= SG_VERIFY_MAX_SIGNERS);
	SG_FUZZ_ASSERT(rep->signers != NULL);
	SG_FUZZ_ASSERT(rep->result == rep->signers[0].result);
	SG_FUZZ_ASSERT(rep->detached == detached);
	/* Detached content and an eContent that differ: every signer FAILs,
	 * whatever its own result was. */
	mismatch = detached && rep->content.len > 0
		&& (rep->content.len != clen
		    || memcmp(rep->content.data, content, clen) != 0);
	if (mismatch)
		for (i = 0; i < rep->nsigners; i++)
			SG_FUZZ_ASSERT(rep->signers[i].result == SG_VERIFY_FAIL);
	for (i = 0; i < rep->nsigners; i++)
		fuzz_verify_check_signer(&rep->signers[i], o, mismatch);
}

/* fuzz_verify_run - verify, check the report; caller frees *rep */
static sg_status fuzz_verify_run(const sg_verify_opts *o, const uint8_t *data,
				 size_t size, const uint8_t *content,
				 size_t clen, sg_verify_report **rep)
{
	sg_status st;

	*rep = NULL;
	st = sg_verify(o, data, size, content, clen, rep);
	fuzz_verify_check(&st, *rep, o, size, content, clen);
	return st;
}

/* fuzz_verify_no_pass - with content changed in one byte, nobody passes */
static void fuzz_verify_no_pass(const sg_verify_opts *o, const uint8_t *data,
				size_t size, const uint8_t *content,
				size_t clen)
{
	sg_verify_report *rep;
	uint8_t *changed = malloc(clen + 1);

	if (changed == NULL)
		sg_fuzz_die("out of memory");
	if (clen > 0)
		memcpy(changed, content, clen);
	if (clen > 0)
		changed[clen / 2] ^= 0x01;
	else
		changed[clen++] = 'x';
	(void) fuzz_verify_run(o, data, size, changed, clen, &rep);
	if (fuzz_verify_any_pass(rep))
		sg_fuzz_die("PASS although the signed content changed: %s",
			    rep->reason);
	sg_verify_report_free(rep);
	free(changed);
}

/* fuzz_verify_opaque_again - an opaque PASS holds with its eContent */
static void fuzz_verify_opaque_again(const sg_verify_opts *o,
				     const uint8_t *data, size_t size,
				     const sg_verify_report *first)
{
	sg_verify_report *rep;
	sg_status st;
	size_t	i;

	st = fuzz_verify_run(o, data, size, first->content.data,
			     first->content.len, &rep);
	SG_FUZZ_ASSERT(sg_status_is_ok(&st));
	SG_FUZZ_ASSERT(rep->nsigners == first->nsigners);
	for (i = 0; i < rep->nsigners; i++)
		SG_FUZZ_ASSERT(rep->signers[i].result
			       == first->signers[i].result);
	sg_verify_report_free(rep);
	fuzz_verify_no_pass(o, data, size, first->content.data,
			    first->content.len);
}

/* fuzz_verify_canon_one - canon over content is AS_IS over its copy */
static void fuzz_verify_canon_one(const uint8_t *data, size_t size,
				  const uint8_t *content, size_t clen,
				  sg_verify_canon canon)
{
	sg_verify_opts o = fuzz_verify_opts(false);
	sg_verify_report *a = NULL, *b;
	sg_buf	ref = SG_BUF_INIT;
	sg_status sa, sb;
	size_t	i;

	if (canon == SG_VERIFY_CANON_CRLF)
		sg_buf_append_crlf(&ref, content, clen);
	else
		sg_buf_append_lf(&ref, content, clen);
	o.canon = canon;
	sa = sg_verify(&o, data, size, content, clen, &a);
	/* the promises hold with the content as it was read */
	fuzz_verify_check(&sa, a, &o, size, ref.len ? ref.data : content,
			  ref.len);
	o.canon = SG_VERIFY_CANON_AS_IS;
	sb = fuzz_verify_run(&o, data, size, ref.len ? ref.data : content,
			     ref.len, &b);
	if (sa.code != sb.code || a->result != b->result
	    || strcmp(a->reason, b->reason) != 0
	    || a->nsigners != b->nsigners || a->detached != b->detached
	    || a->content.len != b->content.len)
		sg_fuzz_die("canon %d: %s (%s) but %s (%s) over the copy",
			    (int) canon, sg_verify_result_name(a->result),
			    a->reason, sg_verify_result_name(b->result),
			    b->reason);
	for (i = 0; i < a->nsigners; i++)
		if (a->signers[i].result != b->signers[i].result
		    || strcmp(a->signers[i].reason, b->signers[i].reason) != 0
		    || (a->signers[i].crt == NULL) != (b->signers[i].crt == NULL))
			sg_fuzz_die("canon %d, signer %zu: %s (%s) but %s (%s) "
				    "over the copy", (int) canon, i,
				    sg_verify_result_name(a->signers[i].result),
				    a->signers[i].reason,
				    sg_verify_result_name(b->signers[i].result),
				    b->signers[i].reason);
	sg_verify_report_free(a);
	sg_verify_report_free(b);
	sg_buf_free(&ref);
}

/* fuzz_verify_canon - both modes over one content */
static void fuzz_verify_canon(const uint8_t *data, size_t size,
			      const uint8_t *content, size_t clen)
{
	fuzz_verify_canon_one(data, size, content, clen, SG_VERIFY_CANON_CRLF);
	fuzz_verify_canon_one(data, size, content, clen, SG_VERIFY_CANON_LF);
}

/* fuzz_verify_init - the trust store, the content, the time; self-test */
static void fuzz_verify_init(void)
{
	sg_buf	b = SG_BUF_INIT;
	gnutls_datum_t d;
	sg_verify_report *rep;
	sg_verify_opts o;
	sg_status st;

	st = sg_trust_load(SG_FUZZ_KEYS "/verify-anchors.pem",
			   SG_FUZZ_KEYS "/verify-crl", &fv_trust);
	if (!sg_status_is_ok(&st))
		sg_fuzz_die("trust: %s", st.text);
	st = sg_buf_read_file(&b, SG_FUZZ_KEYS "/verify-pinned.pem", 65536);
	d.data = b.data;
	d.size = (unsigned) b.len;
	if (!sg_status_is_ok(&st) || gnutls_x509_crt_init(&fv_pinned) < 0
	    || gnutls_x509_crt_import(fv_pinned, &d, GNUTLS_X509_FMT_PEM) < 0)
		sg_fuzz_die("cannot load verify-pinned.pem");
	sg_buf_reset(&b);
	st = sg_buf_read_file(&b, SG_FUZZ_KEYS "/verify-now", 64);
	sg_buf_append(&b, "", 1);
	if (!sg_status_is_ok(&st)
	    || (fv_now = (time_t) strtoll((char *) b.data, NULL, 10)) <= 0)
		sg_fuzz_die("cannot read verify-now");
	st = sg_buf_read_file(&fv_content, SG_FUZZ_KEYS "/verify-content.txt",
			      65536);
	if (!sg_status_is_ok(&st))
		sg_fuzz_die("%s", st.text);
	atexit(fuzz_verify_done);
	fv_ready = 1;

	/* A target that cannot reach PASS tests little: prove it can. */
	sg_buf_reset(&b);
	st = sg_buf_read_file(&b, SG_FUZZ_VERIFY_SEED, 65536);
	if (!sg_status_is_ok(&st))
		sg_fuzz_die("%s", st.text);
	o = fuzz_verify_opts(false);
	(void) fuzz_verify_run(&o, b.data, b.len, fv_content.data,
			       fv_content.len, &rep);
	if (rep->result != SG_VERIFY_PASS)
		sg_fuzz_die("self-test: %s does not pass: %s",
			    SG_FUZZ_VERIFY_SEED, rep->reason);
	sg_verify_report_free(rep);
	fuzz_verify_no_pass(&o, b.data, b.len, fv_content.data,
			    fv_content.len);
	sg_buf_free(&b);
}

/* LLVMFuzzerTestOneInput - verify one input, opaque and detached */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sg_verify_report *rep;
	sg_verify_opts o;
	sg_status st;

	if (!fv_ready)
		fuzz_verify_init();

	o = fuzz_verify_opts(true);
	st = fuzz_verify_run(&o, data, size, NULL, 0, &rep);
	if (getenv("SG_FUZZ_VERBOSE") != NULL)
		printf("  opaque: %s %s\n", sg_verify_result_name(rep->result),
		       rep->reason);
	if (sg_status_is_ok(&st) && fuzz_verify_any_pass(rep))
		fuzz_verify_opaque_again(&o, data, size, rep);
	if (sg_status_is_ok(&st) && rep->content.len > 0)
		fuzz_verify_canon(data, size, rep->content.data,
				  rep->content.len);
	sg_verify_report_free(rep);
	fuzz_verify_canon(data, size, fv_content.data, fv_content.len);

	o = fuzz_verify_opts(false);
	st = fuzz_verify_run(&o, data, size, fv_content.data, fv_content.len,
			     &rep);
	if (getenv("SG_FUZZ_VERBOSE") != NULL)
		printf("  detached: %s %s\n",
		       sg_verify_result_name(rep->result), rep->reason);
	if (sg_status_is_ok(&st) && fuzz_verify_any_pass(rep))
		fuzz_verify_no_pass(&o, data, size, fv_content.data,
				    fv_content.len);
	sg_verify_report_free(rep);
	return 0;
}
