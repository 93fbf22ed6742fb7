/*
 * NAME
 *	smimegw 8
 * SUMMARY
 *	S/MIME domain encryption gateway: a Postfix content filter
 * SYNOPSIS
 *	smimegw [-c config] [-q queue_id] -f sender -- recipient ...
 *	smimegw [-c config] -n
 *	smimegw --help | --version
 * DESCRIPTION
 *	Postfix's pipe(8) runs smimegw once per message, message on stdin.
 *	Mail from one of our domains to a domain with a certificate in the
 *	certificate directory is encrypted with CMS and reinjected; mail
 *	encrypted for our gateway certificate is decrypted; everything else
 *	is reinjected unaltered. Reinjection is "sendmail -G -i -f sender --
 *	recipients" for each copy; every copy is built before the first is
 *	sent.
 *
 *	-c config	configuration file (default /etc/smimegw/smimegw.conf)
 *	-q queue_id	Postfix queue id, for the logs
 *	-f sender	envelope sender ("" for the null sender)
 *	-n		check the configuration, keys and certificates; exit
 * EXIT STATUS
 *	0	every copy was accepted by sendmail
 *	65	bad message (bounce), with a 5.x.x line on stdout
 *	69	refused by policy (bounce), with a 5.7.x line on stdout
 *	75	temporary failure: configuration, I/O, keys, sendmail, time
 *		limit, and a bad command line (a master.cf mistake defers)
 *	78	-n only: the configuration is bad
 * SECURITY
 *	Refuses to run as root. umask 077. No shell anywhere. Never prints
 *	message content or key material; details go to syslog.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_certdir.h"
#include "sg_certs.h"
#include "sg_cms.h"
#include "sg_config.h"
#include "sg_keyring.h"
#include "sg_log.h"
#include "sg_mem.h"
#include "sg_mime.h"
#include "sg_policy.h"
#include "sg_reinject.h"

#define DEF_CONFIG	"/etc/smimegw/smimegw.conf"

#define EXIT_OK		0
#define EXIT_DATAERR	65
#define EXIT_POLICY	69
#define EXIT_TEMPFAIL	75
#define EXIT_CONFIG	78

/* One message copy to reinject. */
typedef struct copy {
	sg_buf	data;
	char  **rcpts;		/* lent from argv */
	size_t	nrcpts;
	char	what[512];	/* for the log line */
} copy;

typedef struct job {
	const sg_config *cfg;
	const char *sender;
	char  **rcpts;
	size_t	nrcpts;
	const uint8_t *msg;
	size_t	msg_len;
	sg_mime *mime;
	copy   *copies;
	size_t	ncopies;
} job;

/* usage - the synopsis */
static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: smimegw [-c CONFIG] [-q QUEUE_ID] -f SENDER -- RECIPIENT...\n"
		"       smimegw [-c CONFIG] -n\n"
		"       smimegw --help | --version\n\n"
		"S/MIME domain encryption gateway, run by Postfix pipe(8) as a "
		"content filter.\n"
		"  -c CONFIG    configuration file (default " DEF_CONFIG ")\n"
		"  -q QUEUE_ID  Postfix queue id, for the logs\n"
		"  -f SENDER    envelope sender (\"\" for the null sender)\n"
		"  -n           check configuration, keys and certificates, "
		"then exit\n"
		"Exit: 0 sent, 65/69 bounce (5.x.x reason on stdout), "
		"75 defer, 78 bad configuration (-n).\n");
}

/* finish - one DSN line on stdout, then exit */
static void finish(int code, const char *dsn, const char *text)
	__attribute__((noreturn));

static void finish(int code, const char *dsn, const char *text)
{
	if (dsn)
		printf("%s smimegw: %s\n", dsn, text);
	fflush(stdout);
	exit(code);
}

/* tempfail - log and defer */
static void tempfail(const sg_status *st) __attribute__((noreturn));

static void tempfail(const sg_status *st)
{
	sg_log_error("deferred: %s (%s)", st->text, sg_code_name(st->code));
	finish(EXIT_TEMPFAIL, "4.3.0", "temporary failure, see the mail log");
}

