/*
 * NAME
 *	sg_ini 3
 * SUMMARY
 *	INI files read by iniparser, validated by the caller's schema
 * DESCRIPTION
 *	iniparser tokenises the file, but it keeps no line numbers, only
 *	prints syntax errors to stderr, and cuts values without a word. So a
 *	scan of our own first walks the same lines by the same rules
 *	(comments, continuation lines, case folding, quotes) to report
 *	malformed lines, unknown sections and keys and values that iniparser
 *	would cut, and to note where each key is and what its value must
 *	be. iniparser's result is then checked against the scan, so that
 *	nothing it saw is ignored and no value differs, and the schema
 *	validates every value into the caller's structure.
 *
 *	iniparser 4.1 (Debian 12) reads "key = value" with, in this order,
 *	sscanf "%[^=] = \"%[^\"]\"" (a double-quoted value up to the next
 *	'"', the rest of the line dropped), the same with '\'', then
 *	"%[^=] = %[^;#]" (an unquoted value up to the first ';' or '#',
 *	blanks stripped, "" and '' made empty).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <iniparser.h>

#include "sg_buf.h"
#include "sg_ini.h"
#include "sg_mem.h"

#define SG_INI_MAX_FILE		(1024 * 1024)
#define SG_INI_MAX_LINE		1000	/* iniparser's buffer holds 1023 */
#define SG_INI_MAX_DOMAIN	253
#define SG_INI_MAX_LABEL	63
#define SG_INI_SHOW		80	/* quoted text in a message */
#define SG_INI_SPACE		" \t\n\v\f\r"	/* isspace() in the C locale */

/* What the scan found for one schema item. */
typedef struct sg_ini_seen {
	int	line;			/* 0: not in the file */
	char   *value;			/* the value as iniparser must read it */
} sg_ini_seen;

typedef struct sg_ini_scan {
	const char *path;
	const sg_ini_item *schema;
	size_t	count;
	sg_ini_seen *seen;
	const char *section;		/* the current one, from the schema */
} sg_ini_scan;

static const sg_ini_word sg_ini_bools[] = {
	{"yes", 1}, {"true", 1}, {"on", 1}, {"1", 1},
	{"no", 0}, {"false", 0}, {"off", 0}, {"0", 0},
	{NULL, 0},
};

/* sg_ini_error - SG_CONFIG: "file[:line]: [section] key: problem" */
static sg_status sg_ini_error(const char *path, int line, const char *section,
			      const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static sg_status sg_ini_error(const char *path, int line, const char *section,
			      const char *key, const char *fmt, ...)
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

/* sg_ini_quiet - iniparser's error callback; the scan reports */
static int sg_ini_quiet(const char *fmt, ...)
{
	(void) fmt;
	return 0;
}

/* sg_ini_strip - remove leading and trailing white space in place */
static char *sg_ini_strip(char *s)
{
	size_t	n;

	s += strspn(s, SG_INI_SPACE);
	n = strlen(s);
	while (n > 0 && strchr(SG_INI_SPACE, s[n - 1]) != NULL)
		s[--n] = '\0';
	return s;
}

/* sg_ini_lower - fold ASCII upper case, as iniparser does to names */
static void sg_ini_lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s += 'a' - 'A';
}

/* sg_ini_more - "..." when text is longer than a message shows */
static const char *sg_ini_more(const char *text)
{
	return strlen(text) > SG_INI_SHOW ? "..." : "";
}

/* sg_ini_known_section - the schema's name for a section, or NULL */
static const char *sg_ini_known_section(const sg_ini_scan *sc,
					const char *name)
{
	size_t	k;

	for (k = 0; k < sc->count; k++)
		if (strcmp(sc->schema[k].section, name) == 0)
			return sc->schema[k].section;
	return NULL;
}

/* sg_ini_find - schema index of section/key, or -1 */
static int sg_ini_find(const sg_ini_scan *sc, const char *section,
		       const char *key)
{
	size_t	k;

	for (k = 0; k < sc->count; k++)
		if (strcmp(sc->schema[k].section, section) == 0
		    && strcmp(sc->schema[k].key, key) == 0)
			return (int) k;
	return -1;
}

/*
 * sg_ini_value - the value of raw (blank-stripped text after '=') as
 * iniparser reads it, or an error when iniparser would drop any of it.
 */
