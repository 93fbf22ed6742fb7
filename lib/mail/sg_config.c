/*
 * NAME
 *	sg_config 3
 * SUMMARY
 *	the smimegw configuration file
 * DESCRIPTION
 *	iniparser tokenises the file, but it keeps no line numbers and only
 *	prints syntax errors to stderr. So a scan of our own first walks the
 *	same lines by the same rules (comments, continuation lines, case
 *	folding) to report malformed lines, unknown sections and keys, and to
 *	note where each key is. iniparser's result is then checked against
 *	the scan, so that nothing it saw can be ignored silently, and the
 *	schema table validates every value.
 *
 *	A key given twice is an error: iniparser would keep the last value
 *	without a word, so a second domains line would drop the first.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <iniparser.h>

#include "sg_buf.h"
#include "sg_config.h"
#include "sg_mem.h"

#define SG_CONFIG_MAX_FILE	(1024 * 1024)
#define SG_CONFIG_MAX_LINE	1000	/* iniparser's buffer holds 1023 */
#define SG_CONFIG_MAX_DOMAIN	253
#define SG_CONFIG_MAX_LABEL	63
#define SG_CONFIG_SPACE		" \t\n\v\f\r"	/* isspace() in the C locale */

typedef enum sg_config_type {
	SG_CONFIG_DOMAINS,		/* comma and/or space separated names */
	SG_CONFIG_PATH,			/* an absolute path name */
	SG_CONFIG_UINT,			/* decimal digits, within min..max */
	SG_CONFIG_ENUM,			/* one of the words, any case */
} sg_config_type;

typedef struct sg_config_word {
	const char *word;
	int	value;
} sg_config_word;

typedef struct sg_config_item {
	const char *section;
	const char *key;
	sg_config_type type;
	bool	required;
	const char *def;		/* parsed like file text; NULL: unset */
	unsigned long long min;
	unsigned long long max;
	const sg_config_word *words;	/* ends with a NULL word */
} sg_config_item;

typedef struct sg_config_value {
	unsigned long long num;		/* UINT and ENUM */
	char   *str;			/* PATH; NULL when unset */
	char  **list;			/* DOMAINS */
	size_t	count;
} sg_config_value;

enum {
	SG_K_DOMAINS, SG_K_CERTIFICATE, SG_K_PRIVATE_KEY, SG_K_SENDMAIL,
	SG_K_NULL_SENDER, SG_K_TIMEOUT, SG_K_MAX_SIZE, SG_K_LOG_FILE,
	SG_K_CERT_DIR, SG_K_CIPHER, SG_K_MIXED, SG_K_KEYTRANS, SG_K_RID,
	SG_K_DECRYPT_FAILURE, SG_K_DESKTOP, SG_K_COUNT
};

static const sg_config_word sg_config_null_sender[] = {
	{"outbound", 1}, {"inbound", 0}, {NULL, 0},
};

static const sg_config_word sg_config_ciphers[] = {
	{"aes128-cbc", SG_CIPHER_AES128_CBC},
	{"aes256-cbc", SG_CIPHER_AES256_CBC},
	{"aes128-gcm", SG_CIPHER_AES128_GCM},
	{"aes256-gcm", SG_CIPHER_AES256_GCM},
	{NULL, 0},
};

static const sg_config_word sg_config_mixed[] = {
	{"split", SG_MIXED_SPLIT}, {"reject", SG_MIXED_REJECT}, {NULL, 0},
};

static const sg_config_word sg_config_keytrans[] = {
	{"rsa-pkcs1", SG_KEYTRANS_RSA_PKCS1},
	{"rsa-oaep", SG_KEYTRANS_RSA_OAEP},
	{NULL, 0},
};

static const sg_config_word sg_config_rid[] = {
	{"issuer-serial", SG_CMS_RID_ISSUER_SERIAL},
	{"ski", SG_CMS_RID_SKI},
	{NULL, 0},
};

static const sg_config_word sg_config_decrypt_failure[] = {
	{"bounce", SG_DECRYPT_FAILURE_BOUNCE},
	{"defer", SG_DECRYPT_FAILURE_DEFER},
	{NULL, 0},
};

static const sg_config_word sg_config_desktop[] = {
	{"pass", SG_DESKTOP_PASS}, {"reject", SG_DESKTOP_REJECT}, {NULL, 0},
};

