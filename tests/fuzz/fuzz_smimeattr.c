/*
 * NAME
 *	fuzz_smimeattr 1
 * SUMMARY
 *	fuzz target: the S/MIME attribute decoders (sg_smimeattr)
 * DESCRIPTION
 *	The input is the DER of one attribute value, as a signer wrote it.
 *	It goes to every decoder: SMIMECapabilities, the
 *	SMIMEEncryptionKeyPreference, SignatureType and SigningTime (the
 *	seeds of corpus/smimeattr are cut out of real signatures by
 *	gen-seeds.sh -s, so each decoder gets its own kind).
 *
 *	Besides memory safety and leaks the target checks sg_smimeattr(3h):
 *	what decodes is re-encoded with the module's own encoder and decoded
 *	again to the same result (capabilities the encoder accepts, a
 *	non-empty signature-type mask, a time); a SigningTime is DER, which
 *	has one text per time, so a value that decodes re-encodes to the
 *	very same text when it used the same choice, and a UTCTime is for
 *	1950 to 2049 so it re-encodes as one. A failed decode leaves nothing
 *	behind (no capability, mask 0, time 0, an empty EKP of kind NONE);
 *	a decoded EKP has the fields of its choice only; when it names
 *	keys/verify-pinned.pem, the pinned certificate's own
 *	issuerAndSerialNumber, encoded and decoded, names it too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_buf.h"
#include "sg_cipher.h"
#include "sg_smimeattr.h"
#include "sg_fuzz.h"

static gnutls_x509_crt_t fa_cert;

/* fuzz_smimeattr_done - release the certificate at exit */
static void fuzz_smimeattr_done(void)
{
	gnutls_x509_crt_deinit(fa_cert);
}

/* fuzz_smimeattr_init - the certificate that EKP values are matched to */
static void fuzz_smimeattr_init(void)
{
	sg_buf	b = SG_BUF_INIT;
	gnutls_datum_t d;
	sg_status st;

	st = sg_buf_read_file(&b, SG_FUZZ_KEYS "/verify-pinned.pem", 65536);
	d.data = b.data;
	d.size = (unsigned) b.len;
	if (!sg_status_is_ok(&st) || gnutls_x509_crt_init(&fa_cert) < 0
	    || gnutls_x509_crt_import(fa_cert, &d, GNUTLS_X509_FMT_PEM) < 0)
		sg_fuzz_die("cannot load verify-pinned.pem");
	sg_buf_free(&b);
	atexit(fuzz_smimeattr_done);
}

/* fuzz_smimeattr_caps - decode, re-encode, decode: same list */
static void fuzz_smimeattr_caps(const uint8_t *data, size_t size)
{
	sg_cipher_id caps[SG_SMIMEATTR_MAX_CAPS], again[SG_SMIMEATTR_MAX_CAPS];
	sg_cipher_id enc[SG_SMIMEATTR_MAX_CAPS];
	sg_buf	der = SG_BUF_INIT;
	size_t	n = 99, m = 99, nenc = 0, i, j;
	sg_status st;

	st = sg_smimeattr_caps_decode(data, size, caps, SG_SMIMEATTR_MAX_CAPS,
				      &n);
	if (!sg_status_is_ok(&st)) {
		SG_FUZZ_ASSERT(st.code == SG_REJECT && n == 0);
		return;
	}
	SG_FUZZ_ASSERT(n <= SG_SMIMEATTR_MAX_CAPS);
	for (i = 0; i < n; i++) {
		SG_FUZZ_ASSERT(caps[i] != SG_CIPHER_NONE
			       && sg_cipher_oid(caps[i]) != NULL);
		for (j = 0; j < i; j++)
			SG_FUZZ_ASSERT(caps[i] != caps[j]);
		if (sg_cipher_can_encrypt(caps[i]))
			enc[nenc++] = caps[i];
	}
	if (nenc == 0)
		return;
	st = sg_smimeattr_caps_encode(enc, nenc, &der);
	SG_FUZZ_ASSERT(sg_status_is_ok(&st));
	st = sg_smimeattr_caps_decode(der.data, der.len, again,
				      SG_SMIMEATTR_MAX_CAPS, &m);
	SG_FUZZ_ASSERT(sg_status_is_ok(&st));
	SG_FUZZ_ASSERT(m == nenc && memcmp(again, enc, m * sizeof(*enc)) == 0);
	sg_buf_free(&der);
}

