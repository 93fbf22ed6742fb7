/*
 * NAME
 *	fuzz_config 1
 * SUMMARY
 *	fuzz target: the configuration loader (sg_config_load)
 * DESCRIPTION
 *	The input is the content of a configuration file: it is written to
 *	a private temporary file and loaded. Besides memory safety the
 *	target checks what sg_config(3h) promises: a loaded configuration
 *	has at least one domain, every domain lower-case and none twice, the
 *	required paths set and the integers within their bounds; a refused
 *	one is a CONFIG error whose sentence names the file.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sg_config.h"
#include "sg_fuzz.h"

/* fuzz_config_check - the promises about a loaded configuration */
static void fuzz_config_check(const sg_config *cfg)
{
	size_t	i, j;
	const char *p;

	SG_FUZZ_ASSERT(cfg->ndomains > 0 && cfg->domains != NULL);
	for (i = 0; i < cfg->ndomains; i++) {
		SG_FUZZ_ASSERT(cfg->domains[i] != NULL && *cfg->domains[i]);
		for (p = cfg->domains[i]; *p; p++)
			SG_FUZZ_ASSERT(!isupper((unsigned char) *p));
		for (j = 0; j < i; j++)
			SG_FUZZ_ASSERT(strcmp(cfg->domains[i],
					      cfg->domains[j]) != 0);
	}
	SG_FUZZ_ASSERT(cfg->certificate && *cfg->certificate);
	SG_FUZZ_ASSERT(cfg->private_key && *cfg->private_key);
	SG_FUZZ_ASSERT(cfg->sendmail && *cfg->sendmail);
	SG_FUZZ_ASSERT(cfg->cert_dir && *cfg->cert_dir);
	SG_FUZZ_ASSERT(cfg->timeout >= 10 && cfg->timeout <= 3600);
	SG_FUZZ_ASSERT(cfg->max_message_size >= 1024
		       && cfg->max_message_size <= 1073741824);
}

/* LLVMFuzzerTestOneInput - load one input as a configuration file */
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	path[4096];
	sg_config *cfg = NULL;
	sg_status st;

	snprintf(path, sizeof(path), "%s/smimegw.conf", sg_fuzz_dir());
	sg_fuzz_write(path, data, size);
	st = sg_config_load(path, &cfg);
	SG_FUZZ_ASSERT(memchr(st.text, '\0', sizeof(st.text)) != NULL);
	if (sg_status_is_ok(&st)) {
		SG_FUZZ_ASSERT(cfg != NULL);
		fuzz_config_check(cfg);
	} else {
		SG_FUZZ_ASSERT(cfg == NULL);
		SG_FUZZ_ASSERT(st.code == SG_CONFIG || st.code == SG_TEMPFAIL);
		SG_FUZZ_ASSERT(strstr(st.text, "smimegw.conf") != NULL);
	}
	sg_config_free(cfg);
	(void) unlink(path);
	return 0;
}