static const sg_config_item sg_config_schema[SG_K_COUNT] = {
	[SG_K_DOMAINS] = {"gateway", "domains", SG_CONFIG_DOMAINS, true},
	[SG_K_CERTIFICATE] = {"gateway", "certificate", SG_CONFIG_PATH, true},
	[SG_K_PRIVATE_KEY] = {"gateway", "private_key", SG_CONFIG_PATH, true},
	[SG_K_SENDMAIL] = {"gateway", "sendmail", SG_CONFIG_PATH, false,
		"/usr/sbin/sendmail"},
	[SG_K_NULL_SENDER] = {"gateway", "null_sender", SG_CONFIG_ENUM, false,
		"outbound", 0, 0, sg_config_null_sender},
	[SG_K_TIMEOUT] = {"gateway", "timeout", SG_CONFIG_UINT, false,
		"240", 10, 3600},
	[SG_K_MAX_SIZE] = {"gateway", "max_message_size", SG_CONFIG_UINT, false,
		"52428800", 1024, 1073741824},
	[SG_K_LOG_FILE] = {"gateway", "log_file", SG_CONFIG_PATH, false},
	[SG_K_CERT_DIR] = {"certificates", "directory", SG_CONFIG_PATH, false,
		"/etc/smimegw/certs"},
	[SG_K_CIPHER] = {"outbound", "cipher", SG_CONFIG_ENUM, false,
		"aes256-cbc", 0, 0, sg_config_ciphers},
	[SG_K_MIXED] = {"outbound", "mixed_recipients", SG_CONFIG_ENUM, false,
		"split", 0, 0, sg_config_mixed},
	[SG_K_KEYTRANS] = {"outbound", "key_transport", SG_CONFIG_ENUM, false,
		"rsa-pkcs1", 0, 0, sg_config_keytrans},
	[SG_K_RID] = {"outbound", "recipient_id", SG_CONFIG_ENUM, false,
		"issuer-serial", 0, 0, sg_config_rid},
	[SG_K_DECRYPT_FAILURE] = {"inbound", "decrypt_failure", SG_CONFIG_ENUM,
		false, "bounce", 0, 0, sg_config_decrypt_failure},
	[SG_K_DESKTOP] = {"inbound", "desktop_smime", SG_CONFIG_ENUM, false,
		"pass", 0, 0, sg_config_desktop},
};

