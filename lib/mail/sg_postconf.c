/*
 * NAME
 *	sg_postconf 3
 * SUMMARY
 *	keep [gateway] timeout safely below Postfix's smimegw_time_limit
 * DESCRIPTION
 *	The time value and the margin are pure functions (a table-driven
 *	unit test covers them). Running postconf is the only I/O: a child in
 *	a process group of its own, read through two pipes under poll() with
 *	a deadline, so that a hung postconf (or anything it left behind
 *	holding the pipes) costs at most SG_POSTCONF_WAIT seconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sg_buf.h"
#include "sg_log.h"
#include "sg_mem.h"
#include "sg_postconf.h"

#define SG_POSTCONF_OUT_MAX	4096	/* bytes kept of each stream */
#define SG_POSTCONF_PARAM	"smimegw_time_limit"

/* sg_postconf_time - a Postfix time value in seconds */
bool	sg_postconf_time(const char *text, unsigned long *seconds)
{
	unsigned long n = 0, unit;
	const char *p = text;

	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (unsigned long) (*p - '0');
		if (n > INT_MAX)
			return false;
	}
	switch (*p) {
	case '\0':
	case 's':
		unit = 1;
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	case 'w':
		unit = 604800;
		break;
	default:
		return false;
	}
	if (*p != '\0' && p[1] != '\0')
		return false;
	/* conv_time() refuses what does not fit an int. */
	if (n > (unsigned long) INT_MAX / unit)
		return false;
	*seconds = n * unit;
	return true;
}

/* sg_postconf_timeout_max - the largest timeout safe under limit; 0: none */
unsigned long sg_postconf_timeout_max(unsigned long limit)
{
	unsigned long by_margin, by_share;

	if (limit <= SG_POSTCONF_MARGIN)
		return 0;
	by_margin = limit - SG_POSTCONF_MARGIN;
	by_share = limit / 100 * SG_POSTCONF_PERCENT
		+ limit % 100 * SG_POSTCONF_PERCENT / 100;
	return by_margin < by_share ? by_margin : by_share;
}

/* sg_postconf_first_line - the first line of buf, blanks stripped */
static char *sg_postconf_first_line(const sg_buf *buf)
{
	const char *p = (const char *) buf->data;
	const char *nl, *nul;
	size_t	n = buf->len;
	char   *s;

	if (p == NULL)				/* nothing was read */
		p = "";
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	if ((nl = memchr(p, '\n', n)) != NULL)
		n = (size_t) (nl - p);
	if ((nul = memchr(p, '\0', n)) != NULL)
		n = (size_t) (nul - p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'
			 || p[n - 1] == '\r'))
		n--;
	s = sg_malloc(n + 1);
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* sg_postconf_ms_left - milliseconds until the deadline, at least 0 */
static int sg_postconf_ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long	ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000
		+ (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? (int) ms : 0;
}

/* sg_postconf_read - drain both pipes until EOF or the deadline */
static bool sg_postconf_read(int out, int err, sg_buf *obuf, sg_buf *ebuf)
{
	struct pollfd pfd[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
	sg_buf *bufs[2] = {obuf, ebuf};
	struct timespec deadline;
	char	chunk[1024];
	ssize_t	got;
	int	i, ret, nopen = 2;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += SG_POSTCONF_WAIT;
	while (nopen > 0) {
		ret = poll(pfd, 2, sg_postconf_ms_left(&deadline));
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			return false;		/* the deadline (or poll broke) */
		for (i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			got = read(pfd[i].fd, chunk, sizeof(chunk));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				pfd[i].fd = -1;
				nopen--;
			} else if (bufs[i]->len < SG_POSTCONF_OUT_MAX) {
				sg_buf_append(bufs[i], chunk, (size_t) got);
			}
		}
	}
	return true;
}

/*
 * sg_postconf_run - execv argv[0] with argv, no shell, stdin /dev/null, in
 * a process group of its own; at most SG_POSTCONF_WAIT seconds. *code is
 * its exit status; *out the start of its stdout, *why the first line of
 * its stderr (caller frees). SG_TEMPFAIL when it cannot be run, is
 * killed or does not answer.
 */
