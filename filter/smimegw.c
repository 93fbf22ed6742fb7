/*
 * NAME
 *	smimegw 8
 * SUMMARY
 *	S/MIME domain encryption gateway: a Postfix content filter
 * SYNOPSIS
 *	smimegw [-c config] [-q queue_id] -f sender -- recipient ...
 *	smimegw [-c config] [-u user] -n
 *	smimegw [-c config] -d
 *	smimegw -h | --help | -V | --version
 * DESCRIPTION
 *	Postfix's pipe(8) runs smimegw once per message, message on stdin.
 *	Mail from one of our domains to a domain with a certificate in the
 *	certificate directory is encrypted with CMS and reinjected; mail
 *	encrypted for our gateway certificate is decrypted; everything else
 *	is reinjected unaltered. Reinjection is "sendmail -G -i -f sender --
 *	recipients" for each copy; every copy is built before the first is
 *	sent.
 *	A probe of smimegw-test(8) (a live token, see sg_probe(3)) is
 *	handled like any message, but what would happen to each recipient is
 *	recorded beside the token instead, and nothing is sent (exit 0).
 *	Log lines of a message end in its message-id=<...>, as Postfix's
 *	cleanup logs it, so grep finds the original and every copy.
 *
 *	-c config	configuration file (default /etc/smimegw/smimegw.conf)
 *	-q queue_id	Postfix queue id, for the logs
 *	-f sender	envelope sender ("" for the null sender)
 *	-n		check the configuration, keys and certificates, and
 *			that each of our domains is one Postfix receives
 *			mail for; exit. Run as root, it first becomes the
 *			filter's user (-u, default smimegw), so that every
 *			file is read with the filter's rights; it never
 *			checks as root. Otherwise it checks as the caller.
 *	-u user		the filter's user, for -n as root
 *	-d		print the configuration in use, every key with its
 *			value or default, one "[section] key = value" a
 *			line; exit
 *	-h, --help	usage; exit 0.  -V, --version: the version; exit 0
 * EXIT STATUS
 *	0	every copy was accepted by sendmail
 *	65	bad message (bounce), with a 5.x.x line on stdout
 *	69	refused by policy (bounce), with a 5.7.x line on stdout
 *	75	temporary failure: configuration, I/O, keys, sendmail, time
 *		limit, SIGTERM/SIGHUP/SIGINT (sendmail is killed first, so
 *		no copy is left half-read), and a bad command line (a
 *		master.cf mistake defers)
 *	78	-n, -d: the configuration is bad; -n as root: no such
 *		user, or the rights could not be dropped
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
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_certdir.h"
#include "sg_certs.h"
#include "sg_cms.h"
#include "sg_config.h"
#include "sg_gateway.h"
#include "sg_inread.h"
#include "sg_keyring.h"
#include "sg_log.h"
#include "sg_mem.h"
#include "sg_mime.h"
#include "sg_outsign.h"
#include "sg_policy.h"
#include "sg_postconf.h"
#include "sg_probe.h"
#include "sg_reinject.h"
#include "sg_trust.h"
#include "sg_user.h"
#include "smimegw_gmime.h"

#define DEF_CONFIG	"/etc/smimegw/smimegw.conf"
#define DEF_USER	"smimegw"

#define EXIT_OK		0
#define EXIT_DATAERR	65
#define EXIT_POLICY	69
#define EXIT_TEMPFAIL	75
#define EXIT_CONFIG	78

/* usage - the synopsis */
static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: smimegw [-c CONFIG] [-q QUEUE_ID] -f SENDER -- RECIPIENT...\n"
		"       smimegw [-c CONFIG] [-u USER] -n\n"
		"       smimegw [-c CONFIG] -d\n"
		"       smimegw -h | --help | -V | --version\n\n"
		"S/MIME domain encryption gateway, run by Postfix pipe(8) as a "
		"content filter.\n"
		"  -c CONFIG    configuration file (default " DEF_CONFIG ")\n"
		"  -q QUEUE_ID  Postfix queue id, for the logs\n"
		"  -f SENDER    envelope sender (\"\" for the null sender)\n"
		"  -n           check configuration, keys, certificates and "
		"Postfix's\n"
		"               domain lists, then exit; as root, as the "
		"filter's user\n"
		"  -u USER      the filter's user for -n as root (default "
		DEF_USER ")\n"
		"  -d           print the configuration in use, defaults "
		"included\n"
		"  -h, --help   this text;  -V, --version  the version\n"
		"Exit: 0 sent, 65/69 bounce (5.x.x reason on stdout), "
		"75 defer, 78 bad configuration (-n, -d).\n");
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

