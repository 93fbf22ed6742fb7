/*
 * NAME
 *	sg_capstore 3
 * SUMMARY
 *	what each partner said it can decrypt (SMIMECapabilities)
 * DESCRIPTION
 *	The file format is one line of text so that an administrator can
 *	read (and delete) it: "time=EPOCH caps=label,label,...", labels as
 *	sg_cipher_label() spells them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_capstore.h"

#define SG_CAPSTORE_FUTURE	86400	/* signing times beyond: ignored */

/* The ciphers we can encrypt with, strongest first. */
static const sg_cipher_id sg_capstore_ours[] = {
	SG_CIPHER_AES256_GCM, SG_CIPHER_AES128_GCM,
	SG_CIPHER_AES256_CBC, SG_CIPHER_AES128_CBC,
};

/* sg_capstore_path - STATE_DIR/caps/NAME; false for an unsafe name */
static bool sg_capstore_path(const char *state_dir, const char *name,
			     char *buf, size_t size, bool dir_only)
{
	const char *p;

	if (state_dir == NULL || name == NULL || *name == '\0' || *name == '.'
	    || strstr(name, "..") != NULL)
		return false;
	for (p = name; *p; p++)
		if (*p == '/' || (unsigned char) *p <= ' '
		    || (unsigned char) *p >= 0x7f)
			return false;
	return (size_t) snprintf(buf, size, dir_only ? "%s/caps" : "%s/caps/%s",
				 state_dir, name) < size;
}

/* sg_capstore_get - the learned list; false when none */
bool	sg_capstore_get(const char *state_dir, const char *name,
			sg_cipher_id *caps, size_t *ncaps, time_t *when)
{
	char	path[4096], *list, *tok, *save = NULL;
	sg_buf	buf = SG_BUF_INIT;
	sg_status st;
	long long t;
	size_t	k;

	*ncaps = 0;
	if (!sg_capstore_path(state_dir, name, path, sizeof(path), false))
		return false;
	st = sg_buf_read_file(&buf, path, 4096);
	if (!sg_status_is_ok(&st) || buf.len == 0) {
		sg_buf_free(&buf);
		return false;
	}
	sg_buf_append(&buf, "", 0);
	if (sscanf((char *) buf.data, "time=%lld", &t) != 1
	    || (list = strstr((char *) buf.data, " caps=")) == NULL) {
		sg_buf_free(&buf);
		return false;
	}
	*when = (time_t) t;
	list += 6;
	list[strcspn(list, "\r\n")] = '\0';
	for (tok = strtok_r(list, ",", &save); tok && *ncaps < SG_CAPSTORE_MAX;
	     tok = strtok_r(NULL, ",", &save))
		for (k = 0; k < sizeof(sg_capstore_ours) / sizeof(*sg_capstore_ours);
		     k++)
			if (strcmp(tok, sg_cipher_label(sg_capstore_ours[k])) == 0)
				caps[(*ncaps)++] = sg_capstore_ours[k];
	sg_buf_free(&buf);
	return *ncaps > 0;
}

/* sg_capstore_learn - remember a verified signature's capabilities */
bool	sg_capstore_learn(const char *state_dir, const char *name,
			  time_t signing_time, const sg_cipher_id *caps,
			  size_t ncaps, time_t now)
{
	sg_cipher_id old[SG_CAPSTORE_MAX];
	char	path[4096], tmp[4200], dir[4096];
	size_t	nold, i;
	time_t	when;
	FILE   *fp;
	int	fd;

	if (ncaps == 0 || signing_time > now + SG_CAPSTORE_FUTURE
	    || !sg_capstore_path(state_dir, name, path, sizeof(path), false)
	    || !sg_capstore_path(state_dir, name, dir, sizeof(dir), true))
		return false;
	if (sg_capstore_get(state_dir, name, old, &nold, &when)
	    && when >= signing_time)
		return false;			/* what we have is as new */
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return false;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long) getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0 || (fp = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			(void) close(fd);
		return false;
	}
	fprintf(fp, "time=%lld caps=", (long long) signing_time);
	for (i = 0; i < ncaps && i < SG_CAPSTORE_MAX; i++)
		fprintf(fp, "%s%s", i ? "," : "", sg_cipher_label(caps[i]));
	fputc('\n', fp);
	if (fclose(fp) != 0 || rename(tmp, path) < 0) {
		(void) unlink(tmp);
		return false;
	}
	return true;
}

/* sg_capstore_choose - the strongest cipher both sides support */
sg_cipher_id sg_capstore_choose(const char *state_dir, const char *name,
				sg_cipher_id fallback)
{
	sg_cipher_id caps[SG_CAPSTORE_MAX];
	size_t	n, i, k;
	time_t	when;

	if (!sg_capstore_get(state_dir, name, caps, &n, &when))
		return fallback;
	for (k = 0; k < sizeof(sg_capstore_ours) / sizeof(*sg_capstore_ours); k++)
		for (i = 0; i < n; i++)
			if (caps[i] == sg_capstore_ours[k])
				return caps[i];
	return fallback;
}