/* fuzz_smimeattr_ekp - decode; fields of the choice; find agrees */
static void fuzz_smimeattr_ekp(const uint8_t *data, size_t size)
{
	sg_smimeattr_ekp ekp = SG_SMIMEATTR_EKP_INIT;
	sg_smimeattr_ekp again = SG_SMIMEATTR_EKP_INIT;
	sg_buf	der = SG_BUF_INIT;
	sg_status st;
	size_t	idx = 99;

	/* The decoder resets what a previous call left. */
	sg_buf_append(&ekp.key_id, "stale", 5);
	ekp.kind = SG_EKP_SKI;
	st = sg_smimeattr_ekp_decode(data, size, &ekp);
	if (!sg_status_is_ok(&st)) {
		SG_FUZZ_ASSERT(st.code == SG_REJECT);
		SG_FUZZ_ASSERT(ekp.kind == SG_EKP_NONE && ekp.issuer.len == 0
			       && ekp.serial.len == 0 && ekp.key_id.len == 0);
		goto cleanup;
	}
	if (ekp.kind == SG_EKP_ISSUER_SERIAL)
		SG_FUZZ_ASSERT(ekp.issuer.len > 0 && ekp.serial.len > 0
			       && ekp.key_id.len == 0);
	else
		SG_FUZZ_ASSERT((ekp.kind == SG_EKP_RECIPIENT_KEY_ID
				|| ekp.kind == SG_EKP_SKI)
			       && ekp.key_id.len > 0 && ekp.issuer.len == 0
			       && ekp.serial.len == 0);
	if (!sg_smimeattr_ekp_find(&ekp, &fa_cert, 1, &idx))
		goto cleanup;
	SG_FUZZ_ASSERT(idx == 0);
	st = sg_smimeattr_ekp_encode(fa_cert, &der);
	SG_FUZZ_ASSERT(sg_status_is_ok(&st));
	st = sg_smimeattr_ekp_decode(der.data, der.len, &again);
	SG_FUZZ_ASSERT(sg_status_is_ok(&st));
	SG_FUZZ_ASSERT(again.kind == SG_EKP_ISSUER_SERIAL);
	idx = 99;
	SG_FUZZ_ASSERT(sg_smimeattr_ekp_find(&again, &fa_cert, 1, &idx)
		       && idx == 0);
	if (ekp.kind == SG_EKP_ISSUER_SERIAL)
		SG_FUZZ_ASSERT(again.issuer.len == ekp.issuer.len
			       && memcmp(again.issuer.data, ekp.issuer.data,
					 ekp.issuer.len) == 0);
cleanup:
	sg_smimeattr_ekp_free(&ekp);
	sg_smimeattr_ekp_free(&again);
	sg_buf_free(&der);
}

/* fuzz_smimeattr_sigtype - decode, re-encode, decode: same mask */
static void fuzz_smimeattr_sigtype(const uint8_t *data, size_t size)
{
	sg_buf	der = SG_BUF_INIT;
	unsigned types = 99, again = 99;
	sg_status st;

	st = sg_smimeattr_sigtype_decode(data, size, &types);
	if (!sg_status_is_ok(&st)) {
		SG_FUZZ_ASSERT(st.code == SG_REJECT && types == 0);
		return;
	}
	SG_FUZZ_ASSERT((types & ~0x0fu) == 0);
	st = sg_smimeattr_sigtype_encode(types, &der);
	if (types == 0) {
		SG_FUZZ_ASSERT(st.code == SG_CONFIG && der.len == 0);
		return;
	}
	SG_FUZZ_ASSERT(sg_status_is_ok(&st));
	st = sg_smimeattr_sigtype_decode(der.data, der.len, &again);
	SG_FUZZ_ASSERT(sg_status_is_ok(&st) && again == types);
	sg_buf_free(&der);
}

/* fuzz_smimeattr_time - decode, re-encode: same time, DER: same bytes */
static void fuzz_smimeattr_time(const uint8_t *data, size_t size)
{
	sg_buf	der = SG_BUF_INIT;
	time_t	t = 99, again = 99;
	sg_status st;

	st = sg_smimeattr_time_decode(data, size, &t);
	if (!sg_status_is_ok(&st)) {
		SG_FUZZ_ASSERT(st.code == SG_REJECT && t == 0);
		return;
	}
	st = sg_smimeattr_time_encode(t, &der);
	SG_FUZZ_ASSERT(sg_status_is_ok(&st));
	st = sg_smimeattr_time_decode(der.data, der.len, &again);
	SG_FUZZ_ASSERT(sg_status_is_ok(&st) && again == t);
	/* UTCTime is for 1950 to 2049: the encoder picks it again. */
	if (size > 0 && data[0] == 0x17)
		SG_FUZZ_ASSERT(der.len > 0 && der.data[0] == 0x17);
	/* The same choice: the same text (libtasn1 takes a long-form length,
	 * so the length octets may differ; ours are short: tag, length). */
	SG_FUZZ_ASSERT(der.len > 2 && der.data[1] == der.len - 2);
	if (size > 0 && der.data[0] == data[0]
	    && (size < der.len - 2 || memcmp(data + size - (der.len - 2),
					      der.data + 2, der.len - 2) != 0)) {
		fprintf(stderr, "SigningTime %lld re-encodes differently\n",
			(long long) t);
		sg_fuzz_die("a SigningTime that is not DER was accepted");
	}
	sg_buf_free(&der);
}

/* LLVMFuzzerTestOneInput - one attribute value through every decoder */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fa_cert == NULL)
		fuzz_smimeattr_init();
	fuzz_smimeattr_caps(data, size);
	fuzz_smimeattr_ekp(data, size);
	fuzz_smimeattr_sigtype(data, size);
	fuzz_smimeattr_time(data, size);
	return 0;
}