/* sg_config_error - SG_CONFIG: "file[:line]: [section] key: problem" */
static sg_status sg_config_error(const char *path, int line,
				 const char *section, const char *key,
				 const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static sg_status sg_config_error(const char *path, int line,
				 const char *section, const char *key,
				 const char *fmt, ...)
{
	char	where[SG_STATUS_TEXT_MAX];
	char	what[SG_STATUS_TEXT_MAX];
	size_t	n;
	va_list	ap;

	if (line > 0)
		snprintf(where, sizeof(where), "%s:%d:", path, line);
	else
		snprintf(where, sizeof(where), "%s:", path);
	n = strlen(where);
	if (section != NULL)
		snprintf(where + n, sizeof(where) - n, " [%s]%s%s:", section,
			 key ? " " : "", key ? key : "");
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return sg_status_make(SG_CONFIG, "%s %s", where, what);
}

/* sg_config_quiet - iniparser's error callback; the scan reports */
static int sg_config_quiet(const char *fmt, ...)
{
	return 0;
}

/* sg_config_strip - remove leading and trailing white space in place */
static char *sg_config_strip(char *s)
{
	size_t	n;

	s += strspn(s, SG_CONFIG_SPACE);
	n = strlen(s);
	while (n > 0 && strchr(SG_CONFIG_SPACE, s[n - 1]) != NULL)
		s[--n] = '\0';
	return s;
}

/* sg_config_lower - fold ASCII upper case, as iniparser does to names */
static void sg_config_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

/* sg_config_known_section - the schema's name for a section, or NULL */
static const char *sg_config_known_section(const char *name)
{
	size_t	k;

	for (k = 0; k < SG_K_COUNT; k++)
		if (strcmp(sg_config_schema[k].section, name) == 0)
			return sg_config_schema[k].section;
	return NULL;
}

/* sg_config_find - schema index of section/key, or -1 */
static int sg_config_find(const char *section, const char *key)
{
	int	k;

	for (k = 0; k < SG_K_COUNT; k++)
		if (strcmp(sg_config_schema[k].section, section) == 0
		    && strcmp(sg_config_schema[k].key, key) == 0)
			return k;
	return -1;
}

/* sg_config_scan_line - classify one logical line like iniparser */
static sg_status sg_config_scan_line(const char *path, int line, char *text,
				     const char **section, int *lines)
{
	char   *s = sg_config_strip(text);
	char   *end, *eq;
	int	k;

	if (*s == '\0' || *s == '#' || *s == ';')
		return sg_status_ok();
	if (s[0] == '[' && s[strlen(s) - 1] == ']') {
		/* iniparser 4.1 takes the name up to the first ']' */
		end = strchr(s, ']');
		*end = '\0';
		s = sg_config_strip(s + 1);
		sg_config_lower(s);
		if (*s == '\0')
			return sg_config_error(path, line, NULL, NULL,
					       "empty section name");
		if ((*section = sg_config_known_section(s)) == NULL)
			return sg_config_error(path, line, s, NULL,
					       "unknown section");
		return sg_status_ok();
	}
	if ((eq = strchr(s, '=')) == NULL || eq == s)
		return sg_config_error(path, line, NULL, NULL, "syntax error: "
				       "expected [section], key = value, or "
				       "a comment");
	*eq = '\0';
	s = sg_config_strip(s);
	sg_config_lower(s);
	if (*section == NULL)
		return sg_config_error(path, line, NULL, NULL, "key '%s' "
				       "outside of any [section]", s);
	if ((k = sg_config_find(*section, s)) < 0)
		return sg_config_error(path, line, *section, s, "unknown key");
	if (lines[k] != 0)
		return sg_config_error(path, line, *section, s, "duplicate "
				       "key (first at line %d)", lines[k]);
	lines[k] = line;
	return sg_status_ok();
}

/* sg_config_scan - check every line; note the line of each key */
static sg_status sg_config_scan(const char *path, const sg_buf *file,
				int *lines)
{
	const char *p = (const char *) file->data;
	const char *end = p + file->len;
	const char *section = NULL;
	const char *nl;
	sg_buf	logical = SG_BUF_INIT;
	sg_status st = sg_status_ok();
	int	lineno = 0, start = 0;
	bool	joined = false;
	size_t	n;

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		n = (nl ? nl : end) - p;
		lineno++;
		if (!joined)			/* a new logical line */
			start = lineno;
		if (memchr(p, '\0', n) != NULL) {
			st = sg_config_error(path, lineno, NULL, NULL,
					     "NUL character");
			goto cleanup;
		}
		while (n > 0 && strchr(SG_CONFIG_SPACE, p[n - 1]) != NULL)
			n--;
		/* A trailing backslash is replaced by the next line. */
		joined = n > 0 && p[n - 1] == '\\';
		sg_buf_append(&logical, p, joined ? n - 1 : n);
		p = nl ? nl + 1 : end;
		if (logical.len > SG_CONFIG_MAX_LINE) {
			st = sg_config_error(path, start, NULL, NULL, "line "
					     "longer than %d characters",
					     SG_CONFIG_MAX_LINE);
			goto cleanup;
		}
		if (joined && p == end) {
			/* iniparser would drop the line without a word */
			st = sg_config_error(path, lineno, NULL, NULL,
					     "continuation at end of file");
			goto cleanup;
		}
		if (joined)
			continue;
		sg_buf_append(&logical, "", 0);	/* allocated even if empty */
		st = sg_config_scan_line(path, start, (char *) logical.data,
					 &section, lines);
		if (!sg_status_is_ok(&st))
			goto cleanup;
		sg_buf_reset(&logical);
	}
cleanup:
	sg_buf_free(&logical);
	return st;
}

/* sg_config_domain_ok - a DNS name: LDH labels, no empty label */
static bool sg_config_domain_ok(const char *name)
{
	size_t	label = 0;
	const char *p;
	char	c;

	if (*name == '\0' || strlen(name) > SG_CONFIG_MAX_DOMAIN)
		return false;
	for (p = name; (c = *p) != '\0'; p++) {
		if (c == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
			   || (c == '-' && label > 0)) {
			if (++label > SG_CONFIG_MAX_LABEL)
				return false;
		} else {
			return false;
		}
	}
	return label > 0 && p[-1] != '-';
}

