/*
 * NAME
 *	sg_cipher 3h
 * SUMMARY
 *	content-encryption algorithms of CMS
 * SYNOPSIS
 *	#include "sg_cipher.h"
 * DESCRIPTION
 *	The table of content ciphers smimegw knows: their names, CMS object
 *	identifiers, key and IV sizes, and bulk encryption and decryption with
 *	GnuTLS. CBC modes use PKCS#7 padding (RFC 5652 section 6.3); GCM uses
 *	a 12-byte nonce and a 16-byte tag (RFC 5084).
 *
 *	3DES-CBC and AES-192-CBC are decrypt-only: sg_cipher_can_encrypt()
 *	says no, and smimegw never produces them.
 *
 *	sg_cipher_cbc_decrypt() and sg_cipher_gcm_decrypt() work in place and
 *	report failure (bad padding, bad tag) as 0 without saying which, so
 *	that callers cannot become padding oracles. The buffer's contents are
 *	unspecified after a failure; callers wipe it.
 *
 *	sg_cipher_stream_*() encrypt content that arrives in chunks, for
 *	envelopes written while they are encrypted: every chunk but the last
 *	is a multiple of the block size (16 for AES; a multiple of 16 for GCM
 *	too); sg_cipher_stream_final() pads (CBC) or writes the tag (GCM).
 *	The output is the same as sg_cipher_cbc_encrypt() and
 *	sg_cipher_gcm_encrypt() without AAD. sg_cipher_ciphertext_len() is
 *	its length, known before the first byte.
 */
#ifndef SG_CIPHER_H
#define SG_CIPHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sg_buf.h"
#include "sg_status.h"

typedef enum sg_cipher_id {
	SG_CIPHER_NONE = 0,
	SG_CIPHER_AES128_CBC,
	SG_CIPHER_AES192_CBC,
	SG_CIPHER_AES256_CBC,
	SG_CIPHER_DES3_CBC,
	SG_CIPHER_AES128_GCM,
	SG_CIPHER_AES256_GCM,
} sg_cipher_id;

#define SG_CIPHER_MAX_KEY	32
#define SG_CIPHER_MAX_IV	16
#define SG_CIPHER_GCM_NONCE	12
#define SG_CIPHER_GCM_TAG	16
#define SG_CIPHER_GCM_MIN_TAG	12

/* sg_cipher_by_name - "aes256-cbc" etc. (config spelling); NONE if unknown */
sg_cipher_id sg_cipher_by_name(const char *name);

/* sg_cipher_by_oid - dotted OID; NONE if unknown */
sg_cipher_id sg_cipher_by_oid(const char *oid);

/* sg_cipher_name - config spelling, e.g. "aes256-cbc" */
const char *sg_cipher_name(sg_cipher_id id);

/* sg_cipher_label - log spelling, e.g. "aes-256-cbc" */
const char *sg_cipher_label(sg_cipher_id id);

/* sg_cipher_oid - dotted OID */
const char *sg_cipher_oid(sg_cipher_id id);

size_t	sg_cipher_key_size(sg_cipher_id id);
size_t	sg_cipher_iv_size(sg_cipher_id id);	/* CBC IV or GCM nonce */
bool	sg_cipher_is_aead(sg_cipher_id id);
bool	sg_cipher_can_encrypt(sg_cipher_id id);

/* sg_cipher_cbc_encrypt - pad and encrypt in into out (appended) */
sg_status sg_cipher_cbc_encrypt(sg_cipher_id id, const uint8_t *key,
				const uint8_t *iv, const uint8_t *in,
				size_t len, sg_buf *out);

/*
 * sg_cipher_cbc_decrypt - decrypt data in place and strip the padding.
 * Returns 1 and sets *plain_len on success, 0 on any failure.
 */
int	sg_cipher_cbc_decrypt(sg_cipher_id id, const uint8_t *key,
			      const uint8_t *iv, uint8_t *data, size_t len,
			      size_t *plain_len);

/* sg_cipher_gcm_encrypt - encrypt data in place, write a 16-byte tag */
sg_status sg_cipher_gcm_encrypt(sg_cipher_id id, const uint8_t *key,
				const uint8_t *nonce, const uint8_t *aad,
				size_t aad_len, uint8_t *data, size_t len,
				uint8_t tag[SG_CIPHER_GCM_TAG]);

/*
 * sg_cipher_gcm_decrypt - check the tag, then decrypt in place.
 * Returns 1 on success, 0 on any failure (no plaintext is released:
 * GnuTLS verifies the tag before it writes the output).
 */
int	sg_cipher_gcm_decrypt(sg_cipher_id id, const uint8_t *key,
			      const uint8_t *nonce, const uint8_t *aad,
			      size_t aad_len, uint8_t *data, size_t len,
			      const uint8_t *tag, size_t tag_len);

typedef struct sg_cipher_stream sg_cipher_stream;

/* sg_cipher_ciphertext_len - CBC: padded length; GCM: len (tag apart) */
size_t	sg_cipher_ciphertext_len(sg_cipher_id id, size_t len);

/* sg_cipher_stream_new - encryption handle; free with sg_cipher_stream_free */
sg_status sg_cipher_stream_new(sg_cipher_id id, const uint8_t *key,
			       const uint8_t *iv, sg_cipher_stream **out);

/* sg_cipher_stream_update - encrypt a chunk in place (block multiple) */
sg_status sg_cipher_stream_update(sg_cipher_stream *cs, uint8_t *data,
				  size_t len);

/*
 * sg_cipher_stream_final - the last bytes (tail, *tail_len; fewer than a
 * block is fine): CBC pads them in place (tail has room for one more
 * block; *tail_len grows), GCM encrypts them and writes the 16-byte tag
 */
sg_status sg_cipher_stream_final(sg_cipher_stream *cs, uint8_t *tail,
				 size_t *tail_len,
				 uint8_t tag[SG_CIPHER_GCM_TAG]);

void	sg_cipher_stream_free(sg_cipher_stream *cs);

#endif