static sg_status sg_ini_value(const sg_ini_scan *sc, int line,
			      const char *key, char *raw, char **value)
{
	char   *close, *rest;
	char	q = raw[0];

	if (q == '"' || q == '\'') {
		if ((close = strchr(raw + 1, q)) == NULL)
			return sg_ini_error(sc->path, line, sc->section, key,
					    "unterminated quote (%c)", q);
		*close = '\0';
		rest = sg_ini_strip(close + 1);
		if (*rest != '\0')
			return sg_ini_error(sc->path, line, sc->section, key,
				"'%.*s%s' would be ignored: a quoted value "
				"ends at its closing quote (put comments on "
				"lines of their own)", SG_INI_SHOW, rest,
				sg_ini_more(rest));
		*value = sg_strdup(raw + 1);
		return sg_status_ok();
	}
	if ((rest = strpbrk(raw, ";#")) != NULL)
		return sg_ini_error(sc->path, line, sc->section, key,
			"'%.*s%s' would be ignored: a value ends at ';' or "
			"'#' (put comments on lines of their own, or quote "
			"the value to keep the character)", SG_INI_SHOW,
			rest, sg_ini_more(rest));
	*value = sg_strdup(raw);
	return sg_status_ok();
}

/* sg_ini_scan_line - classify one logical line like iniparser */
static sg_status sg_ini_scan_line(sg_ini_scan *sc, int line, char *text)
{
	char   *s = sg_ini_strip(text);
	char   *end, *eq;
	int	k;

	if (*s == '\0' || *s == '#' || *s == ';')
		return sg_status_ok();
	if (s[0] == '[' && s[strlen(s) - 1] == ']') {
		/* iniparser 4.1 takes the name up to the first ']' */
		end = strchr(s, ']');
		*end = '\0';
		s = sg_ini_strip(s + 1);
		sg_ini_lower(s);
		if (*s == '\0')
			return sg_ini_error(sc->path, line, NULL, NULL,
					    "empty section name");
		if ((sc->section = sg_ini_known_section(sc, s)) == NULL)
			return sg_ini_error(sc->path, line, s, NULL,
					    "unknown section");
		return sg_status_ok();
	}
	if ((eq = strchr(s, '=')) == NULL || eq == s)
		return sg_ini_error(sc->path, line, NULL, NULL, "syntax error: "
				    "expected [section], key = value, or a "
				    "comment");
	*eq = '\0';
	s = sg_ini_strip(s);
	sg_ini_lower(s);
	if (sc->section == NULL)
		return sg_ini_error(sc->path, line, NULL, NULL, "key '%s' "
				    "outside of any [section]", s);
	if ((k = sg_ini_find(sc, sc->section, s)) < 0)
		return sg_ini_error(sc->path, line, sc->section, s,
				    "unknown key");
	if (sc->seen[k].line != 0)
		return sg_ini_error(sc->path, line, sc->section, s, "duplicate "
				    "key (first at line %d)", sc->seen[k].line);
	sc->seen[k].line = line;
	return sg_ini_value(sc, line, sc->schema[k].key,
			    sg_ini_strip(eq + 1), &sc->seen[k].value);
}

/* sg_ini_scan_file - check every line; note each key's line and value */
static sg_status sg_ini_scan_file(sg_ini_scan *sc, const sg_buf *file)
{
	const char *p = (const char *) file->data;
	const char *end = p + file->len;
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
			st = sg_ini_error(sc->path, lineno, NULL, NULL,
					  "NUL character");
			goto cleanup;
		}
		while (n > 0 && strchr(SG_INI_SPACE, p[n - 1]) != NULL)
			n--;
		/* A trailing backslash is replaced by the next line. */
		joined = n > 0 && p[n - 1] == '\\';
		sg_buf_append(&logical, p, joined ? n - 1 : n);
		p = nl ? nl + 1 : end;
		if (logical.len > SG_INI_MAX_LINE) {
			st = sg_ini_error(sc->path, start, NULL, NULL, "line "
					  "longer than %d characters",
					  SG_INI_MAX_LINE);
			goto cleanup;
		}
		if (joined && p == end) {
			/* iniparser would drop the line without a word */
			st = sg_ini_error(sc->path, lineno, NULL, NULL,
					  "continuation at end of file");
			goto cleanup;
		}
		if (joined)
			continue;
		sg_buf_append(&logical, "", 0);	/* allocated even if empty */
		st = sg_ini_scan_line(sc, start, (char *) logical.data);
		if (!sg_status_is_ok(&st))
			goto cleanup;
		sg_buf_reset(&logical);
	}