/* sg_config_domains - parse the domain list */
static sg_status sg_config_domains(const char *path, int line,
				   const sg_config_item *item,
				   const char *text, sg_config_value *val)
{
	static const char sep[] = "," SG_CONFIG_SPACE;
	char   *copy = sg_strdup(text);
	char   *name, *save = NULL;
	sg_status st = sg_status_ok();
	size_t	i;

	for (name = strtok_r(copy, sep, &save); name != NULL;
	     name = strtok_r(NULL, sep, &save)) {
		sg_config_lower(name);
		if (!sg_config_domain_ok(name)) {
			st = sg_config_error(path, line, item->section,
					     item->key, "'%s' is not a valid "
					     "domain name", name);
			goto cleanup;
		}
		for (i = 0; i < val->count; i++)
			if (strcmp(val->list[i], name) == 0)
				break;
		if (i < val->count)
			continue;
		val->list = sg_realloc(val->list, (val->count + 1)
				       * sizeof(*val->list));
		val->list[val->count++] = sg_strdup(name);
	}
	if (val->count == 0)
		st = sg_config_error(path, line, item->section, item->key,
				     "no domain given");
cleanup:
	free(copy);
	return st;
}

/* sg_config_uint - strict decimal; saturates so huge values are caught */
static bool sg_config_uint(const char *text, unsigned long long *num)
{
	unsigned long long n = 0;
	unsigned d;

	if (*text == '\0')
		return false;
	for (; *text; text++) {
		if (*text < '0' || *text > '9')
			return false;
		d = (unsigned) (*text - '0');
		n = n > (ULLONG_MAX - d) / 10 ? ULLONG_MAX : n * 10 + d;
	}
	*num = n;
	return true;
}

/* sg_config_enum - look a word up; list the choices when it is wrong */
static sg_status sg_config_enum(const char *path, int line,
				const sg_config_item *item, const char *text,
				sg_config_value *val)
{
	const sg_config_word *w;
	char	choices[SG_STATUS_TEXT_MAX] = "";
	size_t	n;

	for (w = item->words; w->word != NULL; w++) {
		if (strcasecmp(w->word, text) == 0) {
			val->num = (unsigned long long) w->value;
			return sg_status_ok();
		}
		n = strlen(choices);
		snprintf(choices + n, sizeof(choices) - n, "%s%s",
			 n ? ", " : "", w->word);
	}
	return sg_config_error(path, line, item->section, item->key,
			       "unknown value '%s' (expected %s)", text,
			       choices);
}

/* sg_config_value_parse - validate text for one schema item */
static sg_status sg_config_value_parse(const char *path, int line,
				       const sg_config_item *item,
				       const char *text, sg_config_value *val)
{
	switch (item->type) {
	case SG_CONFIG_DOMAINS:
		return sg_config_domains(path, line, item, text, val);
	case SG_CONFIG_PATH:
		if (text[0] != '/')
			return sg_config_error(path, line, item->section,
					       item->key, "'%s' is not an "
					       "absolute path", text);
		val->str = sg_strdup(text);
		return sg_status_ok();
	case SG_CONFIG_UINT:
		if (!sg_config_uint(text, &val->num))
			return sg_config_error(path, line, item->section,
					       item->key, "'%s' is not a "
					       "decimal number", text);
		if (val->num < item->min || val->num > item->max)
			return sg_config_error(path, line, item->section,
					       item->key, "%s is out of range "
					       "(%llu..%llu)", text,
					       item->min, item->max);
		return sg_status_ok();
	case SG_CONFIG_ENUM:
		return sg_config_enum(path, line, item, text, val);
	}
	return sg_status_make(SG_INTERNAL, "config item %s: bad type",
			      item->key);
}

/* sg_config_crosscheck - everything iniparser found, the scan saw */
static sg_status sg_config_crosscheck(const char *path, const dictionary *d,
				      const int *lines)
{
	char	name[SG_CONFIG_MAX_LINE + 2];
	char   *colon;
	ssize_t	i;
	int	k;

	for (i = 0; i < d->size; i++) {
		if (d->key[i] == NULL)
			continue;
		snprintf(name, sizeof(name), "%s", d->key[i]);
		if ((colon = strchr(name, ':')) == NULL) {
			if (sg_config_known_section(name) != NULL)
				continue;
			return sg_config_error(path, 0, name, NULL, "section "
					       "not understood");
		}
		*colon = '\0';
		k = sg_config_find(name, colon + 1);
		if (k < 0 || lines[k] == 0)
			return sg_config_error(path, 0, name, colon + 1,
					       "key not understood");
	}
	return sg_status_ok();
}