/*
 * defer_line - the 4.x.x line. When the log line with the reason reached
 * no channel, the reason goes into the line instead: Postfix logs the
 * command output of a deferral, so it is never lost.
 */
static void defer_line(const char *dsn, const char *text, const char *why)
	__attribute__((noreturn));

static void defer_line(const char *dsn, const char *text, const char *why)
{
	if (!sg_log_delivered() && why != NULL) {
		char	line[400];

		snprintf(line, sizeof(line), "%s (%s)", text, why);
		finish(EXIT_TEMPFAIL, dsn, line);
	}
	finish(EXIT_TEMPFAIL, dsn, text);
}

/* tempfail - log and defer */
static void tempfail(const sg_status *st) __attribute__((noreturn));

static void tempfail(const sg_status *st)
{
	sg_log_error("result=deferred reason=\"%s\" (%s)", st->text,
		     sg_code_name(st->code));
	defer_line("4.3.0", "temporary failure, see the mail log", st->text);
}

/*
 * smimegw_gmime_unavailable - GMime, opened on first use, cannot be: a
 * broken installation. Only the building of copies uses GMime, before
 * anything reached sendmail: defer.
 */
void	smimegw_gmime_unavailable(const char *why)
{
	sg_status st = sg_status_make(SG_TEMPFAIL, "GMime cannot be loaded: "
				      "%s", why);

	tempfail(&st);
}

/* on_alarm - the time limit: defer before Postfix's own limit bounces */
static void on_alarm(int sig)
{
	static const char msg[] = "4.4.7 smimegw: time limit exceeded\n";

	(void) sig;
	/* A sendmail still reading must not queue a truncated copy. */
	sg_reinject_abort();
	sg_log_signal("result=deferred reason=\"time limit exceeded ([gateway] "
		      "timeout)\"");
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_TEMPFAIL);
	_exit(EXIT_TEMPFAIL);
}

/*
 * on_term - SIGTERM, SIGHUP, SIGINT (postfix stop, an administrator):
 * defer like the time limit. sendmail would die with us anyway; killing
 * its process group also ends what it started.
 */
static void on_term(int sig)
{
	static const char msg[] = "4.3.0 smimegw: interrupted by a signal; "
		"will retry\n";

	sg_reinject_abort();
	sg_log_signal(sig == SIGTERM ? "result=deferred reason=\"SIGTERM\""
		      : sig == SIGHUP ? "result=deferred reason=\"SIGHUP\""
		      : "result=deferred reason=\"SIGINT\"");
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_TEMPFAIL);
	_exit(EXIT_TEMPFAIL);
}

/*
 * catch_signals - the time limit and termination signals, each handler
 * with the others blocked; unblocked, whatever mask we inherited
 */
static void catch_signals(void)
{
	static const int sigs[] = {SIGALRM, SIGTERM, SIGHUP, SIGINT};
	struct sigaction sa;
	sigset_t set;
	size_t	i;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&set);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&set, sigs[i]);
	sa.sa_mask = set;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sa.sa_handler = sigs[i] == SIGALRM ? on_alarm : on_term;
		(void) sigaction(sigs[i], &sa, NULL);
	}
	(void) sigprocmask(SIG_UNBLOCK, &set, NULL);
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

