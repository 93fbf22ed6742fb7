/*
 * NAME
 *	smimegw-test 8
 * SUMMARY
 *	prove that the live gateway protects mail to these addresses
 * SYNOPSIS
 *	smimegw-test [-c config] [-u user] [--smtp host:port] [--from sender]
 *		[--wait seconds] address ...
 * DESCRIPTION
 *	Sends one probe message by SMTP to the smtpd where users' mail
 *	enters (default 127.0.0.1:25), addressed to every address, and
 *	reports for each what the running filter did with it: encrypted
 *	(certificate file, cipher), plain and why, deferred or bounced and
 *	why; or that the probe never reached the filter (content_filter is
 *	not set on that smtpd), or that the smtpd refused the address.
 *
 *	The probe carries a one-time token in its X-SMIMEGW-Probe header
 *	field; the token's file lives in [gateway] probe_directory, which
 *	only the filter's user may read (see sg_probe(3)). The filter,
 *	seeing a live token, records one line per recipient beside it and
 *	sends nothing: the probe never leaves the host. Only when the probe
 *	does not reach the filter at all does Postfix deliver it as the
 *	ordinary (harmless) message it is; RCPT asks for NOTIFY=NEVER, so
 *	no delivery report comes back.
 *
 *	Run as root, it becomes the filter's user (-u, default smimegw)
 *	first; otherwise it must run as that user (the probe directory is
 *	that user's, mode 0700). Both files of the token are removed at the
 *	end.
 *
 *	-c config	the filter's configuration (default
 *			/etc/smimegw/smimegw.conf): probe_directory, and the
 *			first of domains for the default sender
 *	-u user		the filter's user, when run as root
 *	--smtp host:port where to submit ("[::1]:25" for IPv6)
 *	--from sender	envelope and From: address (default
 *			postmaster@ the first of our domains)
 *	--wait seconds	how long to wait for the filter (default 30)
 *
 *	Every SMTP step has a time limit of 30 seconds.
 * OUTPUT
 *	One line per address, "ADDRESS: OK encrypted (cert=FILE,
 *	cipher=NAME)", "ADDRESS: OK plain (one of our domains)", or
 *	"ADDRESS: FAIL ..." with the reason: plain (no certificate),
 *	deferred: REASON, bounced: DSN REASON, refused by smtpd: REPLY,
 *	no outcome (the probe never reached the filter ...).
 * EXIT STATUS
 *	0	every address is protected as configured: encrypted, or in
 *		one of our own domains (it stays here, plain as intended)
 *	1	at least one address is not: it would leave in clear (no
 *		certificate), be deferred or bounced, was refused, or the
 *		probe never reached the filter
 *	64	bad command line
 *	75	the probe could not be sent (connection, SMTP refusal)
 *	78	configuration: unreadable config, no such user, the probe
 *		directory missing or not private
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_config.h"
#include "sg_mem.h"
#include "sg_probe.h"
#include "sg_user.h"

#define DEF_CONFIG	"/etc/smimegw/smimegw.conf"
#define DEF_USER	"smimegw"
#define DEF_SMTP	"127.0.0.1:25"
#define DEF_WAIT	30
#define STEP_TIMEOUT	30		/* seconds per SMTP step */

#define EXIT_OK		0
#define EXIT_NOTOK	1
#define EXIT_USAGE	64
#define EXIT_TEMPFAIL	75
#define EXIT_CONFIG	78

/* One address on the command line and what became of it. */
typedef struct target {
	const char *addr;
	char   *refused;		/* smtpd's reply to RCPT, or NULL */
	char   *outcome;		/* the text after "result=", or NULL */
} target;

