/*
 * NAME
 *	smimegw-cert 8
 * SUMMARY
 *	manage the certificates of the smimegw gateway
 * SYNOPSIS
 *	smimegw-cert [-c CONFIG] list [--json]
 *	smimegw-cert [-c CONFIG] show FILE|DOMAIN|ADDRESS
 *	smimegw-cert [-c CONFIG] check [--warn DAYS] [--crit DAYS]
 *	smimegw-cert [-c CONFIG] import [--domain D | --address A]
 *		[--password-file F] [--force] FILE
 *	smimegw-cert [-c CONFIG] remove DOMAIN|ADDRESS
 *	smimegw-cert [-c CONFIG] pending | approve [--force] ID | reject ID
 *	smimegw-cert request --domain D --key-out KEY --csr-out CSR [--ec]
 * DESCRIPTION
 *	A thin program: argv, the configuration, and the library modules
 *	sg_certinv(3) (list, show, check), sg_certread(3) and sg_certcheck(3)
 *	(import), sg_certstore(3) (files, the pending store) and sg_certreq(3)
 *	(request). See smimegw-cert(8).
 * DIAGNOSTICS
 *	Exit 0 on success, 1 on a refused or failed command (one line on
 *	stderr naming the file), 2 on a usage error. check: 0 OK, 1 WARNING,
 *	2 CRITICAL, 3 UNKNOWN (monitoring plugin convention).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <gnutls/gnutls.h>

#include "sg_capstore.h"
#include "sg_certcheck.h"
#include "sg_certdir.h"
#include "sg_certinv.h"
#include "sg_certread.h"
#include "sg_certreq.h"
#include "sg_certstore.h"
#include "sg_config.h"
#include "sg_ldapsync.h"
#include "sg_mem.h"

#define DEF_CONFIG	"/etc/smimegw/smimegw.conf"
#define EXIT_USAGE	2
#define CHECK_WARNING	1
#define CHECK_CRITICAL	2
#define CHECK_UNKNOWN	3

static const char *progname = "smimegw-cert";

static void usage(void) __attribute__((noreturn));
static void die(const sg_status *st) __attribute__((noreturn));

/* usage - the synopsis on stderr, exit 2 */
static void usage(void)
{
	fprintf(stderr,
		"usage: %s [-c CONFIG] list [--json]\n"
		"       %s [-c CONFIG] show FILE|DOMAIN|ADDRESS\n"
		"       %s [-c CONFIG] check [--warn DAYS] [--crit DAYS]\n"
		"       %s [-c CONFIG] import [--domain D | --address A] "
		"[--password-file F] [--force] FILE\n"
		"       %s [-c CONFIG] remove DOMAIN|ADDRESS\n"
		"       %s [-c CONFIG] pending | approve [--force] ID | "
		"reject ID\n"
		"       %s request --domain D --key-out KEY --csr-out CSR "
		"[--ec]\n", progname, progname, progname, progname, progname,
		progname, progname);
	exit(EXIT_USAGE);
}

/* die - one line naming the problem, exit 1 */
static void die(const sg_status *st)
{
	fprintf(stderr, "%s: %s\n", progname, st->text);
	exit(1);
}

/* where_of - the places a configuration names */
static sg_certinv_where where_of(const sg_config *cfg)
{
	sg_certinv_where w;

	w.own_encryption = cfg->certificate;
	w.own_signing = cfg->sign_certificate;
	w.cert_dir = cfg->cert_dir;
	w.trust_anchors = cfg->trust_anchors;
	w.crl_dir = cfg->crl_dir;
	w.pending_dir = cfg->harvest_pending_dir;
	return w;
}

