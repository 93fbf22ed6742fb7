/*
 * NAME
 *	sg_cipher 3
 * SUMMARY
 *	content-encryption algorithms of CMS
 * SECURITY
 *	Padding is checked without data-dependent branches over the last
 *	block; failures of every kind return the same 0.
 */
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "sg_cipher.h"
#include "sg_mem.h"

typedef struct sg_cipher_info {
	sg_cipher_id id;
	const char *name;		/* config spelling */
	const char *label;		/* log spelling */
	const char *oid;
	gnutls_cipher_algorithm_t gnutls;
	size_t	key_size;
	size_t	iv_size;
	bool	aead;
	bool	encrypt;		/* do we ever produce it? */
} sg_cipher_info;

static const sg_cipher_info sg_ciphers[] = {
	{SG_CIPHER_AES128_CBC, "aes128-cbc", "aes-128-cbc",
		"2.16.840.1.101.3.4.1.2", GNUTLS_CIPHER_AES_128_CBC,
	16, 16, false, true},
	{SG_CIPHER_AES192_CBC, "aes192-cbc", "aes-192-cbc",
		"2.16.840.1.101.3.4.1.22", GNUTLS_CIPHER_AES_192_CBC,
	24, 16, false, false},
	{SG_CIPHER_AES256_CBC, "aes256-cbc", "aes-256-cbc",
		"2.16.840.1.101.3.4.1.42", GNUTLS_CIPHER_AES_256_CBC,
	32, 16, false, true},
	{SG_CIPHER_DES3_CBC, "des3-cbc", "des-ede3-cbc",
		"1.2.840.113549.3.7", GNUTLS_CIPHER_3DES_CBC,
	24, 8, false, false},
	{SG_CIPHER_AES128_GCM, "aes128-gcm", "aes-128-gcm",
		"2.16.840.1.101.3.4.1.6", GNUTLS_CIPHER_AES_128_GCM,
	16, SG_CIPHER_GCM_NONCE, true, true},
	{SG_CIPHER_AES256_GCM, "aes256-gcm", "aes-256-gcm",
		"2.16.840.1.101.3.4.1.46", GNUTLS_CIPHER_AES_256_GCM,
	32, SG_CIPHER_GCM_NONCE, true, true},
};

#define SG_CIPHER_COUNT (sizeof(sg_ciphers) / sizeof(sg_ciphers[0]))

/* sg_cipher_info_of - table entry or NULL */
static const sg_cipher_info *sg_cipher_info_of(sg_cipher_id id)
{
	size_t	i;

	for (i = 0; i < SG_CIPHER_COUNT; i++)
		if (sg_ciphers[i].id == id)
			return &sg_ciphers[i];
	return NULL;
}

sg_cipher_id sg_cipher_by_name(const char *name)
{
	size_t	i;

	for (i = 0; i < SG_CIPHER_COUNT; i++)
		if (strcmp(sg_ciphers[i].name, name) == 0)
			return sg_ciphers[i].id;
	return SG_CIPHER_NONE;
}

sg_cipher_id sg_cipher_by_oid(const char *oid)
{
	size_t	i;

	for (i = 0; i < SG_CIPHER_COUNT; i++)
		if (strcmp(sg_ciphers[i].oid, oid) == 0)
			return sg_ciphers[i].id;
	return SG_CIPHER_NONE;
}

const char *sg_cipher_name(sg_cipher_id id)
{
	const sg_cipher_info *ci = sg_cipher_info_of(id);

	return ci ? ci->name : "none";
}

const char *sg_cipher_label(sg_cipher_id id)
{
	const sg_cipher_info *ci = sg_cipher_info_of(id);

	return ci ? ci->label : "none";
}

const char *sg_cipher_oid(sg_cipher_id id)
{
	const sg_cipher_info *ci = sg_cipher_info_of(id);

	return ci ? ci->oid : "";
}