/* usage - the synopsis */
static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: smimegw-test [-c CONFIG] [-u USER] [--smtp HOST:PORT] "
		"[--from SENDER]\n"
		"                    [--wait SECONDS] ADDRESS...\n"
		"Sends a probe through Postfix's smtpd and reports what the "
		"smimegw filter\ndid for each address.\n"
		"  -c CONFIG        filter configuration (default " DEF_CONFIG
		")\n"
		"  -u USER          the filter's user, when run as root "
		"(default " DEF_USER ")\n"
		"  --smtp HOST:PORT where users' mail enters (default "
		DEF_SMTP ")\n"
		"  --from SENDER    sender (default postmaster@ the first of "
		"our domains)\n"
		"  --wait SECONDS   how long to wait for the filter (default "
		"30)\n"
		"Exit: 0 every address protected as configured, 1 not, 64 "
		"usage, 75 not sent,\n78 configuration.\n");
}

/* die - one line on stderr, then exit */
static void die(int code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3)));

static void die(int code, const char *fmt, ...)
{
	va_list	ap;

	fputs("smimegw-test: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* smtp_connect - a connected socket with send/receive time limits */
static int smtp_connect(const char *spec, char *why, size_t size)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct timeval tv = {STEP_TIMEOUT, 0};
	char	host[256], *port;
	struct pollfd pfd;
	int	fd = -1, err, flags;
	socklen_t len;

	snprintf(host, sizeof(host), "%s", spec);
	if ((port = strrchr(host, ':')) == NULL || port[1] == '\0') {
		snprintf(why, size, "--smtp %s: expected HOST:PORT", spec);
		return -1;
	}
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((err = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(why, size, "%s: %s", spec, gai_strerror(err));
		return -1;
	}
	snprintf(why, size, "%s: no address", spec);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0)
			continue;
		flags = fcntl(fd, F_GETFL);
		(void) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
		err = connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 ? errno : 0;
		if (err == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			if (poll(&pfd, 1, STEP_TIMEOUT * 1000) <= 0)
				err = ETIMEDOUT;
			else {
				len = sizeof(err);
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
					       &len) < 0)
					err = errno;
			}
		}
		if (err == 0) {
			(void) fcntl(fd, F_SETFL, flags);
			(void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
					  sizeof(tv));
			(void) setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
					  sizeof(tv));
			break;
		}
		snprintf(why, size, "cannot connect to %s: %s", spec,
			 strerror(err));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* smtp_send - all of text, or false */
static bool smtp_send(int fd, const char *text, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = send(fd, text, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		text += n;
		len -= (size_t) n;
	}
	return true;
}

/*
 * smtp_reply - read one reply (all its lines) into reply, the last line
 * kept; its code, or -1 on time-out or EOF. *dsn_ext notes "DSN" in an
 * EHLO reply.
 */
static int smtp_reply(int fd, sg_buf *in, char *reply, size_t size,
		      bool *dsn_ext)
{
	char	chunk[1024], *nl, *line;
	ssize_t	n;

	for (;;) {
		while (in->len > 0 && (nl = memchr(in->data, '\n',
						   in->len)) != NULL) {
			size_t	used = (size_t) ((uint8_t *) nl - in->data) + 1;
			bool	last;
			int	code;

			*nl = '\0';
			line = (char *) in->data;
			if (nl > line && nl[-1] == '\r')
				nl[-1] = '\0';
			last = strlen(line) < 4 || line[3] != '-';
			code = atoi(line);
			if (dsn_ext != NULL && strlen(line) > 4
			    && strncasecmp(line + 4, "DSN", 3) == 0
			    && (line[7] == '\0' || line[7] == ' '))
				*dsn_ext = true;
			snprintf(reply, size, "%s", line);
			memmove(in->data, in->data + used, in->len - used);
			in->len -= used;
			if (last)
				return code >= 200 && code < 600 ? code : -1;
		}
		n = recv(fd, chunk, sizeof(chunk), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(reply, size, "%s", n == 0 ? "connection "
				 "closed" : errno == EAGAIN ? "no reply within "
				 "the time limit" : strerror(errno));
			return -1;
		}
		sg_buf_append(in, chunk, (size_t) n);
	}
}