/* sg_config_assign - hand the parsed values over to the structure */
static void sg_config_assign(sg_config *cfg, sg_config_value *v)
{
	cfg->domains = v[SG_K_DOMAINS].list;
	cfg->ndomains = v[SG_K_DOMAINS].count;
	cfg->certificate = v[SG_K_CERTIFICATE].str;
	cfg->private_key = v[SG_K_PRIVATE_KEY].str;
	cfg->sendmail = v[SG_K_SENDMAIL].str;
	cfg->null_sender_outbound = v[SG_K_NULL_SENDER].num != 0;
	cfg->timeout = (unsigned) v[SG_K_TIMEOUT].num;
	cfg->max_message_size = (size_t) v[SG_K_MAX_SIZE].num;
	cfg->log_file = v[SG_K_LOG_FILE].str;
	cfg->cert_dir = v[SG_K_CERT_DIR].str;
	cfg->cipher = (sg_cipher_id) v[SG_K_CIPHER].num;
	cfg->mixed_recipients = (sg_mixed_policy) v[SG_K_MIXED].num;
	cfg->key_transport = (sg_keytrans_alg) v[SG_K_KEYTRANS].num;
	cfg->recipient_id = (sg_cms_rid) v[SG_K_RID].num;
	cfg->decrypt_failure = (sg_decrypt_failure)
		v[SG_K_DECRYPT_FAILURE].num;
	cfg->desktop_smime = (sg_desktop_policy) v[SG_K_DESKTOP].num;
}

/* sg_config_load - read and validate a file; caller frees *cfg */
sg_status sg_config_load(const char *path, sg_config **cfgp)
{
	sg_config *cfg = sg_calloc(1, sizeof(*cfg));
	sg_config_value v[SG_K_COUNT];
	const sg_config_item *item;
	int	lines[SG_K_COUNT] = {0};
	char	name[128];
	sg_buf	file = SG_BUF_INIT;
	dictionary *dict = NULL;
	const char *text;
	sg_status st;
	int	k;

	*cfgp = NULL;
	memset(v, 0, sizeof(v));
	cfg->path = sg_strdup(path);
	st = sg_buf_read_file(&file, path, SG_CONFIG_MAX_FILE);
	if (st.code == SG_REJECT)
		st = sg_config_error(path, 0, NULL, NULL, "larger than %d "
				     "bytes", SG_CONFIG_MAX_FILE);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	st = sg_config_scan(path, &file, lines);
	if (!sg_status_is_ok(&st))
		goto cleanup;

	iniparser_set_error_callback(sg_config_quiet);
	dict = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (dict == NULL) {
		st = sg_status_make(SG_TEMPFAIL, "%s: iniparser cannot load "
				    "the file", path);
		goto cleanup;
	}
	st = sg_config_crosscheck(path, dict, lines);
	if (!sg_status_is_ok(&st))
		goto cleanup;

	for (k = 0; k < SG_K_COUNT; k++) {
		item = sg_config_schema + k;
		snprintf(name, sizeof(name), "%s:%s", item->section, item->key);
		text = iniparser_getstring(dict, name, NULL);
		if ((text != NULL) != (lines[k] != 0)) {
			st = sg_config_error(path, lines[k], item->section,
					     item->key, "key not understood");
			goto cleanup;
		}
		if (text == NULL || *text == '\0') {
			if (item->required) {
				st = sg_config_error(path, lines[k],
						     item->section, item->key,
						     "required value is %s",
						     text ? "empty"
						     : "missing");
				goto cleanup;
			}
			if ((text = item->def) == NULL)
				continue;
		}
		st = sg_config_value_parse(path, lines[k], item, text, v + k);
		if (!sg_status_is_ok(&st))
			goto cleanup;
	}

cleanup:
	sg_config_assign(cfg, v);
	if (sg_status_is_ok(&st))
		*cfgp = cfg;
	else
		sg_config_free(cfg);
	if (dict != NULL)
		iniparser_freedict(dict);
	sg_buf_free(&file);
	return st;
}

/* sg_config_free - release a configuration; NULL is allowed */
void	sg_config_free(sg_config *cfg)
{
	size_t	i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->ndomains; i++)
		free(cfg->domains[i]);
	free(cfg->domains);
	free(cfg->certificate);
	free(cfg->private_key);
	free(cfg->sendmail);
	free(cfg->log_file);
	free(cfg->cert_dir);
	free(cfg->path);
	free(cfg);
}