cleanup:
	sg_buf_free(&logical);
	return st;
}

/* sg_ini_crosscheck - iniparser saw what the scan saw, value for value */
static sg_status sg_ini_crosscheck(const sg_ini_scan *sc, const dictionary *d)
{
	char	name[SG_INI_MAX_LINE + 2];
	const sg_ini_item *item;
	const char *text;
	char   *colon;
	ssize_t	i;
	size_t	k;
	int	f;

	for (i = 0; i < d->size; i++) {
		if (d->key[i] == NULL)
			continue;
		snprintf(name, sizeof(name), "%s", d->key[i]);
		if ((colon = strchr(name, ':')) == NULL) {
			if (sg_ini_known_section(sc, name) != NULL)
				continue;
			return sg_ini_error(sc->path, 0, name, NULL, "section "
					    "not understood");
		}
		*colon = '\0';
		f = sg_ini_find(sc, name, colon + 1);
		if (f < 0 || sc->seen[f].line == 0)
			return sg_ini_error(sc->path, 0, name, colon + 1,
					    "key not understood");
	}
	for (k = 0; k < sc->count; k++) {
		item = sc->schema + k;
		snprintf(name, sizeof(name), "%s:%s", item->section, item->key);
		text = iniparser_getstring((dictionary *) d, name, NULL);
		if ((text != NULL) != (sc->seen[k].line != 0))
			return sg_ini_error(sc->path, sc->seen[k].line,
					    item->section, item->key,
					    "key not understood");
		if (text != NULL && strcmp(text, sc->seen[k].value) != 0)
			return sg_ini_error(sc->path, sc->seen[k].line,
					    item->section, item->key,
					    "iniparser reads the value as "
					    "'%.*s%s'", SG_INI_SHOW, text,
					    sg_ini_more(text));
	}
	return sg_status_ok();
}

/* sg_ini_domain_ok - a DNS name: LDH labels, no empty label */
static bool sg_ini_domain_ok(const char *name)
{
	const char *p, *last = name;
	size_t	label = 0;
	char	c;

	if (*name == '\0' || strlen(name) > SG_INI_MAX_DOMAIN)
		return false;
	for (p = name; (c = *p) != '\0'; p++) {
		if (c == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
			last = p + 1;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
			   || (c == '-' && label > 0)) {
			if (++label > SG_INI_MAX_LABEL)
				return false;
		} else {
			return false;
		}
	}
	/* An all-numeric last label: an IPv4 address, not a domain. */
	return label > 0 && p[-1] != '-' && last[strspn(last, "0123456789")];
}

/* sg_ini_checked - the item's own check of one value */
static sg_status sg_ini_checked(const char *path, int line,
				const sg_ini_item *item, const char *value)
{
	const char *why;

	if (item->check == NULL || (why = item->check(value)) == NULL)
		return sg_status_ok();
	return sg_ini_error(path, line, item->section, item->key,
			    "'%.*s%s' %s", SG_INI_SHOW, value,
			    sg_ini_more(value), why);
}

/* sg_ini_domains - parse a domain list into the item's fields */
static sg_status sg_ini_domains(const char *path, int line,
				const sg_ini_item *item, const char *text,
				char *base)
{
	static const char sep[] = "," SG_INI_SPACE;
	char ***list = (char ***) (base + item->off);
	size_t *count = (size_t *) (base + item->count_off);
	char   *copy = sg_strdup(text);
	char   *name, *save = NULL;
	sg_status st = sg_status_ok();
	size_t	i;

	for (name = strtok_r(copy, sep, &save); name != NULL;
	     name = strtok_r(NULL, sep, &save)) {
		sg_ini_lower(name);
		if (!sg_ini_domain_ok(name)) {
			st = sg_ini_error(path, line, item->section, item->key,
					  "'%.*s%s' is not a valid domain name",
					  SG_INI_SHOW, name, sg_ini_more(name));
			goto cleanup;
		}
		st = sg_ini_checked(path, line, item, name);
		if (!sg_status_is_ok(&st))
			goto cleanup;
		for (i = 0; i < *count; i++)
			if (strcmp((*list)[i], name) == 0)
				break;
		if (i < *count)
			continue;
		*list = sg_realloc(*list, (*count + 1) * sizeof(**list));
		(*list)[(*count)++] = sg_strdup(name);
	}
	if (*count == 0)
		st = sg_ini_error(path, line, item->section, item->key,
				  "no domain given");
cleanup:
	free(copy);
	return st;
}