/* smtp_cmd - send a command line, read the reply; its code or -1 */
static int smtp_cmd(int fd, sg_buf *in, const char *cmd, char *reply,
		    size_t size, bool *dsn_ext)
{
	char	line[1100];
	int	n = snprintf(line, sizeof(line), "%s\r\n", cmd);

	if (n < 0 || (size_t) n >= sizeof(line)
	    || !smtp_send(fd, line, (size_t) n)) {
		snprintf(reply, size, "cannot send %.*s", 20, cmd);
		return -1;
	}
	return smtp_reply(fd, in, reply, size, dsn_ext);
}

/* probe_message - the probe's header and body, CRLF, dot-stuffed */
static void probe_message(sg_buf *out, const char *from, const char *token,
			  const char *host)
{
	char	date[64], line[2000];
	time_t	now = time(NULL);
	struct tm tm;

	(void) localtime_r(&now, &tm);
	(void) strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	snprintf(line, sizeof(line),
		 "From: smimegw-test <%s>\r\n"
		 "To: undisclosed-recipients:;\r\n"
		 "Subject: smimegw-test probe\r\n"
		 "Date: %s\r\n"
		 "Message-ID: <%.8s.smimegw-test@%s>\r\n"
		 SG_PROBE_HEADER ": %s\r\n"
		 "MIME-Version: 1.0\r\n"
		 "Content-Type: text/plain; charset=us-ascii\r\n"
		 "\r\n", from, date, token, host, token);
	sg_buf_append_str(out, line);
	sg_buf_append_str(out,
		"This is a probe of the S/MIME gateway sent by smimegw-test.\r\n"
		"The gateway's filter records what it would do with it and\r\n"
		"delivers it to nobody. If you are reading this, the filter\r\n"
		"never saw it: please tell the postmaster.\r\n"
		".\r\n");
}

/*
 * send_probe - the SMTP dialogue; each target either accepted or with
 * its refusal. False (and why) when nothing was queued.
 */
static bool send_probe(const char *spec, const char *from, const char *token,
		       target *t, size_t nt, char *why, size_t size)
{
	char	reply[600], cmd[1100], host[256];
	sg_buf	in = SG_BUF_INIT, msg = SG_BUF_INIT;
	bool	dsn = false, ok = false;
	size_t	i, accepted = 0;
	int	fd, code;

	if (gethostname(host, sizeof(host)) < 0 || host[0] == '\0')
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	if ((fd = smtp_connect(spec, why, size)) < 0)
		return false;
#define STEP(cond, what) \
	if (!(cond)) { \
		snprintf(why, size, "%.100s: %s: %.300s", spec, what, reply); \
		goto cleanup; \
	}
	code = smtp_reply(fd, &in, reply, sizeof(reply), NULL);
	STEP(code == 220, "greeting");
	snprintf(cmd, sizeof(cmd), "EHLO %s", host);
	code = smtp_cmd(fd, &in, cmd, reply, sizeof(reply), &dsn);
	STEP(code == 250, "EHLO");
	snprintf(cmd, sizeof(cmd), "MAIL FROM:<%s>", from);
	code = smtp_cmd(fd, &in, cmd, reply, sizeof(reply), NULL);
	STEP(code == 250, "MAIL FROM");
	for (i = 0; i < nt; i++) {
		snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>%s", t[i].addr,
			 dsn ? " NOTIFY=NEVER" : "");
		code = smtp_cmd(fd, &in, cmd, reply, sizeof(reply), NULL);
		STEP(code > 0, "RCPT TO");
		if (code != 250 && code != 251)
			t[i].refused = sg_strdup(reply);
		else
			accepted++;
	}
	if (accepted == 0) {
		snprintf(why, size, "%s: every address refused", spec);
		(void) smtp_cmd(fd, &in, "QUIT", reply, sizeof(reply), NULL);
		goto cleanup;
	}
	code = smtp_cmd(fd, &in, "DATA", reply, sizeof(reply), NULL);
	STEP(code == 354, "DATA");
	probe_message(&msg, from, token, host);
	STEP(smtp_send(fd, (const char *) msg.data, msg.len), "message");
	code = smtp_reply(fd, &in, reply, sizeof(reply), NULL);
	STEP(code == 250, "end of data");
	printf("smimegw-test: probe sent to %s: %s\n", spec, reply);
	fflush(stdout);
	ok = true;
	(void) smtp_cmd(fd, &in, "QUIT", reply, sizeof(reply), NULL);
