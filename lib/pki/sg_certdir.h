/*
 * NAME
 *	sg_certdir 3h
 * SUMMARY
 *	find a recipient's certificates in the flat certificate directory
 * SYNOPSIS
 *	#include "sg_certdir.h"
 *
 *	char *file = NULL;
 *	st = sg_certdir_find(dir, "x@dept.b.example", &file);
 *	... file is "DIR/dept.b.example.pem", or NULL: no certificate ...
 *	st = sg_certdir_load(file, now, &certs);
 * DESCRIPTION
 *	The directory holds <address>.pem (lower-case local@domain) for
 *	single recipients and <domain>.pem for peer domain gateways (RFC 3183
 *	domain certificates). sg_certdir_find() tries, by direct open and
 *	never by scanning the directory, the address file first, then the
 *	domain and each parent domain with at least two labels, most specific
 *	first: for x@dept.b.example, x@dept.b.example.pem, dept.b.example.pem,
 *	b.example.pem. Names that could leave the directory or are not plain
 *	(a '/', a leading '.', "..", control characters, space) are never
 *	tried. The caller frees *file.
 *
 *	sg_certdir_load() reads every certificate of a file and keeps those
 *	valid at time now (rollover: a file may hold the old and the new
 *	certificate; every valid one becomes a recipient).
 * DIAGNOSTICS
 *	sg_certdir_find(): SG_TEMPFAIL when the directory is missing or not a
 *	directory, or a name cannot be looked up; an entry that exists (even
 *	a dangling link) is returned, so that sg_certdir_load() fails on it.
 *	sg_certdir_load(): SG_TEMPFAIL when a file exists but cannot be read, cannot be parsed,
 *	or holds no certificate valid now (fail closed: the message waits
 *	for the administrator rather than leave in clear).
 */
#ifndef SG_CERTDIR_H
#define SG_CERTDIR_H

#include <time.h>

#include "sg_certs.h"
#include "sg_status.h"

sg_status sg_certdir_find(const char *dir, const char *rcpt, char **file);
sg_status sg_certdir_load(const char *file, time_t now, sg_certs *certs);

#endif