/* sg_ini_uint - strict decimal; *huge when it does not fit at all */
static bool sg_ini_uint(const char *text, unsigned long long *num,
			bool *huge)
{
	unsigned long long n = 0;
	unsigned d;

	*huge = false;
	if (*text == '\0')
		return false;
	for (; *text; text++) {
		if (*text < '0' || *text > '9')
			return false;
		d = (unsigned) (*text - '0');
		if (n > (ULLONG_MAX - d) / 10)
			*huge = true;
		else
			n = n * 10 + d;
	}
	*num = n;
	return true;
}

/* sg_ini_width_max - the largest value an unsigned field of size holds */
static unsigned long long sg_ini_width_max(size_t size)
{
	switch (size) {
	case 1:
		return UINT8_MAX;
	case 2:
		return UINT16_MAX;
	case 4:
		return UINT32_MAX;
	case 8:
		return UINT64_MAX;
	}
	return 0;
}

/* sg_ini_store - an integer into a field of 1, 2, 4 or 8 bytes */
static void sg_ini_store(const sg_ini_item *item, char *base,
			 unsigned long long v)
{
	uint8_t	u8 = (uint8_t) v;
	uint16_t u16 = (uint16_t) v;
	uint32_t u32 = (uint32_t) v;
	uint64_t u64 = (uint64_t) v;
	void   *p = base + item->off;

	switch (item->size) {
	case 1:
		memcpy(p, &u8, 1);
		break;
	case 2:
		memcpy(p, &u16, 2);
		break;
	case 4:
		memcpy(p, &u32, 4);
		break;
	case 8:
		memcpy(p, &u64, 8);
		break;
	}
}

/* sg_ini_enum - look a word up; list the choices when it is wrong */
static sg_status sg_ini_enum(const char *path, int line,
			     const sg_ini_item *item, const sg_ini_word *words,
			     const char *text, char *base)
{
	const sg_ini_word *w;
	char	choices[SG_STATUS_TEXT_MAX] = "";
	size_t	n;

	for (w = words; w->word != NULL; w++) {
		if (strcasecmp(w->word, text) == 0) {
			sg_ini_store(item, base, (unsigned long long) w->value);
			return sg_status_ok();
		}
		n = strlen(choices);
		snprintf(choices + n, sizeof(choices) - n, "%s%s",
			 n ? ", " : "", w->word);
	}
	return sg_ini_error(path, line, item->section, item->key,
			    "unknown value '%.*s%s' (expected %s)",
			    SG_INI_SHOW, text, sg_ini_more(text), choices);
}

/* sg_ini_parse - validate text for one item and store it */
static sg_status sg_ini_parse(const char *path, int line,
			      const sg_ini_item *item, const char *text,
			      char *base)
{
	unsigned long long num;
	bool	huge;
	sg_status st;

	switch (item->type) {
	case SG_INI_DOMAINS:
		return sg_ini_domains(path, line, item, text, base);
	case SG_INI_PATH:
		if (text[0] != '/')
			return sg_ini_error(path, line, item->section,
					    item->key, "'%.*s%s' is not an "
					    "absolute path", SG_INI_SHOW, text,
					    sg_ini_more(text));
		/* FALLTHROUGH */
	case SG_INI_STRING:
		st = sg_ini_checked(path, line, item, text);
		if (sg_status_is_ok(&st))
			*(char **) (base + item->off) = sg_strdup(text);
		return st;
	case SG_INI_UINT:
		if (!sg_ini_uint(text, &num, &huge))
			return sg_ini_error(path, line, item->section,
					    item->key, "'%.*s%s' is not a "
					    "decimal number", SG_INI_SHOW,
					    text, sg_ini_more(text));
		if (huge || num < item->min || num > item->max)
			return sg_ini_error(path, line, item->section,
					    item->key, "%.*s%s is out of range "
					    "(%llu..%llu)", SG_INI_SHOW, text,
					    sg_ini_more(text), item->min,
					    item->max);
		st = sg_ini_checked(path, line, item, text);
		if (sg_status_is_ok(&st))
			sg_ini_store(item, base, num);
		return st;
	case SG_INI_BOOL:
		st = sg_ini_enum(path, line, item, sg_ini_bools, text, base);
		return sg_status_is_ok(&st) ? sg_ini_checked(path, line, item,
							     text) : st;
	case SG_INI_ENUM:
		st = sg_ini_enum(path, line, item, item->words, text, base);
		return sg_status_is_ok(&st) ? sg_ini_checked(path, line, item,
							     text) : st;
	}
	return sg_status_make(SG_INTERNAL, "schema [%s] %s: bad type",
			      item->section, item->key);
}