#undef STEP
cleanup:
	close(fd);
	sg_buf_free(&in);
	sg_buf_free(&msg);
	return ok;
}

/* collect - match the outcome lines to the targets; true when complete */
static bool collect(const char *text, target *t, size_t nt, size_t *stray)
{
	char	addr[1100], *copy = sg_strdup(text), *line, *save = NULL;
	const char *result;
	bool	done = true;
	size_t	i;

	*stray = 0;
	for (i = 0; i < nt; i++) {
		free(t[i].outcome);
		t[i].outcome = NULL;
	}
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!sg_probe_parse(line, addr, sizeof(addr), &result))
			continue;
		for (i = 0; i < nt; i++)
			if (t[i].outcome == NULL && t[i].refused == NULL
			    && strcasecmp(t[i].addr, addr) == 0)
				break;
		if (i < nt)
			t[i].outcome = sg_strdup(result);
		else
			(*stray)++;
	}
	free(copy);
	for (i = 0; i < nt; i++)
		if (t[i].refused == NULL && t[i].outcome == NULL)
			done = false;
	return done;
}

/* word - the value of key=VALUE in text, into buf ("?" when absent) */
static const char *word(const char *text, const char *key, char *buf,
			size_t size)
{
	const char *p = text;
	size_t	n = strlen(key);

	while ((p = strstr(p, key)) != NULL) {
		if ((p == text || p[-1] == ' ') && p[n] == '=') {
			snprintf(buf, size, "%.*s", (int) strcspn(p + n + 1,
								  " "),
				 p + n + 1);
			return buf;
		}
		p += n;
	}
	snprintf(buf, size, "?");
	return buf;
}

/* report - one line for a target; true when it is protected */
static bool report(const target *t, bool reached, int wait)
{
	const char *o = t->outcome;
	char	a[200], b[200];
	const char *reason;

	if (t->refused != NULL) {
		printf("%s: FAIL refused by smtpd: %s\n", t->addr, t->refused);
		return false;
	}
	if (o == NULL) {
		if (reached)
			printf("%s: FAIL no outcome recorded (the filter saw "
			       "the probe for other addresses: was this one "
			       "rewritten by Postfix?)\n", t->addr);
		else
			printf("%s: FAIL the probe never reached the filter "
			       "within %d s: is content_filter=smimegw:dummy "
			       "set on that smtpd (master.cf)? Postfix "
			       "delivers the probe as ordinary mail then\n",
			       t->addr, wait);
		return false;
	}
	if (strncmp(o, "encrypted ", 10) == 0) {
		printf("%s: OK encrypted (cert=%s, cipher=%s)\n", t->addr,
		       word(o, "cert", a, sizeof(a)),
		       word(o, "cipher", b, sizeof(b)));
		return true;
	}
	if (strncmp(o, "plain-ours ", 11) == 0) {
		printf("%s: OK plain (one of our domains: it stays here)\n",
		       t->addr);
		return true;
	}
	if (strncmp(o, "decrypted ", 10) == 0 || strncmp(o, "relayed ", 8) == 0) {
		printf("%s: OK %.*s (inbound)\n", t->addr,
		       (int) strcspn(o, " "), o);
		return true;
	}
	if (strncmp(o, "plain-no-certificate ", 21) == 0) {
		printf("%s: FAIL plain (no certificate for it in the "
		       "certificates directory: it would leave in clear)\n",
		       t->addr);
		return false;
	}
	reason = strstr(o, "reason=");
	printf("%s: FAIL %.*s: %s%s%s\n", t->addr, (int) strcspn(o, " "), o,
	       strncmp(o, "bounced", 7) == 0 ? word(o, "dsn", a, sizeof(a))
	       : "", strncmp(o, "bounced", 7) == 0 ? " " : "",
	       reason ? reason + 7 : o);
	return false;
}