/* on_alarm - the time limit: defer before Postfix's own limit bounces */
static void on_alarm(int sig)
{
	static const char msg[] = "4.4.7 smimegw: time limit exceeded\n";

	(void) sig;
	/* A sendmail still reading must not queue a truncated copy. */
	sg_reinject_abort();
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_TEMPFAIL);
	_exit(EXIT_TEMPFAIL);
}

/* open_std_fds - make sure descriptors 0, 1 and 2 are open */
static void open_std_fds(void)
{
	int	fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		(void) close(fd);
}

/* valid_address - no control characters, no excessive length */
static bool valid_address(const char *addr)
{
	const unsigned char *p;

	if (strlen(addr) > 1000)
		return false;
	for (p = (const unsigned char *) addr; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* load_keyring - our own keys and certificates */
static sg_status load_keyring(const sg_config *cfg, sg_keyring **kr)
{
	*kr = sg_keyring_new();
	return sg_keyring_add_files(*kr, cfg->certificate, cfg->private_key);
}

/* check_config - the -n mode: parse and load everything */
static int check_config(const char *path)
{
	sg_config *cfg = NULL;
	sg_keyring *kr = NULL;
	struct stat sb;
	sg_status st;

	sg_log_to_stderr(true);
	st = sg_config_load(path, &cfg);
	if (sg_status_is_ok(&st))
		st = load_keyring(cfg, &kr);
	if (sg_status_is_ok(&st) && sg_keyring_count(kr) == 0)
		st = sg_status_make(SG_CONFIG, "%s: no certificate matches the "
				    "private key", cfg->certificate);
	if (sg_status_is_ok(&st) && (stat(cfg->cert_dir, &sb) < 0
				     || !S_ISDIR(sb.st_mode)))
		st = sg_status_make(SG_CONFIG, "%s: [certificates] directory "
			 "%s is not a directory", path, cfg->cert_dir);
	if (sg_status_is_ok(&st) && access(cfg->sendmail, X_OK) < 0)
		st = sg_status_make(SG_CONFIG, "%s: [gateway] sendmail %s is "
			"not executable", path, cfg->sendmail);
	if (sg_status_is_ok(&st)) {
		char	why[300];

		sg_log_set_file(cfg->log_file);
		if (!sg_log_check(why, sizeof(why)))
			st = sg_status_make(SG_CONFIG, "%s: %s", path, why);
	}
	sg_keyring_free(kr);
	sg_config_free(cfg);
	if (!sg_status_is_ok(&st)) {
		fprintf(stderr, "smimegw: %s\n", st.text);
		return EXIT_CONFIG;
	}
	printf("smimegw: %s: configuration OK\n", path);
	return EXIT_OK;
}

/* add_copy - a new copy for recipients (filled in by the caller) */
static copy *add_copy(job *j)
{
	copy   *c;

	j->copies = sg_realloc(j->copies, (j->ncopies + 1) * sizeof(*c));
	c = &j->copies[j->ncopies++];
	memset(c, 0, sizeof(*c));
	c->rcpts = sg_calloc(j->nrcpts, sizeof(char *));
	return c;
}

/* describe_certs - "subject=...; serial=..." of the first, and a count */
static void describe_certs(const sg_certs *certs, char *buf, size_t size)
{
	char	one[300];

	sg_certs_describe(certs->crts[0], one, sizeof(one));
	if (certs->count > 1)
		snprintf(buf, size, "%s (+%zu more)", one, certs->count - 1);
	else
		snprintf(buf, size, "%s", one);
}

/* outbound - encrypt per recipient domain, or refuse mixed recipients */
static void outbound(job *j)
{
	const sg_config *cfg = j->cfg;
	sg_policy_rcpt *pr = sg_calloc(j->nrcpts, sizeof(*pr));
	char  **files = sg_calloc(j->nrcpts, sizeof(char *));
	sg_policy_copy *pc = sg_calloc(j->nrcpts, sizeof(*pc));
	size_t *copy_of = sg_calloc(j->nrcpts, sizeof(size_t));
	sg_policy_plan plan = {false, 0, pc, copy_of};
	sg_cms_encrypt_opts eo;
	sg_buf	entity = SG_BUF_INIT, der = SG_BUF_INIT;
	char	dom[256], desc[400];
	sg_status st;
	size_t	i, k, nplain = 0;

	for (i = 0; i < j->nrcpts; i++) {
		pr[i].local = sg_policy_domain_of(j->rcpts[i], dom, sizeof(dom))
			&& sg_policy_member(dom, cfg->domains, cfg->ndomains);
		if (pr[i].local)
			continue;
		st = sg_certdir_find(cfg->cert_dir, j->rcpts[i], &files[i]);
		if (!sg_status_is_ok(&st))
			tempfail(&st);
		pr[i].cert_file = files[i];
	}
	sg_policy_outbound(pr, j->nrcpts, cfg->mixed_recipients, &plan);
	if (plan.reject) {
		for (i = 0; i < j->nrcpts; i++)
			if (!pr[i].local && pr[i].cert_file == NULL)
				nplain++;
		sg_log_info("outbound: from=<%s> rejected: %zu of %zu "
			    "recipients have no certificate and "
			    "mixed_recipients = reject", j->sender, nplain,
			    j->nrcpts);
		finish(EXIT_POLICY, "5.7.1", "some recipients have no "
		       "encryption certificate; message not sent to anyone");
	}

	eo.cipher = cfg->cipher;
	eo.rid = cfg->recipient_id;
	eo.keytrans = cfg->key_transport;
	for (k = 0; k < plan.ncopies; k++) {
		copy   *c = add_copy(j);

		for (i = 0; i < j->nrcpts; i++)
			if (copy_of[i] == k)
				c->rcpts[c->nrcpts++] = j->rcpts[i];
		if (!pc[k].encrypt) {
			sg_buf_append(&c->data, j->msg, j->msg_len);
			snprintf(c->what, sizeof(c->what), "plain");
			continue;
		}
		{
			sg_certs certs = SG_CERTS_INIT;

			st = sg_certdir_load(pc[k].cert_file, time(NULL), &certs);
			if (!sg_status_is_ok(&st))
				tempfail(&st);
			if (entity.len == 0)
				sg_mime_entity(j->mime, &entity);
			sg_buf_reset(&der);
			st = sg_cms_encrypt(&eo, certs.crts, certs.count,
					    entity.data, entity.len, &der);
			if (!sg_status_is_ok(&st)) {
				st = sg_status_make(SG_TEMPFAIL, "%s: %s",
						    pc[k].cert_file, st.text);
				tempfail(&st);
			}
			describe_certs(&certs, desc, sizeof(desc));
			sg_certs_free(&certs);
		}
		sg_mime_wrap(j->mime, der.data, der.len,
			     sg_cipher_is_aead(cfg->cipher), &c->data);
		snprintf(c->what, sizeof(c->what), "encrypted cipher=%s "
			 "cert=%s [%s]", sg_cipher_label(cfg->cipher),
			 strrchr(pc[k].cert_file, '/') + 1, desc);
	}
	sg_buf_wipe_free(&entity);
	sg_buf_free(&der);
	for (i = 0; i < j->nrcpts; i++)
		free(files[i]);
	free(files);
	free(pr);
	free(pc);
	free(copy_of);
}

/* inbound - decrypt what is for us, relay the rest, fail closed */
static void inbound(job *j)
{
	const sg_config *cfg = j->cfg;
	sg_policy_inbound_facts facts = {false, false, false, false, false};
	sg_keyring *kr = NULL;
	sg_buf	body = SG_BUF_INIT, plain = SG_BUF_INIT;
	sg_cms_info info;
	char	text[200], trace[300];
	sg_status st = sg_status_ok(), cms_st = sg_status_ok();
	copy   *c = NULL;
	bool	stripped;
	size_t	i;

	memset(&info, 0, sizeof(info));
	facts.encrypted = sg_mime_classify(j->mime) == SG_MIME_ENCRYPTED;
	if (facts.encrypted) {
		st = load_keyring(cfg, &kr);
		if (!sg_status_is_ok(&st)) {
			facts.key_trouble = true;	/* logged when deferred */
		} else {
			cms_st = sg_mime_smime_body(j->mime, &body);
			if (sg_status_is_ok(&cms_st))
				cms_st = sg_cms_decrypt(kr, body.data, body.len,
							&plain, &info);
			facts.readable = info.parsed;
			facts.for_us = info.for_us;
			facts.decrypted = sg_status_is_ok(&cms_st);
		}
	}

	switch (sg_policy_inbound(&facts, cfg->decrypt_failure,
				  cfg->desktop_smime)) {
	case SG_INBOUND_RELAY:
		c = add_copy(j);
		sg_mime_strip_trace(j->msg, j->msg_len, &c->data, &stripped);
		snprintf(c->what, sizeof(c->what), "%s%s", facts.encrypted
			 ? "relayed S/MIME not addressed to us" : "relayed",
			 stripped ? " (removed forged " SG_MIME_TRACE_HEADER
			 " header)" : "");
		break;
	case SG_INBOUND_DELIVER_DECRYPTED:
		c = add_copy(j);
		{
			sg_keytrans_params kt = {info.keytrans, info.oaep_hash,
			NULL, 0};

			snprintf(trace, sizeof(trace), "decrypted; cipher=%s; "
				 "keytrans=%s; rid=%s",
				 sg_cipher_label(info.cipher),
				 sg_keytrans_label(&kt),
				 info.rid == SG_CMS_RID_SKI ? "ski"
				 : "issuer-serial");
		}
		sg_mime_unwrap(j->mime, plain.data, plain.len, trace, &c->data);
		sg_certs_describe(sg_keyring_cert(kr, info.key_index), text,
				  sizeof(text));
		snprintf(c->what, sizeof(c->what), "%s key=[%s]", trace, text);
		break;
	case SG_INBOUND_DEFER:
		sg_log_warning("inbound: from=<%s> deferred: encrypted message "
			       "%s: %s", j->sender, facts.key_trouble
			       ? "while our keys cannot be loaded"
			       : "could not be decrypted", facts.key_trouble
			       ? st.text : cms_st.text);
		finish(EXIT_TEMPFAIL, "4.7.5", "cannot decrypt the message "
		       "now; will retry");
	case SG_INBOUND_BOUNCE:
		if (facts.for_us || !facts.readable) {
			sg_log_warning("inbound: from=<%s> bounced: encrypted "
				       "message could not be decrypted: %s",
				       j->sender, cms_st.text);
			finish(EXIT_DATAERR, "5.7.5", "encrypted message could "
			       "not be decrypted");
		}
		sg_log_info("inbound: from=<%s> bounced: S/MIME for %zu other "
			    "recipient(s), desktop_smime = reject", j->sender,
			    info.recipients);
		finish(EXIT_POLICY, "5.7.1", "encrypted mail not addressed "
		       "to this gateway is refused by policy");
	}
	for (i = 0; i < j->nrcpts; i++)
		c->rcpts[c->nrcpts++] = j->rcpts[i];
	sg_buf_free(&body);
	sg_buf_wipe_free(&plain);
	sg_keyring_free(kr);
}

/*
 * send_copies - reinject every copy; exit 75 unless all were accepted.
 * Then one log line for the message: direction, sender, and for each
 * copy its recipients and what was done.
 */
static void send_copies(job *j, const char *direction)
{
	sg_buf	line = SG_BUF_INIT;
	sg_status st;
	size_t	k, i;

	for (k = 0; k < j->ncopies; k++) {
		copy   *c = &j->copies[k];

		st = sg_reinject(j->cfg->sendmail, j->sender, c->rcpts, c->nrcpts,
				 c->data.data, c->data.len);
		if (!sg_status_is_ok(&st)) {
			if (k > 0)
				sg_log_warning("%zu of %zu copies were already "
					       "sent; Postfix will retry all",
					       k, j->ncopies);
			tempfail(&st);
		}
		sg_buf_append_str(&line, k ? " | " : "");
		for (i = 0; i < c->nrcpts; i++) {
			sg_buf_append_str(&line, i ? ",<" : "to=<");
			sg_buf_append_str(&line, c->rcpts[i]);
			sg_buf_append_str(&line, ">");
		}
		sg_buf_append_str(&line, " ");
		sg_buf_append_str(&line, c->what);
	}
	sg_log_info("%s: from=<%s> %s | result=sent", direction, j->sender,
		    (char *) line.data);
	sg_buf_free(&line);
}

int	main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = DEF_CONFIG;
	const char *sender = NULL;
	sg_config *cfg = NULL;
	sg_buf	msg = SG_BUF_INIT;
	job	j;
	sg_status st;
	int	check = 0, c;
	size_t	i;

	umask(077);
	open_std_fds();
	sg_log_open("smimegw");
	opterr = 0;			/* stdout/stderr become DSN text */
	while ((c = getopt_long(argc, argv, "c:q:f:n", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'q':
			sg_log_set_queue_id(optarg);
			break;
		case 'f':
			sender = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("smimegw %s\n", SMIMEGW_VERSION);
			return EXIT_OK;
		default:
			/* A master.cf mistake must defer, not bounce (pipe(8)). */
			sg_log_error("usage error: unknown option or missing "
				     "argument");
			finish(EXIT_TEMPFAIL, "4.3.5",
			       "misconfigured: bad command line");
		}
	}
	if (check)
		return check_config(config);
	if (getuid() == 0 || geteuid() == 0) {
		sg_log_error("refusing to run as root; set user= in master.cf");
		finish(EXIT_TEMPFAIL, "4.3.5", "misconfigured: runs as root");
	}
	if (sender == NULL || optind >= argc) {
		usage(stderr);
		sg_log_error("usage error: %s", sender == NULL ? "no -f sender"
			     : "no recipients");
		/* Postfix bounces 64: a master.cf mistake must defer. */
		finish(EXIT_TEMPFAIL, "4.3.5", "misconfigured: bad command line");
	}
	if (!valid_address(sender))
		finish(EXIT_DATAERR, "5.1.7", "bad sender address syntax");
	for (i = optind; i < (size_t) argc; i++)
		if (!valid_address(argv[i]))
			finish(EXIT_DATAERR, "5.1.3", "bad recipient address "
			       "syntax");

	st = sg_config_load(config, &cfg);
	if (!sg_status_is_ok(&st))
		tempfail(&st);
	sg_log_set_file(cfg->log_file);
	signal(SIGALRM, on_alarm);
	alarm(cfg->timeout);

	st = sg_buf_read_fd(&msg, STDIN_FILENO, cfg->max_message_size);
	if (st.code == SG_REJECT) {
		sg_log_info("rejected: message larger than max_message_size "
			    "(%zu bytes)", cfg->max_message_size);
		finish(EXIT_DATAERR, "5.3.4", "message too big for the gateway");
	}
	if (!sg_status_is_ok(&st))
		tempfail(&st);

	memset(&j, 0, sizeof(j));
	j.cfg = cfg;
	j.sender = sender;
	j.rcpts = argv + optind;
	j.nrcpts = (size_t) (argc - optind);
	j.msg = msg.data;
	j.msg_len = msg.len;
	st = sg_mime_parse(msg.data, msg.len, &j.mime);
	if (!sg_status_is_ok(&st)) {
		sg_log_info("rejected: from=<%s> %s", sender, st.text);
		finish(EXIT_DATAERR, "5.6.0", st.text);
	}
	if (sg_policy_direction(sender, j.rcpts, j.nrcpts, cfg->domains,
				cfg->ndomains, cfg->null_sender_outbound)
	    == SG_DIRECTION_OUTBOUND) {
		outbound(&j);
		send_copies(&j, "outbound");
	} else {
		inbound(&j);
		send_copies(&j, "inbound");
	}
	for (i = 0; i < j.ncopies; i++) {
		sg_buf_wipe_free(&j.copies[i].data);
		free(j.copies[i].rcpts);
	}
	free(j.copies);
	sg_mime_free(j.mime);
	sg_buf_wipe_free(&msg);
	sg_config_free(cfg);
	return EXIT_OK;
}