static sg_status sg_postconf_run(char *const argv[], sg_buf *out, int *code,
				 char **why)
{
	const char *prog = argv[0];
	int	opipe[2] = {-1, -1}, err[2] = {-1, -1}, devnull = -1;
	sg_buf	ebuf = SG_BUF_INIT;
	bool	answered;
	sg_status st = sg_status_ok();
	pid_t	pid;
	int	status;

	*code = -1;
	*why = NULL;
	if (access(prog, X_OK) < 0)
		return sg_status_make(SG_TEMPFAIL, "%s: %s", prog,
				      strerror(errno));
	if (pipe2(opipe, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0
	    || (devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
		st = sg_status_make(SG_TEMPFAIL, "cannot run %s: %s", prog,
				    strerror(errno));
		goto cleanup;
	}
	if ((pid = fork()) < 0) {
		st = sg_status_make(SG_TEMPFAIL, "cannot fork %s: %s", prog,
				    strerror(errno));
		goto cleanup;
	}
	if (pid == 0) {
		(void) setpgid(0, 0);
		if (dup2(devnull, 0) < 0 || dup2(opipe[1], 1) < 0
		    || dup2(err[1], 2) < 0)
			_exit(126);
		execv(prog, argv);
		_exit(127);
	}
	(void) setpgid(pid, pid);		/* whoever runs first */
	close(opipe[1]);
	close(err[1]);
	opipe[1] = err[1] = -1;
	answered = sg_postconf_read(opipe[0], err[0], out, &ebuf);
	if (!answered)
		(void) kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			st = sg_status_make(SG_TEMPFAIL, "%s: cannot wait: %s",
					    prog, strerror(errno));
			goto cleanup;
		}
	}
	*why = sg_postconf_first_line(&ebuf);
	if (!answered)
		st = sg_status_make(SG_TEMPFAIL, "%s did not answer within "
				    "%d seconds", prog, SG_POSTCONF_WAIT);
	else if (WIFSIGNALED(status))
		st = sg_status_make(SG_TEMPFAIL, "%s killed by signal %d",
				    prog, WTERMSIG(status));
	else
		*code = WEXITSTATUS(status);

cleanup:
	if (opipe[0] >= 0)
		close(opipe[0]);
	if (opipe[1] >= 0)
		close(opipe[1]);
	if (err[0] >= 0)
		close(err[0]);
	if (err[1] >= 0)
		close(err[1]);
	if (devnull >= 0)
		close(devnull);
	sg_buf_free(&ebuf);
	return st;
}

/* sg_postconf_get - "POSTCONF -xh NAME": its first line; caller frees */
sg_status sg_postconf_get(const char *postconf, const char *name,
			  char **value)
{
	char   *argv[] = {(char *) postconf, "-xh", (char *) name, NULL};
	sg_buf	obuf = SG_BUF_INIT;
	char   *why = NULL;
	sg_status st;
	int	code;

	*value = NULL;
	st = sg_postconf_run(argv, &obuf, &code, &why);
	if (sg_status_is_ok(&st) && code != 0)
		st = sg_status_make(SG_TEMPFAIL, "%s exited with status %d%s"
				    "%.120s%s", postconf, code,
				    *why ? " (" : "", why, *why ? ")" : "");
	else if (sg_status_is_ok(&st))
		*value = sg_postconf_first_line(&obuf);
	free(why);
	sg_buf_free(&obuf);
	return st;
}