int	main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"smtp", required_argument, NULL, 'S'},
		{"from", required_argument, NULL, 'F'},
		{"wait", required_argument, NULL, 'W'},
		{NULL, 0, NULL, 0},
	};
	const char *config = DEF_CONFIG, *user = DEF_USER, *smtp = DEF_SMTP;
	const char *from = NULL;
	char	token[SG_PROBE_TOKEN_SIZE], why[600], *end;
	char	deffrom[300];
	sg_config *cfg = NULL;
	sg_buf	text = SG_BUF_INIT;
	target *t;
	size_t	nt, i, stray = 0;
	bool	changed, all = true, reached;
	long	wait = DEF_WAIT;
	struct timespec deadline, now;
	sg_status st;
	int	c;

	umask(077);
	while ((c = getopt_long(argc, argv, "c:u:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'S':
			smtp = optarg;
			break;
		case 'F':
			from = optarg;
			break;
		case 'W':
			wait = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || wait < 1
			    || wait > 3600)
				die(EXIT_USAGE, "--wait %s: seconds, 1..3600",
				    optarg);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	st = sg_user_become(user, &changed);
	if (!sg_status_is_ok(&st))
		die(EXIT_CONFIG, "%s (the filter's user: -u USER names it)",
		    st.text);
	st = sg_config_load(config, &cfg);
	if (!sg_status_is_ok(&st))
		die(EXIT_CONFIG, "%s", st.text);
	if (from == NULL) {
		snprintf(deffrom, sizeof(deffrom), "postmaster@%s",
			 cfg->domains[0]);
		from = deffrom;
	}
	nt = (size_t) (argc - optind);
	t = sg_calloc(nt, sizeof(*t));
	for (i = 0; i < nt; i++) {
		t[i].addr = argv[optind + (int) i];
		if (strpbrk(t[i].addr, "<>\r\n\t ") != NULL)
			die(EXIT_USAGE, "'%s': not a plain address", t[i].addr);
	}
	st = sg_probe_create(cfg->probe_dir, token);
	if (!sg_status_is_ok(&st))
		die(st.code == SG_CONFIG ? EXIT_CONFIG : EXIT_TEMPFAIL, "%s%s",
		    st.text, st.code == SG_CONFIG ? " (run as root, or as the "
		    "filter's user; create it: install -d -m 700 -o smimegw "
		    "DIR)" : "");
	if (!send_probe(smtp, from, token, t, nt, why, sizeof(why))) {
		sg_probe_remove(cfg->probe_dir, token);
		die(EXIT_TEMPFAIL, "probe not sent: %s", why);
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += wait;
	for (;;) {
		st = sg_probe_outcome(cfg->probe_dir, token, &text);
		if (sg_status_is_ok(&st) && collect((const char *) text.data, t,
						    nt, &stray))
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > deadline.tv_sec || (now.tv_sec
		    == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec))
			break;
		usleep(200 * 1000);
	}
	reached = text.len > 0;
	sg_probe_remove(cfg->probe_dir, token);
	for (i = 0; i < nt; i++)
		if (!report(&t[i], reached, (int) wait))
			all = false;
	if (stray > 0)
		printf("smimegw-test: %zu outcome line(s) for addresses not "
		       "asked for (rewritten by Postfix?)\n", stray);
	for (i = 0; i < nt; i++) {
		free(t[i].refused);
		free(t[i].outcome);
	}
	free(t);
	sg_buf_free(&text);
	sg_config_free(cfg);
	return all ? EXIT_OK : EXIT_NOTOK;
}
