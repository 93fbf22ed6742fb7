/*
 * NAME
 *	sg_ini 3h
 * SUMMARY
 *	INI files read by iniparser, validated by the caller's schema
 * SYNOPSIS
 *	#include "sg_ini.h"
 *
 *	typedef struct my_conf { char *dir; unsigned retries; } my_conf;
 *	static const sg_ini_item schema[] = {
 *		{"store", "directory", SG_INI_PATH, .required = true,
 *		 SG_INI_FIELD(my_conf, dir)},
 *		{"store", "retries", SG_INI_UINT, .def = "3", .min = 1,
 *		 .max = 10, SG_INI_FIELD(my_conf, retries)},
 *	};
 *	my_conf conf = {0};
 *
 *	st = sg_ini_load(path, schema, SG_INI_COUNT(schema), &conf);
 *	...
 *	sg_ini_free(schema, SG_INI_COUNT(schema), &conf);
 * DESCRIPTION
 *	sg_ini_load() reads an INI file and stores each value of the schema
 *	into the caller's structure at the item's field: adding a key is one
 *	schema entry (and its field). The structure starts zeroed. The
 *	loader knows nothing of what the values mean; the caller's table
 *	does.
 *
 *	Syntax (iniparser 4.1's): "[section]", "key = value", and comment
 *	lines whose first non-blank character is ';' or '#'. Section and key
 *	names are case-insensitive. A line ending in '\' continues on the
 *	next. A value in double or single quotes keeps everything between
 *	them, ';', '#' and blanks included; "" or '' is empty.
 *
 *	Nothing in a file is ever ignored. These are errors: an unknown
 *	section or key, a key given twice (iniparser keeps the last), a key
 *	outside a section, a malformed line, a NUL, a line longer than 1000
 *	characters, a continuation at the end of the file; and every value
 *	that iniparser would cut short: an unquoted value containing ';' or
 *	'#' (iniparser ends it there, so "domains = a.example ; b.example"
 *	would mean a.example alone; comments go on lines of their own, or
 *	the value is quoted), text after a closing quote, an unterminated
 *	quote. Finally iniparser's own reading of every value must equal the
 *	reading of this module, or the file is refused.
 *
 *	Types (the field each fills):
 *	SG_INI_DOMAINS	char ** and the size_t at .count_off: DNS names
 *			separated by commas and/or blanks, lower-cased, no
 *			duplicates, at least one. LDH labels of 1..63, 253 in
 *			all, no empty label (no trailing dot), a last label
 *			that is not all digits (an IPv4 address is not a
 *			domain).
 *	SG_INI_PATH	char *: an absolute path name.
 *	SG_INI_STRING	char *: any text.
 *	SG_INI_UINT	an unsigned integer field of 1, 2, 4 or 8 bytes:
 *			decimal digits only, within .min.. .max.
 *	SG_INI_BOOL	bool: yes/no, true/false, on/off, 1/0 (any case).
 *	SG_INI_ENUM	an integer field (enum, int, bool): one of .words
 *			(any case); the error lists the choices.
 *	An optional .check(value) refines an item: it returns NULL, or a
 *	phrase that completes "'VALUE' ..." (for DOMAINS it sees each name).
 *	.def is parsed like text in the file; without it an unset key leaves
 *	the field zero (NULL). An empty value counts as unset.
 * DIAGNOSTICS
 *	SG_CONFIG with one sentence "FILE:LINE: [section] key: problem" (no
 *	LINE when the key is not in the file). SG_TEMPFAIL when the file
 *	cannot be read. SG_INTERNAL for a schema that does not fit its
 *	fields. On error the fields already set stay set: sg_ini_free()
 *	releases them either way.
 *
 *	sg_ini_print() writes what a loaded structure holds, one line
 *	"[section] key = value" per schema item in schema order, so a new
 *	item is printed without further work: domains joined by ", ", an
 *	ENUM as its first word of that value, a BOOL as yes or no, an unset
 *	optional value as nothing after "= ". What it prints loads back to
 *	the same values (when pasted under its sections).
 */
#ifndef SG_INI_H
#define SG_INI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sg_status.h"

typedef enum sg_ini_type {
	SG_INI_DOMAINS,
	SG_INI_PATH,
	SG_INI_STRING,
	SG_INI_UINT,
	SG_INI_BOOL,
	SG_INI_ENUM,
} sg_ini_type;

typedef struct sg_ini_word {
	const char *word;
	int	value;
} sg_ini_word;				/* a list ends with a NULL word */

typedef struct sg_ini_item {
	const char *section;		/* lower case */
	const char *key;		/* lower case */
	sg_ini_type type;
	bool	required;
	const char *def;		/* default, as file text; or NULL */
	unsigned long long min;		/* UINT bounds */
	unsigned long long max;
	const sg_ini_word *words;	/* ENUM */
	const char *(*check)(const char *value);
	size_t	off;			/* the field: SG_INI_FIELD() */
	size_t	size;
	size_t	count_off;		/* DOMAINS: offsetof its size_t count */
} sg_ini_item;

/* SG_INI_FIELD - designated initialisers for a field of TYPE */
#define SG_INI_FIELD(type, field) \
	.off = offsetof(type, field), .size = sizeof(((type *) 0)->field)

#define SG_INI_COUNT(schema)	(sizeof(schema) / sizeof((schema)[0]))

/* sg_ini_load - read and validate path into base; see sg_ini_free */
sg_status sg_ini_load(const char *path, const sg_ini_item *schema,
		      size_t count, void *base);

/* sg_ini_free - release the strings and lists of the schema's fields */
void	sg_ini_free(const sg_ini_item *schema, size_t count, void *base);

/* sg_ini_print - "[section] key = value" for every item of the schema */
void	sg_ini_print(const sg_ini_item *schema, size_t count,
		     const void *base, FILE *fp);

#endif