/* sg_ini_schema_ok - every item fits its field; names are lower case */
static sg_status sg_ini_schema_ok(const sg_ini_item *schema, size_t count)
{
	const sg_ini_item *it;
	bool	fits = false;
	size_t	k;

	for (k = 0; k < count; k++) {
		it = schema + k;
		switch (it->type) {
		case SG_INI_DOMAINS:
			fits = it->size == sizeof(char **);
			break;
		case SG_INI_PATH:
		case SG_INI_STRING:
			fits = it->size == sizeof(char *);
			break;
		case SG_INI_UINT:
			fits = sg_ini_width_max(it->size) != 0
				&& sg_ini_width_max(it->size) >= it->max
				&& it->min <= it->max;
			break;
		case SG_INI_BOOL:
			fits = it->size == sizeof(bool);
			break;
		case SG_INI_ENUM:
			fits = sg_ini_width_max(it->size) != 0
				&& it->words != NULL;
			break;
		}
		if (!fits || strspn(it->section, "abcdefghijklmnopqrstuvwxyz"
				    "0123456789_-.") != strlen(it->section)
		    || strspn(it->key, "abcdefghijklmnopqrstuvwxyz0123456789_-")
		    != strlen(it->key) || *it->key == '\0')
			return sg_status_make(SG_INTERNAL, "schema [%s] %s: "
					      "does not fit its field",
					      it->section, it->key);
	}
	return sg_status_ok();
}

/* sg_ini_load - read and validate path into base; see sg_ini_free */
sg_status sg_ini_load(const char *path, const sg_ini_item *schema,
		      size_t count, void *base)
{
	sg_ini_scan sc = {path, schema, count, NULL, NULL};
	const sg_ini_item *item;
	sg_buf	file = SG_BUF_INIT;
	dictionary *dict = NULL;
	const char *text;
	sg_status st;
	size_t	k;

	sc.seen = sg_calloc(count ? count : 1, sizeof(*sc.seen));
	st = sg_ini_schema_ok(schema, count);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	st = sg_buf_read_file(&file, path, SG_INI_MAX_FILE);
	if (st.code == SG_REJECT)
		st = sg_ini_error(path, 0, NULL, NULL, "larger than %d bytes",
				  SG_INI_MAX_FILE);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	st = sg_ini_scan_file(&sc, &file);
	if (!sg_status_is_ok(&st))
		goto cleanup;

	iniparser_set_error_callback(sg_ini_quiet);
	dict = iniparser_load(path);
	iniparser_set_error_callback(NULL);
	if (dict == NULL) {
		st = sg_status_make(SG_TEMPFAIL, "%s: iniparser cannot load "
				    "the file", path);
		goto cleanup;
	}
	st = sg_ini_crosscheck(&sc, dict);
	if (!sg_status_is_ok(&st))
		goto cleanup;

	for (k = 0; k < count; k++) {
		item = schema + k;
		text = sc.seen[k].value;
		if (text == NULL || *text == '\0') {
			if (item->required) {
				st = sg_ini_error(path, sc.seen[k].line,
						  item->section, item->key,
						  "required value is %s",
						  text ? "empty" : "missing");
				goto cleanup;
			}
			if ((text = item->def) == NULL)
				continue;
		}
		st = sg_ini_parse(path, sc.seen[k].line, item, text,
				  (char *) base);
		if (!sg_status_is_ok(&st))
			goto cleanup;
	}

cleanup:
	for (k = 0; k < count; k++)
		free(sc.seen[k].value);
	free(sc.seen);
	if (dict != NULL)
		iniparser_freedict(dict);
	sg_buf_free(&file);
	return st;
}