size_t	sg_cipher_key_size(sg_cipher_id id)
{
	const sg_cipher_info *ci = sg_cipher_info_of(id);

	return ci ? ci->key_size : 0;
}

size_t	sg_cipher_iv_size(sg_cipher_id id)
{
	const sg_cipher_info *ci = sg_cipher_info_of(id);

	return ci ? ci->iv_size : 0;
}

bool	sg_cipher_is_aead(sg_cipher_id id)
{
	const sg_cipher_info *ci = sg_cipher_info_of(id);

	return ci && ci->aead;
}

bool	sg_cipher_can_encrypt(sg_cipher_id id)
{
	const sg_cipher_info *ci = sg_cipher_info_of(id);

	return ci && ci->encrypt;
}

/* sg_cipher_cbc_open - a GnuTLS CBC handle for key and iv */
static int sg_cipher_cbc_open(const sg_cipher_info *ci, const uint8_t *key,
			      const uint8_t *iv, gnutls_cipher_hd_t *hd)
{
	gnutls_datum_t k = {(unsigned char *) key, (unsigned) ci->key_size};
	gnutls_datum_t v = {(unsigned char *) iv, (unsigned) ci->iv_size};

	return gnutls_cipher_init(hd, ci->gnutls, &k, &v);
}

/* sg_cipher_cbc_encrypt - pad and encrypt in into out (appended) */
sg_status sg_cipher_cbc_encrypt(sg_cipher_id id, const uint8_t *key,
				const uint8_t *iv, const uint8_t *in,
				size_t len, sg_buf *out)
{
	const sg_cipher_info *ci = sg_cipher_info_of(id);
	gnutls_cipher_hd_t hd;
	size_t	block;
	size_t	pad;
	uint8_t *dst;
	int	ret;

	if (ci == NULL || ci->aead)
		return sg_status_make(SG_INTERNAL, "not a CBC cipher");
	block = ci->iv_size;
	pad = block - len % block;
	sg_buf_reserve(out, len + pad);
	dst = out->data + out->len;
	if (len)
		memcpy(dst, in, len);
	memset(dst + len, (int) pad, pad);
	if ((ret = sg_cipher_cbc_open(ci, key, iv, &hd)) < 0)
		return sg_status_make(SG_INTERNAL, "%s: %s", ci->label,
				      gnutls_strerror(ret));
	ret = gnutls_cipher_encrypt(hd, dst, len + pad);
	gnutls_cipher_deinit(hd);
	if (ret < 0)
		return sg_status_make(SG_INTERNAL, "%s: %s", ci->label,
				      gnutls_strerror(ret));
	sg_buf_set_len(out, out->len + len + pad);
	return sg_status_ok();
}

/* sg_cipher_cbc_decrypt - decrypt in place and strip the padding */
int	sg_cipher_cbc_decrypt(sg_cipher_id id, const uint8_t *key,
			      const uint8_t *iv, uint8_t *data, size_t len,
			      size_t *plain_len)
{
	const sg_cipher_info *ci = sg_cipher_info_of(id);
	gnutls_cipher_hd_t hd;
	size_t	block;
	unsigned pad;
	unsigned bad;
	size_t	i;
	int	ret;

	*plain_len = 0;
	if (ci == NULL || ci->aead)
		return 0;
	block = ci->iv_size;
	if (len == 0 || len % block != 0)
		return 0;
	if (sg_cipher_cbc_open(ci, key, iv, &hd) < 0)
		return 0;
	ret = gnutls_cipher_decrypt(hd, data, len);
	gnutls_cipher_deinit(hd);
	if (ret < 0)
		return 0;

	/*
	 * Check the padding over the whole last block without branching on
	 * its values: pad must be 1..block and the last pad bytes all pad.
	 */
	pad = data[len - 1];
	bad = (unsigned) ((pad - 1) >> 8) & 1;		/* pad == 0 */
	bad |= (unsigned) ((block - pad) >> (8 * sizeof(size_t) - 1)) & 1;
	for (i = 0; i < block; i++) {
		unsigned in_pad = (unsigned) (((i - pad) >> (8 * sizeof(size_t)
							   - 1)) & 1);
		unsigned diff = data[len - 1 - i] ^ pad;

		bad |= in_pad & (unsigned) (((diff | (0u - diff)) >> 8) & 1);
	}
	if (bad)
		return 0;
	*plain_len = len - pad;
	return 1;
}