/* The certificate directory audit of -n: warnings, and a count. */
typedef struct cert_audit {
	const char *label;		/* the directory's last component */
	size_t	problems;
} cert_audit;

/* cert_audit_report - one finding: "smimegw: warning: certs/X: ..." */
static void cert_audit_report(void *ctx, const char *name,
			      sg_certdir_severity severity, const char *text)
{
	cert_audit *ca = ctx;

	fprintf(stderr, "smimegw: warning: %s/%s: %s\n", ca->label, name, text);
	if (severity == SG_CERTDIR_PROBLEM)
		ca->problems++;
}

/*
 * check_cert_dir - every file no address reaches, or that makes mail
 * wait, fails -n; notes (a CA ignored, expiry, names) are warnings only
 */
static sg_status check_cert_dir(const char *dir)
{
	const char *slash = strrchr(dir, '/');
	cert_audit ca = {slash && slash[1] ? slash + 1 : dir, 0};
	sg_status st;

	st = sg_certdir_audit(dir, time(NULL), cert_audit_report, &ca);
	if (sg_status_is_ok(&st) && ca.problems > 0)
		st = sg_status_make(SG_CONFIG, "%s: %zu problem(s) with "
				    "certificate files (see the warnings)", dir,
				    ca.problems);
	return st;
}

/*
 * check_spool - -n: can the state directory hold encrypted copies on disk?
 * Warnings only: a copy that it cannot hold is held in memory instead.
 */
static void check_spool(const char *dir)
{
	sg_reinject_spool *sp = NULL;
	struct statfs fs;
	sg_status st;

	st = sg_reinject_spool_new_in(dir, &sp);
	if (!sg_status_is_ok(&st))
		fprintf(stderr, "smimegw: warning: %s\n", st.text);
	else if (!sg_reinject_spool_on_disk(sp))
		fprintf(stderr, "smimegw: warning: [gateway] state_directory %s "
			"cannot hold encrypted copies (missing, not writable "
			"by this user, or no O_TMPFILE): they are held in "
			"memory\n", dir);
	else if (statfs(dir, &fs) == 0 && fs.f_type == TMPFS_MAGIC)
		fprintf(stderr, "smimegw: warning: [gateway] state_directory %s "
			"is on tmpfs: encrypted copies spooled there cost "
			"memory\n", dir);
	sg_reinject_spool_free(sp);
}

/*
 * become_user - -n as root: every file is read with the filter's rights,
 * never with root's; 78 when that cannot be. Not root: the caller's own
 * rights are what is checked.
 */
static int become_user(const char *user)
{
	bool	changed;
	sg_status st;

	st = sg_user_become(user, &changed);
	if (!sg_status_is_ok(&st)) {
		fprintf(stderr, "smimegw: -n as root: %s (the filter's user: "
			"-u USER names it); not checking as root\n", st.text);
		return EXIT_CONFIG;
	}
	if (changed)
		fprintf(stderr, "smimegw: checking as user %s (uid %ld)\n",
			user, (long) getuid());
	return EXIT_OK;
}

/* print_config - the -d mode: every key with the value in use */
static int print_config(const char *path)
{
	sg_config *cfg = NULL;
	sg_status st;

	st = sg_config_load(path, &cfg);
	if (!sg_status_is_ok(&st)) {
		fprintf(stderr, "smimegw: %s\n", st.text);
		return EXIT_CONFIG;
	}
	sg_config_print(cfg, stdout);
	sg_config_free(cfg);
	return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_CONFIG;
}

/* check_config - the -n mode: parse and load everything */
/*
 * check_signatures - -n: the signing key (when something is signed), the
 * trust anchors and the CRL directory load as the filter will load them
 */