/* sg_ini_free - release the strings and lists of the schema's fields */
void	sg_ini_free(const sg_ini_item *schema, size_t count, void *base)
{
	char   *b = base;
	char  **list;
	size_t	k, i, *n;

	if (base == NULL)
		return;
	for (k = 0; k < count; k++) {
		switch (schema[k].type) {
		case SG_INI_DOMAINS:
			list = *(char ***) (b + schema[k].off);
			n = (size_t *) (b + schema[k].count_off);
			for (i = 0; list != NULL && i < *n; i++)
				free(list[i]);
			free(list);
			*(char ***) (b + schema[k].off) = NULL;
			*n = 0;
			break;
		case SG_INI_PATH:
		case SG_INI_STRING:
			free(*(char **) (b + schema[k].off));
			*(char **) (b + schema[k].off) = NULL;
			break;
		default:
			break;
		}
	}
}

/* sg_ini_fetch - the integer in a field of 1, 2, 4 or 8 bytes */
static unsigned long long sg_ini_fetch(const sg_ini_item *item,
				       const char *base)
{
	uint8_t	u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	const void *p = base + item->off;

	switch (item->size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return u16;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	case 8:
		memcpy(&u64, p, 8);
		return u64;
	}
	return 0;
}

/*
 * sg_ini_word_of - the first word stored as v. A negative value was
 * stored truncated to the field's width, so compare at that width.
 */
static const char *sg_ini_word_of(const sg_ini_item *item,
				  const sg_ini_word *words,
				  unsigned long long v)
{
	unsigned long long mask = sg_ini_width_max(item->size);
	const sg_ini_word *w;

	for (w = words; w->word != NULL; w++)
		if (((unsigned long long) w->value & mask) == (v & mask))
			return w->word;
	return "?";
}

/*
 * sg_ini_print_text - " value", quoted where the file needs quotes to
 * read it back (';', '#', a quote first, blanks at either end)
 */
static void sg_ini_print_text(FILE *fp, const char *text)
{
	size_t	n = strlen(text);

	if (strpbrk(text, ";#") == NULL && text[0] != '"' && text[0] != '\''
	    && strchr(SG_INI_SPACE, text[0]) == NULL
	    && strchr(SG_INI_SPACE, text[n - 1]) == NULL)
		fprintf(fp, " %s", text);
	else if (strchr(text, '"') == NULL)
		fprintf(fp, " \"%s\"", text);
	else
		fprintf(fp, " '%s'", text);
}

/* sg_ini_print - "[section] key = value" for every item of the schema */
void	sg_ini_print(const sg_ini_item *schema, size_t count,
		     const void *base, FILE *fp)
{
	const char *b = base;
	const sg_ini_item *item;
	char   *const *list;
	const char *text;
	size_t	k, i, n;

	for (k = 0; k < count; k++) {
		item = schema + k;
		fprintf(fp, "[%s] %s =", item->section, item->key);
		switch (item->type) {
		case SG_INI_DOMAINS:
			list = *(char **const *) (b + item->off);
			n = *(const size_t *) (b + item->count_off);
			for (i = 0; list != NULL && i < n; i++)
				fprintf(fp, "%s%s", i ? ", " : " ", list[i]);
			break;
		case SG_INI_PATH:
		case SG_INI_STRING:
			text = *(char *const *) (b + item->off);
			if (text != NULL && *text != '\0')
				sg_ini_print_text(fp, text);
			break;
		case SG_INI_UINT:
			fprintf(fp, " %llu", sg_ini_fetch(item, b));
			break;
		case SG_INI_BOOL:
			fprintf(fp, " %s", *(const bool *) (b + item->off)
				? "yes" : "no");
			break;
		case SG_INI_ENUM:
			fprintf(fp, " %s", sg_ini_word_of(item, item->words,
							  sg_ini_fetch(item,
								       b)));
			break;
		}
		fputc('\n', fp);
	}
}