/* sg_cipher_gcm_open - a GnuTLS AEAD handle for key */
static int sg_cipher_gcm_open(const sg_cipher_info *ci, const uint8_t *key,
			      gnutls_aead_cipher_hd_t *hd)
{
	gnutls_datum_t k = {(unsigned char *) key, (unsigned) ci->key_size};

	return gnutls_aead_cipher_init(hd, ci->gnutls, &k);
}

/* sg_cipher_gcm_encrypt - encrypt data in place, write a 16-byte tag */
sg_status sg_cipher_gcm_encrypt(sg_cipher_id id, const uint8_t *key,
				const uint8_t *nonce, const uint8_t *aad,
				size_t aad_len, uint8_t *data, size_t len,
				uint8_t tag[SG_CIPHER_GCM_TAG])
{
	const sg_cipher_info *ci = sg_cipher_info_of(id);
	gnutls_aead_cipher_hd_t hd;
	giovec_t auth = {(void *) aad, aad_len};
	giovec_t iov = {data, len};
	size_t	tag_size = SG_CIPHER_GCM_TAG;
	int	ret;

	if (ci == NULL || !ci->aead)
		return sg_status_make(SG_INTERNAL, "not a GCM cipher");
	if ((ret = sg_cipher_gcm_open(ci, key, &hd)) < 0)
		return sg_status_make(SG_INTERNAL, "%s: %s", ci->label,
				      gnutls_strerror(ret));
	ret = gnutls_aead_cipher_encryptv2(hd, nonce, SG_CIPHER_GCM_NONCE,
					   &auth, aad_len ? 1 : 0,
					   &iov, len ? 1 : 0,
					   tag, &tag_size);
	gnutls_aead_cipher_deinit(hd);
	if (ret < 0)
		return sg_status_make(SG_INTERNAL, "%s: %s", ci->label,
				      gnutls_strerror(ret));
	return sg_status_ok();
}

/* sg_cipher_gcm_decrypt - check the tag, then decrypt in place */
int	sg_cipher_gcm_decrypt(sg_cipher_id id, const uint8_t *key,
			      const uint8_t *nonce, const uint8_t *aad,
			      size_t aad_len, uint8_t *data, size_t len,
			      const uint8_t *tag, size_t tag_len)
{
	const sg_cipher_info *ci = sg_cipher_info_of(id);
	gnutls_aead_cipher_hd_t hd;
	giovec_t auth = {(void *) aad, aad_len};
	giovec_t iov = {data, len};
	uint8_t	tagcopy[SG_CIPHER_GCM_TAG];
	int	ret;

	if (ci == NULL || !ci->aead || tag_len < SG_CIPHER_GCM_MIN_TAG
	    || tag_len > SG_CIPHER_GCM_TAG)
		return 0;
	if (sg_cipher_gcm_open(ci, key, &hd) < 0)
		return 0;
	memcpy(tagcopy, tag, tag_len);
	ret = gnutls_aead_cipher_decryptv2(hd, nonce, SG_CIPHER_GCM_NONCE,
					   &auth, aad_len ? 1 : 0,
					   &iov, len ? 1 : 0,
					   tagcopy, tag_len);
	gnutls_aead_cipher_deinit(hd);
	if (ret < 0) {
		sg_wipe(data, len);	/* never leave unauthenticated bytes */
		return 0;
	}
	return 1;
}

 /*
  * Streaming encryption: one handle, many chunks.
  */