/* sg_postconf_check_timeout - -n: timeout safely below smimegw_time_limit */
sg_status sg_postconf_check_timeout(const sg_config *cfg)
{
	unsigned long limit, max;
	char   *value = NULL;
	sg_status st;

	st = sg_postconf_get(cfg->postconf, SG_POSTCONF_PARAM, &value);
	if (!sg_status_is_ok(&st)) {
		sg_log_warning("warning: %s: [gateway] timeout not checked "
			       "against Postfix's " SG_POSTCONF_PARAM ": %s",
			       cfg->path, st.text);
		st = sg_status_ok();
		goto cleanup;
	}
	if (*value == '\0') {
		sg_log_warning("warning: %s: [gateway] timeout not checked: "
			       "Postfix's " SG_POSTCONF_PARAM " is not set "
			       "(%s knows no such parameter: is the pipe "
			       "service in master.cf named smimegw?)",
			       cfg->path, cfg->postconf);
		goto cleanup;
	}
	if (!sg_postconf_time(value, &limit)) {
		st = sg_status_make(SG_CONFIG, "%s: Postfix's "
				    SG_POSTCONF_PARAM " '%.40s' is not a "
				    "time value (digits and an optional unit s, "
				    "m, h, d or w)", cfg->path, value);
		goto cleanup;
	}
	max = sg_postconf_timeout_max(limit);
	if (cfg->timeout > max)
		st = sg_status_make(SG_CONFIG, "%s: [gateway] timeout: %u "
				    "seconds is not safely below Postfix's "
				    SG_POSTCONF_PARAM " (%s): at most %lu "
				    "(the limit less %d s, and no more than %d%% "
				    "of it)", cfg->path,
				    cfg->timeout, value, max,
				    SG_POSTCONF_MARGIN, SG_POSTCONF_PERCENT);
cleanup:
	free(value);
	return st;
}

/* The parameters that name the domains Postfix receives mail for. */
static const char *const sg_postconf_domain_params[] = {
	"mydestination", "relay_domains", "virtual_alias_domains",
	"virtual_mailbox_domains", NULL,
};

/*
 * sg_postconf_next - the next element of a Postfix list (separated by
 * commas and blanks; "{...}" kept whole, as in inline:{ a, b }) copied
 * into item, lower-cased; the text after it, or NULL at the end.
 */
static const char *sg_postconf_next(const char *p, char *item, size_t size)
{
	size_t	n = 0;
	int	depth = 0;

	p += strspn(p, ", \t\r\n");
	if (*p == '\0')
		return NULL;
	for (; *p != '\0'; p++) {
		if (depth == 0 && strchr(", \t\r\n", *p) != NULL)
			break;
		if (*p == '{')
			depth++;
		else if (*p == '}' && depth > 0)
			depth--;
		if (n + 1 < size)
			item[n++] = (*p >= 'A' && *p <= 'Z') ? *p + 'a' - 'A'
				: *p;
	}
	item[n] = '\0';
	return p;
}

/* sg_postconf_is_table - "type:name", not a plain name or a /file */
static bool sg_postconf_is_table(const char *item)
{
	return item[0] != '/' && strchr(item, ':') != NULL;
}

/* sg_postconf_in_list - a plain element of list names domain */
bool	sg_postconf_in_list(const char *list, const char *domain,
			    bool parent_matches)
{
	char	item[SG_POSTCONF_OUT_MAX];
	size_t	n, dn = strlen(domain);

	while ((list = sg_postconf_next(list, item, sizeof(item))) != NULL) {
		if (item[0] == '!' || item[0] == '/'
		    || sg_postconf_is_table(item))
			continue;
		n = strlen(item);
		if (n > 1 && item[n - 1] == '.')	/* a.example. */
			item[--n] = '\0';
		if (strcmp(item, domain) == 0)
			return true;
		/* ".example" matches below example; so does "example" when
		 * the parameter is in parent_domain_matches_subdomains */
		if (item[0] == '.' && n > 1 && dn > n
		    && strcmp(domain + dn - n, item) == 0)
			return true;
		if (parent_matches && item[0] != '.' && dn > n + 1
		    && domain[dn - n - 1] == '.'
		    && strcmp(domain + dn - n, item) == 0)
			return true;
	}
	return false;
}

/* sg_postconf_postmap - postmap(1) beside postconf(1) */
static char *sg_postconf_postmap(const char *postconf)
{
	const char *slash = strrchr(postconf, '/');
	size_t	n = slash ? (size_t) (slash - postconf) + 1 : 0;
	char   *path = sg_malloc(n + sizeof("postmap"));

	memcpy(path, postconf, n);
	memcpy(path + n, "postmap", sizeof("postmap"));
	return path;
}