static sg_status check_signatures(const sg_config *cfg)
{
	sg_outsign *os = NULL;
	sg_trust *trust = NULL;
	sg_status st = sg_status_ok();

	if (cfg->sign_mode != SG_SIGN_NONE) {
		st = sg_outsign_new(cfg, &os);
		if (!sg_status_is_ok(&st))
			return sg_status_make(SG_CONFIG, "%s: %s ([signing] mode "
					      "= none turns signing off)",
					      cfg->path, st.text);
		sg_outsign_free(os);
	}
	st = sg_trust_load(cfg->trust_anchors, cfg->crl_dir, &trust);
	if (!sg_status_is_ok(&st))
		return sg_status_make(SG_CONFIG, "%s: [verification]: %s",
				      cfg->path, st.text);
	sg_trust_free(trust);
	if (cfg->partner_policy == SG_PARTNER_POLICY_QUARANTINE
	    && (cfg->quarantine_address == NULL
		|| strchr(cfg->quarantine_address, '@') == NULL))
		return sg_status_make(SG_CONFIG, "%s: [verification] "
				      "partner_policy = quarantine needs a "
				      "quarantine_address", cfg->path);
	return sg_status_ok();
}

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
	if (sg_status_is_ok(&st))
		st = check_cert_dir(cfg->cert_dir);
	if (sg_status_is_ok(&st))
		st = check_signatures(cfg);
	if (sg_status_is_ok(&st))
		check_spool(cfg->state_dir);
	if (sg_status_is_ok(&st) && access(cfg->sendmail, X_OK) < 0)
		st = sg_status_make(SG_CONFIG, "%s: [gateway] sendmail %s is "
			"not executable", path, cfg->sendmail);
	if (sg_status_is_ok(&st)) {
		char	why[300];

		sg_log_set_file(cfg->log_file);
		if (!sg_log_check(why, sizeof(why)))
			st = sg_status_make(SG_CONFIG, "%s: %s", path, why);
	}
	if (sg_status_is_ok(&st))
		st = sg_postconf_check_timeout(cfg);
	if (sg_status_is_ok(&st)) {
		size_t	missing;

		/* warnings: Postfix may take a domain by a route not asked */
		st = sg_postconf_check_domains(cfg, &missing);
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

/*
 * The message's Message-ID for the log lines of this message, as Postfix's
 * cleanup logs it (" message-id=<...>", or empty): grep on it finds the
 * original and every reinjected copy, whose header keeps it.
 */
static char log_msgid[300];

/* note_message_id - log_msgid from the header; printable, no blanks */
static void note_message_id(const sg_buf *msg)
{
	static const char head[] = " message-id=<";
	sg_buf	value = SG_BUF_INIT;
	const char *v, *end;
	size_t	n, i;

	log_msgid[0] = '\0';
	if (!sg_mime_raw_header(msg->data, msg->len, "Message-ID", &value))
		goto cleanup;
	v = (const char *) value.data;
	if (*v == '<')
		v++;
	if ((end = strchr(v, '>')) == NULL)
		end = v + strcspn(v, " \t");
	memcpy(log_msgid, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	for (i = 0; v + i < end && n < sizeof(log_msgid) - 2; i++)
		log_msgid[n++] = v[i] > 0x20 && v[i] < 0x7f && v[i] != '"'
			? v[i] : '?';
	log_msgid[n++] = '>';
	log_msgid[n] = '\0';
cleanup:
	sg_buf_free(&value);
}

/* direction_name - for the log */
static const char *direction_name(sg_direction d)
{
	return d == SG_DIRECTION_OUTBOUND ? "outbound" : "inbound";
}

/*
 * whole_buffer - the buffer (the decrypted message, or the message as
 * read) whose bytes are all of copy c, so that sendmail reads that buffer
 * itself (sg_reinject_buf: a memory file is not copied again); NULL if none
 */
static sg_buf *whole_buffer(const sg_gateway_copy *c, sg_buf *msg,
			    sg_buf *input)
{
	if (c->bytes == msg->data && c->len == msg->len)
		return msg;
	if (input->data != NULL && c->bytes == input->data
	    && c->len == input->len)
		return input;
	return NULL;
}

/*
 * send_copies - reinject every copy; exit 75 unless all were accepted.
 * One log line per copy once sendmail accepted it, then one final line
 * for the message.
 */
static void send_copies(const sg_gateway_job *job, sg_gateway_result *res)
{
	const char *dir = direction_name(res->direction);
	char	head[200];
	sg_buf *whole;
	sg_status st;
	size_t	k;

	for (k = 0; k < res->ncopies; k++) {
		sg_gateway_copy *c = &res->copies[k];

		whole = whole_buffer(c, &res->msg, job->input);
		st = c->spool != NULL
			? sg_reinject_spooled(job->cfg->sendmail, job->sender,
					      c->rcpts, c->nrcpts, c->spool)
			: whole != NULL
			? sg_reinject_buf(job->cfg->sendmail, job->sender,
					  c->rcpts, c->nrcpts, whole)
			: sg_reinject(job->cfg->sendmail, job->sender, c->rcpts,
				      c->nrcpts, c->bytes, c->len);
		snprintf(head, sizeof(head), "%s: copy=%zu/%zu", dir, k + 1,
			 res->ncopies);
		if (!sg_status_is_ok(&st)) {
			sg_log_rcpts(true, head, c->rcpts, c->nrcpts, "status="
				     "deferred (reinjection failed)");
			sg_log_warning("%s: from=<%s> nrcpt=%zu result=deferred "
				       "reason=\"%s\" copies-sent=%zu/%zu%s",
				       dir, job->sender, job->nrcpts, st.text,
				       k, res->ncopies, k ? " (Postfix will "
				       "retry all; sent copies repeat)" : "");
			defer_line("4.3.0", "temporary failure, see the mail "
				   "log", st.text);
		}
		{
			char	tail[SG_GATEWAY_ACTION_MAX + 40];

			snprintf(tail, sizeof(tail), "%s size=%zu status=sent%s",
				 c->action, c->spool != NULL
				 ? sg_reinject_spool_size(c->spool)
				 : c->len, log_msgid);
			sg_log_rcpts(false, head, c->rcpts, c->nrcpts, tail);
		}
	}
	if (res->trailing)
		sg_log_info("%s: note: ignored %zu bytes after the CMS object "
			    "(a footer added by a relay?)", dir, res->trailing);
	sg_log_info("%s: from=<%s> nrcpt=%zu copies=%zu result=sent%s", dir,
		    job->sender, job->nrcpts, res->ncopies, log_msgid);
}

/*
 * probe_done - smimegw-test's probe: record what would have happened to
 * each recipient, send nothing, and let Postfix take it as delivered
 */
static void probe_done(const sg_probe *probe, const sg_gateway_job *job,
		       sg_gateway_result *res, const sg_status *gst)
{
	sg_status st;

	st = sg_probe_record(probe, job->cfg, job->rcpts, job->nrcpts, res,
			     gst);
	if (sg_status_is_ok(gst))
		sg_gateway_result_free(res);
	if (!sg_status_is_ok(&st))
		tempfail(&st);
	sg_log_info("probe: from=<%s> nrcpt=%zu token=%.8s... result=recorded "
		    "(smimegw-test; nothing sent)%s", job->sender, job->nrcpts,
		    sg_probe_token(probe), log_msgid);
	finish(EXIT_OK, NULL, NULL);
}

/* process - one message: build every copy, then send them or refuse */
static void process(const sg_config *cfg, const char *sender, char **rcpts,
		    size_t nrcpts, sg_inread *in)
{
	const sg_buf *msg = &in->msg;
	sg_gateway_job job = {cfg, sender, rcpts, nrcpts, msg->data, msg->len,
			      in->decoded ? &in->envelope : NULL, in->kr,
			      &in->msg};
	sg_gateway_result res;
	sg_probe *probe;
	sg_status st;

	note_message_id(msg);
	probe = sg_probe_find(cfg->probe_dir, msg->data, msg->len);
	st = sg_gateway_process(&job, &res);
	if (probe != NULL)
		probe_done(probe, &job, &res, &st);
	if (st.code == SG_REJECT) {
		sg_log_info("%s: from=<%s> nrcpt=%zu result=bounced dsn=%s "
			    "reason=\"%s\"%s", direction_name(res.direction),
			    sender, nrcpts, res.dsn, st.text, log_msgid);
		finish(res.by_policy ? EXIT_POLICY : EXIT_DATAERR, res.dsn,
		       res.dsn_text);
	}
	if (!sg_status_is_ok(&st)) {
		sg_log_warning("%s: from=<%s> nrcpt=%zu result=deferred dsn=%s "
			       "reason=\"%s\" (%s)%s",
			       direction_name(res.direction), sender, nrcpts,
			       res.dsn, st.text, sg_code_name(st.code),
			       log_msgid);
		/* never a detail of why decryption failed (RFC 3218) */
		defer_line(res.dsn, res.dsn_text, strcmp(res.dsn, "4.7.5")
			   ? st.text : NULL);
	}
	send_copies(&job, &res);
	sg_gateway_result_free(&res);
}

int	main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const char *config = DEF_CONFIG;
	const char *user = DEF_USER;
	const char *sender = NULL;
	sg_config *cfg = NULL;
	sg_inread in = SG_INREAD_INIT;
	sg_status st;
	int	check = 0, dump = 0, c;
	size_t	i;

	umask(077);
	open_std_fds();
	sg_log_open("smimegw");
	opterr = 0;			/* stdout/stderr become DSN text */
	while ((c = getopt_long(argc, argv, "c:q:f:nu:dhV", longopts,
				NULL)) != -1) {
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
		case 'u':
			user = optarg;
			break;
		case 'd':
			dump = 1;
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
	if (check && dump) {
		fprintf(stderr, "smimegw: -n and -d do not go together\n");
		return EXIT_CONFIG;
	}
	if (dump)
		return print_config(config);
	if (check)
		return (c = become_user(user)) != EXIT_OK ? c
			: check_config(config);
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
	st = sg_config_load(config, &cfg);
	if (!sg_status_is_ok(&st))
		tempfail(&st);
	sg_log_set_file(cfg->log_file);
	catch_signals();
	if (!valid_address(sender)) {
		sg_log_info("result=bounced dsn=5.1.7 reason=\"sender address "
			    "too long or with control characters\"");
		finish(EXIT_DATAERR, "5.1.7", "bad sender address syntax");
	}
	for (i = optind; i < (size_t) argc; i++)
		if (argv[i][0] == '\0' || !valid_address(argv[i])) {
			sg_log_info("result=bounced dsn=5.1.3 reason=\"recipient"
				    " %zu: empty, too long or with control "
				    "characters\"", i - optind + 1);
			finish(EXIT_DATAERR, "5.1.3", "bad recipient address "
			       "syntax");
		}
	alarm(cfg->timeout);

	st = sg_inread_fd(cfg, sender, argv + optind, (size_t) (argc - optind),
			  STDIN_FILENO, &in);
	if (st.code == SG_REJECT) {
		sg_log_info("from=<%s> nrcpt=%d result=bounced dsn=5.3.4 "
			    "reason=\"message larger than max_message_size "
			    "(%zu bytes)\"", sender, argc - optind,
			    cfg->max_message_size);
		finish(EXIT_DATAERR, "5.3.4", "message too big for the gateway");
	}
	if (!sg_status_is_ok(&st))
		tempfail(&st);

	process(cfg, sender, argv + optind, (size_t) (argc - optind), &in);
	sg_inread_free(&in);
	sg_config_free(cfg);
	return EXIT_OK;
}