struct sg_cipher_stream {
	const sg_cipher_info *ci;
	gnutls_cipher_hd_t hd;
};

/* sg_cipher_ciphertext_len - what len bytes of content encrypt to */
size_t	sg_cipher_ciphertext_len(sg_cipher_id id, size_t len)
{
	const sg_cipher_info *ci = sg_cipher_info_of(id);

	if (ci == NULL || ci->aead)
		return len;
	return len + ci->iv_size - len % ci->iv_size;
}

/* sg_cipher_stream_new - a CBC or GCM encryption handle for key and iv */
sg_status sg_cipher_stream_new(sg_cipher_id id, const uint8_t *key,
			       const uint8_t *iv, sg_cipher_stream **out)
{
	const sg_cipher_info *ci = sg_cipher_info_of(id);
	gnutls_datum_t k, v;
	sg_cipher_stream *cs;
	int	ret;

	*out = NULL;
	if (ci == NULL)
		return sg_status_make(SG_INTERNAL, "unknown cipher");
	k = (gnutls_datum_t) {(unsigned char *) key, (unsigned) ci->key_size};
	v = (gnutls_datum_t) {(unsigned char *) iv, (unsigned) ci->iv_size};
	cs = sg_calloc(1, sizeof(*cs));
	cs->ci = ci;
	/* GnuTLS's cipher API runs GCM incrementally too (no AAD here). */
	if ((ret = gnutls_cipher_init(&cs->hd, ci->gnutls, &k, &v)) < 0) {
		free(cs);
		return sg_status_make(SG_INTERNAL, "%s: %s", ci->label,
				      gnutls_strerror(ret));
	}
	*out = cs;
	return sg_status_ok();
}

/* sg_cipher_stream_update - encrypt a chunk in place (block multiple) */
sg_status sg_cipher_stream_update(sg_cipher_stream *cs, uint8_t *data,
				  size_t len)
{
	int	ret;

	if (len % cs->ci->iv_size != 0 && !cs->ci->aead)
		return sg_status_make(SG_INTERNAL, "CBC chunk is not a multiple "
				      "of the block size");
	if (len > 0 && (ret = gnutls_cipher_encrypt(cs->hd, data, len)) < 0)
		return sg_status_make(SG_INTERNAL, "%s: %s", cs->ci->label,
				      gnutls_strerror(ret));
	return sg_status_ok();
}

/*
 * sg_cipher_stream_final - the last bytes of content: CBC pads them
 * (tail must have room for one more block; *tail_len grows), GCM
 * encrypts them and writes the tag
 */
sg_status sg_cipher_stream_final(sg_cipher_stream *cs, uint8_t *tail,
				 size_t *tail_len,
				 uint8_t tag[SG_CIPHER_GCM_TAG])
{
	size_t	block = cs->ci->iv_size, pad;
	int	ret;

	if (cs->ci->aead) {
		if (*tail_len > 0
		    && (ret = gnutls_cipher_encrypt(cs->hd, tail,
						    *tail_len)) < 0)
			return sg_status_make(SG_INTERNAL, "%s: %s",
					      cs->ci->label,
					      gnutls_strerror(ret));
		if ((ret = gnutls_cipher_tag(cs->hd, tag,
					     SG_CIPHER_GCM_TAG)) < 0)
			return sg_status_make(SG_INTERNAL, "%s: %s",
					      cs->ci->label,
					      gnutls_strerror(ret));
		return sg_status_ok();
	}
	pad = block - *tail_len % block;
	memset(tail + *tail_len, (int) pad, pad);
	*tail_len += pad;
	return sg_cipher_stream_update(cs, tail, *tail_len);
}

/* sg_cipher_stream_free - release the handle; NULL is fine */
void	sg_cipher_stream_free(sg_cipher_stream *cs)
{
	if (cs == NULL)
		return;
	gnutls_cipher_deinit(cs->hd);
	free(cs);
}