/* date_of - "YYYY-MM-DD HH:MM:SS" UTC, or "-" */
static const char *date_of(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (t == (time_t) -1 || gmtime_r(&t, &tm) == NULL
	    || strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(buf, size, "-");
	return buf;
}

/* json_str - a JSON string (or null) */
static void json_str(FILE *fp, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", fp);
		return;
	}
	fputc('"', fp);
	for (p = (const unsigned char *) s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\u%04x", *p);
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

/* print_json - every row as a JSON array of objects */
/* Where learned capabilities are (sg_capstore), for list. */
static const char *caps_state_dir;

/*
 * caps_of - for a partner's row: "cipher=aes-256-gcm advertised=..." as
 * learned from its verified signatures (sg_capstore), or NULL
 */
static const char *caps_of(const sg_certinv_row *r, char *buf, size_t size)
{
	sg_cipher_id caps[SG_CAPSTORE_MAX];
	const char *base, *at;
	char	name[256];
	size_t	n, i, len, k;
	time_t	when;

	if (caps_state_dir == NULL || r->file == NULL
	    || strncmp(r->role, "peer", 4) != 0)
		return NULL;
	base = strrchr(r->file, '/') ? strrchr(r->file, '/') + 1 : r->file;
	if ((at = strrchr(base, '@')) != NULL)
		base = at + 1;
	len = strlen(base);
	if (len > 4 && strcmp(base + len - 4, ".pem") == 0)
		len -= 4;
	if (len == 0 || len >= sizeof(name))
		return NULL;
	memcpy(name, base, len);
	name[len] = '\0';
	if (!sg_capstore_get(caps_state_dir, name, caps, &n, &when))
		return NULL;
	k = (size_t) snprintf(buf, size, "cipher=%s advertised=",
			      sg_cipher_label(sg_capstore_choose(caps_state_dir,
							      name,
							      SG_CIPHER_NONE)));
	for (i = 0; i < n && k < size; i++)
		k += (size_t) snprintf(buf + k, size - k, "%s%s", i ? "," : "",
				       sg_cipher_label(caps[i]));
	return buf;
}

static void print_json(const sg_certinv *inv)
{
	char	d1[32], d2[32];
	size_t	i;

	fputs("[", stdout);
	for (i = 0; i < inv->count; i++) {
		const sg_certinv_row *r = &inv->rows[i];

		fputs(i ? ",\n {" : "\n {", stdout);
		fputs("\"role\": ", stdout);
		json_str(stdout, r->role);
		fputs(", \"file\": ", stdout);
		json_str(stdout, r->file);
		fputs(", \"status\": ", stdout);
		json_str(stdout, r->status);
		if (r->error != NULL) {
			fputs(", \"error\": ", stdout);
			json_str(stdout, r->error);
		} else if (r->crl) {
			fputs(", \"issuer\": ", stdout);
			json_str(stdout, r->issuer);
			fputs(", \"this_update\": ", stdout);
			json_str(stdout, date_of(r->not_before, d1, sizeof(d1)));
			fputs(", \"next_update\": ", stdout);
			json_str(stdout, r->not_after == (time_t) -1 ? NULL
				 : date_of(r->not_after, d2, sizeof(d2)));
			fprintf(stdout, ", \"days_left\": %ld", r->days_left);
		} else {
			fputs(", \"subject\": ", stdout);
			json_str(stdout, r->subject);
			fputs(", \"emails\": [", stdout);
			if (r->emails[0] != '\0') {
				char   *copy = sg_strdup(r->emails), *p, *q;

				for (p = copy; p; p = q) {
					if ((q = strstr(p, ", ")) != NULL) {
						*q = '\0';
						q += 2;
					}
					json_str(stdout, p);
					fputs(q ? ", " : "", stdout);
				}
				free(copy);
			}
			fputs("], \"issuer\": ", stdout);
			json_str(stdout, r->issuer);
			fputs(", \"serial\": ", stdout);
			json_str(stdout, r->serial);
			fputs(", \"sha256\": ", stdout);
			json_str(stdout, r->fingerprint);
			fputs(", \"not_before\": ", stdout);
			json_str(stdout, date_of(r->not_before, d1, sizeof(d1)));
			fputs(", \"not_after\": ", stdout);
			json_str(stdout, date_of(r->not_after, d2, sizeof(d2)));
			fprintf(stdout, ", \"days_left\": %ld, \"key\": ",
				r->days_left);
			json_str(stdout, r->key);
			if (r->pending_id != NULL) {
				fputs(", \"pending_id\": ", stdout);
				json_str(stdout, r->pending_id);
			}
			{
				char	cb[300];

				if (caps_of(r, cb, sizeof(cb)) != NULL) {
					fputs(", \"capabilities\": ", stdout);
					json_str(stdout, cb);
				}
			}
		}
		fputs("}", stdout);
	}
	fputs(inv->count ? "\n]\n" : "]\n", stdout);
}

/* print_table - one line per row, for people */
static void print_table(const sg_certinv *inv)
{
	char	d[32];
	size_t	i;

	printf("%-30s %-13s %5s %-10s %s\n", "ROLE", "STATUS", "DAYS",
	       "KEY", "FILE / SUBJECT / NAMES / SHA-256");
	for (i = 0; i < inv->count; i++) {
		const sg_certinv_row *r = &inv->rows[i];

		if (r->error != NULL) {
			printf("%-30s %-13s %5s %-10s %s: %s\n", r->role,
			       r->status, "-", "-", r->file, r->error);
			continue;
		}
		if (r->crl) {
			printf("%-30s %-13s %5ld %-10s %s\n%48s issuer %s, next "
			       "update %s\n", r->role, r->status, r->days_left,
			       "-", r->file, "", r->issuer,
			       date_of(r->not_after, d, sizeof(d)));
			continue;
		}
		printf("%-30s %-13s %5ld %-10s %s%s%s\n", r->role, r->status,
		       r->days_left, r->key, r->file, r->pending_id
		       ? " pending id " : "", r->pending_id ? r->pending_id : "");
		printf("%48s subject %s\n", "", r->subject);
		printf("%48s names %s\n", "", r->emails[0] ? r->emails : "-");
		printf("%48s issuer %s, serial %s, not after %s\n", "",
		       r->issuer, r->serial, date_of(r->not_after, d, sizeof(d)));
		printf("%48s sha256 %s\n", "", r->fingerprint);
		{
			char	cb[300];

			if (caps_of(r, cb, sizeof(cb)) != NULL)
				printf("%48s learned %s\n", "", cb);
		}
	}
}

/* print_show - every field of the rows, one "key: value" a line */
static void print_show(const sg_certinv *inv)
{
	char	d[32];
	size_t	i;

	for (i = 0; i < inv->count; i++) {
		const sg_certinv_row *r = &inv->rows[i];

		if (i)
			putchar('\n');
		printf("file: %s\nrole: %s\nstatus: %s\n", r->file, r->role,
		       r->status);
		if (r->error) {
			printf("error: %s\n", r->error);
			continue;
		}
		printf("subject: %s\nnames: %s\nissuer: %s\nserial: %s\n"
		       "sha256: %s\n", r->subject, r->emails, r->issuer,
		       r->serial, r->fingerprint);
		printf("not before: %s\n", date_of(r->not_before, d, sizeof(d)));
		printf("not after: %s\ndays left: %ld\nkey: %s\n",
		       date_of(r->not_after, d, sizeof(d)), r->days_left, r->key);
	}
}

/* load_config - the configuration, or exit (code for check: 3) */
static sg_config *load_config(const char *path, int fail_code)
{
	sg_config *cfg = NULL;
	sg_status st = sg_config_load(path, &cfg);

	if (!sg_status_is_ok(&st)) {
		if (fail_code == CHECK_UNKNOWN)
			printf("SMIMEGW-CERT UNKNOWN - %s\n", st.text);
		else
			fprintf(stderr, "%s: %s\n", progname, st.text);
		exit(fail_code);
	}
	return cfg;
}

/* cmd_list - list [--json] */
static int cmd_list(const sg_config *cfg, bool json)
{
	sg_certinv inv = SG_CERTINV_INIT;
	sg_certinv_where w = where_of(cfg);
	sg_status st;

	st = sg_certinv_collect(&w, time(NULL), cfg->warn_days, &inv);
	if (!sg_status_is_ok(&st))
		die(&st);
	caps_state_dir = cfg->state_dir;
	if (json)
		print_json(&inv);
	else
		print_table(&inv);
	sg_certinv_free(&inv);
	return 0;
}

/* cmd_show - show FILE|DOMAIN|ADDRESS */
static int cmd_show(const sg_config *cfg, const char *what)
{
	sg_certinv inv = SG_CERTINV_INIT;
	sg_certinv_where w = where_of(cfg);
	char   *file = NULL, *canon = NULL, *rcpt;
	struct stat sb;
	sg_status st;
	size_t	size;

	if (strchr(what, '/') != NULL || stat(what, &sb) == 0) {
		file = sg_strdup(what);
	} else {
		st = sg_certcheck_canonical(what, &canon);
		if (!sg_status_is_ok(&st))
			die(&st);
		/* the file the filter would use for this name */
		size = strlen(canon) + 2;
		rcpt = sg_malloc(size);
		snprintf(rcpt, size, "%s%s", strchr(canon, '@') ? "" : "@",
			 canon);
		st = sg_certdir_find(cfg->cert_dir, rcpt, &file);
		free(rcpt);
		if (!sg_status_is_ok(&st))
			die(&st);
		if (file == NULL) {
			fprintf(stderr, "%s: no certificate for %s in %s\n",
				progname, canon, cfg->cert_dir);
			free(canon);
			return 1;
		}
	}
	st = sg_certinv_file(file, canon == NULL ? "file" : strchr(canon, '@')
			     ? "peer-address" : "peer-domain", &w, time(NULL),
			     cfg->warn_days, &inv);
	if (!sg_status_is_ok(&st))
		die(&st);
	print_show(&inv);
	st.code = inv.count == 1 && inv.rows[0].error ? SG_CONFIG : SG_OK;
	sg_certinv_free(&inv);
	free(file);
	free(canon);
	return st.code == SG_OK ? 0 : 1;
}

/* days_arg - a non-negative number of days */
static long days_arg(const char *s)
{
	char   *end;
	long	v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 100000) {
		printf("SMIMEGW-CERT UNKNOWN - bad number of days '%s'\n", s);
		exit(CHECK_UNKNOWN);
	}
	return v;
}

/* cmd_check - the monitoring plugin */
static int cmd_check(const sg_config *cfg, long warn, long crit)
{
	sg_certinv inv = SG_CERTINV_INIT;
	sg_certinv_where w = where_of(cfg);
	sg_certinv_check_result c;
	sg_ldapsnap_grade grade = SG_LDAPSNAP_FRESH;
	char	text[256];
	sg_status st;

	st = sg_certinv_collect(&w, time(NULL), (unsigned) warn, &inv);
	if (!sg_status_is_ok(&st)) {
		printf("SMIMEGW-CERT UNKNOWN - %s\n", st.text);
		return CHECK_UNKNOWN;
	}
	sg_certinv_check(&inv, warn, crit, &c);
	sg_certinv_free(&inv);
	/* [ldap]: a community snapshot that is not refreshed goes stale */
	(void) sg_ldapsync_staleness(cfg, time(NULL), &grade, text,
				     sizeof(text));
	if (grade != SG_LDAPSNAP_FRESH) {
		static const char *const names[] = {"OK", "WARNING",
						    "CRITICAL"};
		const char *rest = strstr(c.line, " - ");
		int	state = grade == SG_LDAPSNAP_CRITICAL ? CHECK_CRITICAL
			: CHECK_WARNING;

		if (state > c.state)
			c.state = state;
		printf("SMIMEGW-CERT %s - %s; %s\n", names[c.state], text,
		       rest ? rest + 3 : c.line);
	} else {
		printf("%s\n", c.line);
	}
	return c.state;
}

/* cmd_import - import [--domain D | --address A] [...] FILE */
static int cmd_import(const sg_config *cfg, const char *name,
		      const char *password_file, bool force, const char *file)
{
	sg_certs in = SG_CERTS_INIT, keep = SG_CERTS_INIT;
	sg_certcheck_result r = SG_CERTCHECK_RESULT_INIT;
	char   *password = NULL, *path = NULL, fpr[SG_CERTCHECK_FPR_SIZE];
	struct stat sb;
	sg_status st;
	bool	existed;
	size_t	i;
	int	rc = 1;

	if (password_file != NULL) {
		st = sg_certread_password(password_file, &password);
		if (!sg_status_is_ok(&st))
			die(&st);
	}
	st = sg_certread_file(file, password, &in);
	if (password != NULL)
		sg_wipe_free(password, strlen(password));
	if (!sg_status_is_ok(&st))
		die(&st);
	/* a chain in a bundle: the CAs belong in trust_anchors */
	for (i = 0; i < in.count; i++)
		if (!sg_certcheck_is_ca(in.crts[i]) || in.count == 1) {
			keep.crts = sg_realloc(keep.crts, (keep.count + 1)
					       * sizeof(*keep.crts));
			keep.crts[keep.count++] = in.crts[i];
		}
	if (keep.count == 0) {
		fprintf(stderr, "%s: %s holds only CA certificates (they belong "
			"in [verification] trust_anchors)\n", progname, file);
		goto cleanup;
	}
	st = sg_certcheck_set(keep.crts, keep.count, time(NULL), name, 0, &r);
	if (!sg_status_is_ok(&st)) {
		fprintf(stderr, "%s: %s\n", progname, st.text);
		goto cleanup;
	}
	if (r.problems & SG_CERTCHECK_NO_NAME) {
		fprintf(stderr, "%s: %s: %s; name it with --domain or "
			"--address\n", progname, file, r.text);
		goto cleanup;
	}
	if (r.problems != 0 && !force) {
		fprintf(stderr, "%s: %s refused: %s (--force imports it "
			"anyway)\n", progname, file, r.text);
		goto cleanup;
	}
	if (r.problems != 0)
		fprintf(stderr, "%s: warning: %s: %s (imported: --force)\n",
			progname, file, r.text);
	path = sg_malloc(strlen(cfg->cert_dir) + strlen(r.name) + 6);
	sprintf(path, "%s/%s.pem", cfg->cert_dir, r.name);
	existed = lstat(path, &sb) == 0;
	free(path);
	path = NULL;
	st = sg_certstore_put(cfg->cert_dir, r.name, keep.crts, keep.count,
			      SG_CERTSTORE_APPEND, &path);
	if (!sg_status_is_ok(&st)) {
		fprintf(stderr, "%s: %s\n", progname, st.text);
		goto cleanup;
	}
	for (i = 0; i < keep.count; i++)
		if (sg_certcheck_fingerprint(keep.crts[i], fpr,
					     sizeof(fpr)).code == SG_OK)
			printf("%s %s sha256 %s\n", existed ? "appended to"
			       : "imported into", path, fpr);
	rc = 0;
cleanup:
	free(path);
	free(keep.crts);
	sg_certs_free(&in);
	sg_certcheck_result_free(&r);
	return rc;
}

/* cmd_remove - remove DOMAIN|ADDRESS */
static int cmd_remove(const sg_config *cfg, const char *what)
{
	char   *canon = NULL, *path = NULL;
	sg_status st;

	st = sg_certcheck_canonical(what, &canon);
	if (!sg_status_is_ok(&st))
		die(&st);
	st = sg_certstore_remove(cfg->cert_dir, canon, &path);
	if (!sg_status_is_ok(&st))
		die(&st);
	printf("removed %s\n", path);
	free(path);
	free(canon);
	return 0;
}

/* cmd_pending - the pending store */
static int cmd_pending(const sg_config *cfg)
{
	sg_certstore_pending *v = NULL;
	size_t	n = 0, i;
	char	d[32];
	sg_status st;

	st = sg_certstore_pending_list(cfg->harvest_pending_dir, &v, &n);
	if (!sg_status_is_ok(&st))
		die(&st);
	for (i = 0; i < n; i++)
		printf("%s %s received %s sha256 %s source %s\n", v[i].id,
		       v[i].domain, date_of(v[i].received, d, sizeof(d)),
		       v[i].fingerprint, v[i].source);
	sg_certstore_pending_free(v, n);
	return 0;
}

/* cmd_approve - approve [--force] ID */
static int cmd_approve(const sg_config *cfg, const char *id, bool force)
{
	char   *path = NULL;
	sg_status st;

	st = sg_certstore_pending_approve(cfg->harvest_pending_dir,
					  cfg->cert_dir, id, time(NULL), force,
					  &path);
	if (!sg_status_is_ok(&st))
		die(&st);
	printf("approved %s into %s\n", id, path);
	free(path);
	return 0;
}

/* cmd_reject - reject ID */
static int cmd_reject(const sg_config *cfg, const char *id)
{
	sg_status st = sg_certstore_pending_reject(cfg->harvest_pending_dir,
						   id);

	if (!sg_status_is_ok(&st))
		die(&st);
	printf("rejected %s\n", id);
	return 0;
}

/* cmd_request - a key and a CSR */
static int cmd_request(const char *domain, const char *key_out,
		       const char *csr_out, bool ec)
{
	sg_status st;

	if (domain == NULL || key_out == NULL || csr_out == NULL)
		usage();
	st = sg_certreq_make(domain, ec, key_out, csr_out);
	if (!sg_status_is_ok(&st))
		die(&st);
	printf("wrote key %s (mode 0600) and request %s\n", key_out, csr_out);
	return 0;
}

enum {
	OPT_JSON = 256, OPT_WARN, OPT_CRIT, OPT_DOMAIN, OPT_ADDRESS,
	OPT_PASSWORD_FILE, OPT_FORCE, OPT_KEY_OUT, OPT_CSR_OUT, OPT_EC,
};

static int cmd_sync(const sg_config *cfg, bool force);

/* main - argv, the configuration, one command */
int	main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, OPT_JSON},
		{"warn", required_argument, NULL, OPT_WARN},
		{"crit", required_argument, NULL, OPT_CRIT},
		{"domain", required_argument, NULL, OPT_DOMAIN},
		{"address", required_argument, NULL, OPT_ADDRESS},
		{"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
		{"force", no_argument, NULL, OPT_FORCE},
		{"key-out", required_argument, NULL, OPT_KEY_OUT},
		{"csr-out", required_argument, NULL, OPT_CSR_OUT},
		{"ec", no_argument, NULL, OPT_EC},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config = DEF_CONFIG, *cmd, *name = NULL, *pwfile = NULL;
	const char *key_out = NULL, *csr_out = NULL, *warn_s = NULL;
	const char *crit_s = NULL;
	bool	json = false, force = false, ec = false;
	sg_config *cfg;
	int	c, rc, fail;
	long	warn = 30, crit = 7;

	umask(022);
	/* "-c CONFIG" comes before the command */
	while ((c = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		if (c == 'c')
			config = optarg;
		else
			usage();
	}
	if (optind >= argc)
		usage();
	cmd = argv[optind++];
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON: json = true; break;
		case OPT_WARN: warn_s = optarg; break;
		case OPT_CRIT: crit_s = optarg; break;
		case OPT_DOMAIN:
		case OPT_ADDRESS:
			if (name != NULL)
				usage();
			name = optarg;
			break;
		case OPT_PASSWORD_FILE: pwfile = optarg; break;
		case OPT_FORCE: force = true; break;
		case OPT_KEY_OUT: key_out = optarg; break;
		case OPT_CSR_OUT: csr_out = optarg; break;
		case OPT_EC: ec = true; break;
		default: usage();
		}
	}
	if (gnutls_global_init() < 0) {
		fprintf(stderr, "%s: cannot initialise GnuTLS\n", progname);
		return 1;
	}
	if (strcmp(cmd, "request") == 0)
	{
		if (optind != argc)
			usage();
		return cmd_request(name, key_out, csr_out, ec);
	}
	fail = strcmp(cmd, "check") == 0 ? CHECK_UNKNOWN : 1;
	if (strcmp(cmd, "check") == 0) {
		if (optind != argc)
			usage();
		if (warn_s)
			warn = days_arg(warn_s);
		if (crit_s)
			crit = days_arg(crit_s);
	}
	cfg = load_config(config, fail);
	if (strcmp(cmd, "list") == 0 && optind == argc)
		rc = cmd_list(cfg, json);
	else if (strcmp(cmd, "show") == 0 && optind + 1 == argc)
		rc = cmd_show(cfg, argv[optind]);
	else if (strcmp(cmd, "check") == 0)
		rc = cmd_check(cfg, warn, crit);
	else if (strcmp(cmd, "import") == 0 && optind + 1 == argc)
		rc = cmd_import(cfg, name, pwfile, force, argv[optind]);
	else if (strcmp(cmd, "remove") == 0 && optind + 1 == argc)
		rc = cmd_remove(cfg, argv[optind]);
	else if (strcmp(cmd, "pending") == 0 && optind == argc)
		rc = cmd_pending(cfg);
	else if (strcmp(cmd, "approve") == 0 && optind + 1 == argc)
		rc = cmd_approve(cfg, argv[optind], force);
	else if (strcmp(cmd, "reject") == 0 && optind + 1 == argc)
		rc = cmd_reject(cfg, argv[optind]);
	else if (strcmp(cmd, "sync") == 0 && optind == argc)
		rc = cmd_sync(cfg, force);
	else
		usage();
	sg_config_free(cfg);
	gnutls_global_deinit();
	return rc;
}

/*
 * cmd_sync - the community snapshot from [ldap] (sg_ldapsync(3)): one
 * summary line on stdout; on failure one line on stderr, the snapshot in
 * use kept, exit 75 (try again later) or 1 (configuration).
 */
static int cmd_sync(const sg_config *cfg, bool force)
{
	sg_ldapsnap_summary sum;
	char	line[512];
	sg_status st;

	st = sg_ldapsync_run(cfg, force, time(NULL), &sum);
	if (!sg_status_is_ok(&st)) {
		fprintf(stderr, "%s: sync: %s (snapshot kept)\n", progname,
			st.text);
		return st.code == SG_TEMPFAIL ? 75 : 1;
	}
	sg_ldapsnap_summary_format(&sum, line, sizeof(line));
	printf("%s\n", line);
	return fflush(stdout) == 0 ? 0 : 1;
}