/*
 * sg_postconf_table_has - "postmap -q DOMAIN TABLE" finds it: 1; does
 * not: 0; cannot tell: -1
 */
static int sg_postconf_table_has(const char *postmap, const char *table,
				 const char *domain)
{
	char   *argv[] = {(char *) postmap, "-q", (char *) domain,
		(char *) table, NULL};
	sg_buf	out = SG_BUF_INIT;
	char   *why = NULL;
	sg_status st;
	int	code;

	st = sg_postconf_run(argv, &out, &code, &why);
	free(why);
	sg_buf_free(&out);
	if (!sg_status_is_ok(&st))
		return -1;
	return code == 0 ? 1 : code == 1 ? 0 : -1;
}

/* sg_postconf_listed - one of Postfix's domain parameters names domain */
static bool sg_postconf_listed(const char *postmap, char *const *values,
			       const char *parents, const char *domain,
			       char *unsure, size_t size)
{
	char	item[SG_POSTCONF_OUT_MAX];
	const char *p;
	size_t	k, n;
	int	found;

	for (k = 0; sg_postconf_domain_params[k] != NULL; k++) {
		if (values[k] == NULL)
			continue;
		if (sg_postconf_in_list(values[k], domain,
					sg_postconf_in_list(parents,
					    sg_postconf_domain_params[k],
					    false)))
			return true;
		for (p = values[k]; (p = sg_postconf_next(p, item,
						       sizeof(item))) != NULL;) {
			if (item[0] == '/' || (item[0] != '!'
					       && !sg_postconf_is_table(item)))
				found = item[0] == '/' ? -1 : 0;
			else if (item[0] == '!')
				continue;
			else
				found = sg_postconf_table_has(postmap, item,
							      domain);
			if (found == 1)
				return true;
			if (found < 0) {
				n = strlen(unsure);
				snprintf(unsure + n, size - n, "%s%s %.100s",
					 n ? ", " : "",
					 sg_postconf_domain_params[k], item);
			}
		}
	}
	return false;
}

/* sg_postconf_check_domains - -n: warn about domains Postfix does not take */
sg_status sg_postconf_check_domains(const sg_config *cfg, size_t *missing)
{
	char   *values[sizeof(sg_postconf_domain_params)
		       / sizeof(sg_postconf_domain_params[0])] = {NULL};
	char   *parents = NULL, *postmap = NULL;
	char	unsure[600];
	sg_status st = sg_status_ok();
	size_t	k;

	*missing = 0;
	for (k = 0; sg_postconf_domain_params[k] != NULL; k++) {
		st = sg_postconf_get(cfg->postconf, sg_postconf_domain_params[k],
				     &values[k]);
		if (!sg_status_is_ok(&st))
			break;
	}
	if (sg_status_is_ok(&st))
		st = sg_postconf_get(cfg->postconf,
				     "parent_domain_matches_subdomains",
				     &parents);
	if (!sg_status_is_ok(&st)) {
		sg_log_warning("warning: %s: [gateway] domains not checked "
			       "against Postfix's domain lists: %s", cfg->path,
			       st.text);
		st = sg_status_ok();
		goto cleanup;
	}
	postmap = sg_postconf_postmap(cfg->postconf);
	for (k = 0; k < cfg->ndomains; k++) {
		unsure[0] = '\0';
		if (sg_postconf_listed(postmap, values, parents,
				       cfg->domains[k], unsure, sizeof(unsure)))
			continue;
		(*missing)++;
		sg_log_warning("warning: %s: [gateway] domains: %s is not in "
			       "Postfix's mydestination, relay_domains, "
			       "virtual_alias_domains or "
			       "virtual_mailbox_domains%s%s%s: Postfix does "
			       "not receive its mail (a typo? mail from its "
			       "users would be taken for inbound and leave "
			       "in clear)", cfg->path, cfg->domains[k],
			       *unsure ? " (not checked: " : "", unsure,
			       *unsure ? ")" : "");
	}
cleanup:
	for (k = 0; sg_postconf_domain_params[k] != NULL; k++)
		free(values[k]);
	free(parents);
	free(postmap);
	return st;
}
