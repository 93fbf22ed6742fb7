/*
 * NAME
 *	sg_reinject 3
 * SUMMARY
 *	hand a message back to Postfix through sendmail(1)
 * DESCRIPTION
 *	The message goes into a sealed memfd before fork() (or is in one
 *	already: a memory-file buffer, sealed in place), so sendmail's
 *	standard input is complete before sendmail starts: no pipe whose
 *	writer can die half-way and hand sendmail -i an early end of input
 *	(it would queue a truncated copy). After sendmail exits, the shared
 *	file offset tells how far it read.
 *
 *	Everything the child needs (argv, descriptors) is made before fork(),
 *	so that the child only moves descriptors around and calls execv().
 *	A close-on-exec pipe carries errno back when execv() fails, which
 *	keeps "sendmail is missing" apart from "sendmail exited 127".
 *
 *	The child asks for SIGKILL when its parent dies (PR_SET_PDEATHSIG),
 *	then checks that the parent did not die before it asked.
 *
 *	All signals are blocked across fork(): in the parent no handler
 *	runs before sg_reinject_running names the child, and in the child
 *	none of the caller's handlers runs at all (caught signals go back to
 *	their default before the mask is cleared for execv()).
 *
 *	SIGCHLD is set to its default while the child runs: when a caller
 *	ignores it, the kernel reaps the child itself and waitpid() could
 *	not tell success from failure, and a message would be sent twice.
 *	The child is waited for without being reaped first (WNOWAIT), so its
 *	pid cannot be reused while sg_reinject_abort() may still use it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sg_mem.h"
#include "sg_reinject.h"

/* The sendmail now running, for sg_reinject_abort(); 0 when none. */
static volatile sig_atomic_t sg_reinject_running;

/* sg_reinject_abort - kill the running sendmail's process group */
void	sg_reinject_abort(void)
{
	pid_t	pid = (pid_t) sg_reinject_running;

	if (pid > 0)
		(void) kill(-pid, SIGKILL);
}

/* sg_reinject_high - move a descriptor above 2, so dup2() cannot clash */
static int sg_reinject_high(int fd)
{
	int	high;

	if (fd < 0 || fd > STDERR_FILENO)
		return fd;
	high = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	(void) close(fd);
	return high;
}

/* sg_reinject_pipe - a close-on-exec pipe with both ends above 2 */
static int sg_reinject_pipe(int fds[2])
{
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	fds[0] = sg_reinject_high(fds[0]);
	fds[1] = sg_reinject_high(fds[1]);
	return fds[0] < 0 || fds[1] < 0 ? -1 : 0;
}

/* sg_reinject_close - close a descriptor that may be unset (-1) */
static void sg_reinject_close(int *fd)
{
	if (*fd >= 0)
		(void) close(*fd);
	*fd = -1;
}

/* sg_reinject_write - write everything, across EINTR and short writes */
static int sg_reinject_write(int fd, const uint8_t *data, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, data, len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t) n;
	}
	return 0;
}

/*
 * sg_reinject_memfd - the whole message in a sealed memory file at offset
 * 0, close-on-exec, above 2; -1 with errno set on failure
 */
static int sg_reinject_memfd(const uint8_t *data, size_t len)
{
	int	fd, err;

	fd = sg_reinject_high(memfd_create("smimegw-reinject",
					   MFD_CLOEXEC | MFD_ALLOW_SEALING));
	if (fd < 0)
		return -1;
	/* Sealed: nobody, sendmail included, can change or cut the copy. */
	if (sg_reinject_write(fd, data, len) < 0
	    || fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW
		     | F_SEAL_WRITE | F_SEAL_SEAL) < 0
	    || lseek(fd, 0, SEEK_SET) != 0) {
		err = errno;
		(void) close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* sg_reinject_child - set up descriptors and signals, then execv() */
static void sg_reinject_child(const char *sendmail, char **argv,
			      pid_t parent, int in, int null, int report)
	__attribute__((noreturn));

static void sg_reinject_child(const char *sendmail, char **argv,
			      pid_t parent, int in, int null, int report)
{
	struct sigaction sa, dfl;
	sigset_t none;
	int	err, sig;

	(void) setpgid(0, 0);		/* see sg_reinject_abort() */
	/* Die with the parent; if it is gone already, do not start at all. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		goto fail;
	if (getppid() != parent)
		_exit(127);
	/* All three descriptors are above 2, so no dup2() undoes another. */
	if (dup2(in, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0
	    || dup2(null, STDERR_FILENO) < 0)
		goto fail;
	if (report != 3 && (dup2(report, 3) < 0
			    || fcntl(3, F_SETFD, FD_CLOEXEC) < 0))
		goto fail;
	closefrom(4);
	/* Still blocked: the caller's handlers must never run in here. */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	for (sig = 1; sig < NSIG; sig++)
		if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_DFL
		    && sa.sa_handler != SIG_IGN)
			(void) sigaction(sig, &dfl, NULL);
	(void) sigaction(SIGPIPE, &dfl, NULL);
	sigemptyset(&none);
	(void) sigprocmask(SIG_SETMASK, &none, NULL);
	execv(sendmail, argv);
fail:
	err = errno;
	if (write(3, &err, sizeof(err)) < 0)
		_exit(126);
	_exit(127);
}

/*
 * sg_reinject_run - run sendmail -G -i -f sender -- rcpts with standard
 * input the sealed memory file in (len bytes, read from offset 0)
 */
static sg_status sg_reinject_run(const char *sendmail, const char *sender,
				 char *const *rcpts, size_t nrcpts, int in,
				 size_t len)
{
	struct sigaction dfl, old_chld;
	sigset_t all, old_mask;
	siginfo_t si;
	char  **argv;
	int	report[2] = {-1, -1};
	int	null = -1, status = 0, err = 0, fork_errno;
	bool	chld_saved = false;
	sg_status st;
	pid_t	pid, parent, ret;
	off_t	got;
	ssize_t	n;
	size_t	i;

	if (nrcpts == 0)
		return sg_status_make(SG_INTERNAL, "reinjection without "
				      "recipients");
	argv = sg_calloc(nrcpts + 7, sizeof(*argv));
	argv[0] = (char *) sendmail;
	argv[1] = "-G";
	argv[2] = "-i";
	argv[3] = "-f";
	argv[4] = (char *) (sender ? sender : "");
	argv[5] = "--";
	for (i = 0; i < nrcpts; i++)
		argv[6 + i] = rcpts[i];

	if (lseek(in, 0, SEEK_SET) != 0) {
		st = sg_status_make(SG_TEMPFAIL, "cannot rewind the copy for "
				    "sendmail: %s", strerror(errno));
		goto cleanup;
	}
	if (sg_reinject_pipe(report) < 0) {
		st = sg_status_make(SG_TEMPFAIL, "cannot create a pipe to "
				    "sendmail: %s", strerror(errno));
		goto cleanup;
	}
	null = sg_reinject_high(open("/dev/null", O_RDWR | O_CLOEXEC));
	if (null < 0) {
		st = sg_status_make(SG_TEMPFAIL, "cannot open /dev/null: %s",
				    strerror(errno));
		goto cleanup;
	}
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	chld_saved = sigaction(SIGCHLD, &dfl, &old_chld) == 0;

	sigfillset(&all);
	(void) sigprocmask(SIG_BLOCK, &all, &old_mask);
	parent = getpid();
	if ((pid = fork()) == 0)
		sg_reinject_child(sendmail, argv, parent, in, null, report[1]);
	fork_errno = errno;
	if (pid > 0) {
		(void) setpgid(pid, pid);	/* also here: no race */
		sg_reinject_running = (sig_atomic_t) pid;
	}
	(void) sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (pid < 0) {
		st = sg_status_make(SG_TEMPFAIL, "cannot fork sendmail: %s",
				    strerror(fork_errno));
		goto cleanup;
	}
	sg_reinject_close(&report[1]);
	sg_reinject_close(&null);

	/* EOF: execv() succeeded and closed the pipe; data: its errno */
	while ((n = read(report[0], &err, sizeof(err))) < 0 && errno == EINTR)
		 /* void */ ;

	/* Wait, then forget the pid, then reap: it is never reused meanwhile */
	while ((ret = waitid(P_PID, (id_t) pid, &si, WEXITED | WNOWAIT)) < 0
	       && errno == EINTR)
		 /* void */ ;
	sg_reinject_running = 0;
	if (ret == 0)
		while ((ret = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
			 /* void */ ;
	got = lseek(in, 0, SEEK_CUR);	/* shared with the child: its reads */
	if (ret < 0)
		st = sg_status_make(SG_TEMPFAIL, "cannot wait for sendmail: %s",
				    strerror(errno));
	else if (n == (ssize_t) sizeof(err))
		st = sg_status_make(SG_TEMPFAIL, "cannot execute sendmail "
				    "%s: %s", sendmail, strerror(err));
	else if (WIFSIGNALED(status))
		st = sg_status_make(SG_TEMPFAIL, "sendmail killed by signal "
				    "%d", WTERMSIG(status));
	else if (!WIFEXITED(status))
		st = sg_status_make(SG_TEMPFAIL, "sendmail ended with wait "
				    "status 0x%x", (unsigned) status);
	else if (WEXITSTATUS(status) != 0)
		st = sg_status_make(SG_TEMPFAIL, "sendmail exited with status "
				    "%d", WEXITSTATUS(status));
	else if (got != (off_t) len)
		st = sg_status_make(SG_TEMPFAIL, "sendmail exited 0 after "
				    "reading %jd of %zu bytes", (intmax_t) got,
				    len);
	else
		st = sg_status_ok();

cleanup:
	if (chld_saved)
		(void) sigaction(SIGCHLD, &old_chld, NULL);
	sg_reinject_close(&report[0]);
	sg_reinject_close(&report[1]);
	sg_reinject_close(&null);
	free(argv);
	return st;
}

/* sg_reinject - run sendmail -G -i -f sender -- rcpts on a complete copy */
sg_status sg_reinject(const char *sendmail, const char *sender,
		      char *const *rcpts, size_t nrcpts,
		      const uint8_t *data, size_t len)
{
	sg_status st;
	int	in;

	if ((in = sg_reinject_memfd(data, len)) < 0)
		return sg_status_make(SG_TEMPFAIL, "cannot hold the message "
				      "for sendmail in memory: %s",
				      strerror(errno));
	st = sg_reinject_run(sendmail, sender, rcpts, nrcpts, in, len);
	(void) close(in);
	return st;
}

/*
 * sg_reinject_buf - sg_reinject() of a buffer; a memory-file buffer is
 * sealed and its own descriptor (the buffer's, left open) is sendmail's
 * standard input, rewound for each copy
 */
sg_status sg_reinject_buf(const char *sendmail, const char *sender,
			  char *const *rcpts, size_t nrcpts, sg_buf *buf)
{
	int	in;

	if (!sg_buf_is_memfile(buf))
		return sg_reinject(sendmail, sender, rcpts, nrcpts, buf->data
				   ? buf->data : (const uint8_t *) "", buf->len);
	if ((in = sg_buf_memfile_seal(buf)) < 0)
		return sg_status_make(SG_TEMPFAIL, "cannot seal the message "
				      "for sendmail: %s", strerror(errno));
	return sg_reinject_run(sendmail, sender, rcpts, nrcpts, in, buf->len);
}

 /*
  * Spooled copies: written piece by piece, sealed, then sent.
  */

struct sg_reinject_spool {
	int	fd;			/* the copy, -1 after a failure */
	size_t	len;			/* bytes written */
	bool	sealed;
	bool	on_disk;		/* an unnamed file, not a memfd */
	int	err;			/* errno of the first failure */
};

/*
 * sg_reinject_spool_new_in - an empty, private file for one copy: an
 * unnamed file (O_TMPFILE, mode 0600, never linked) in dir when that
 * works, else a memory file
 */
sg_status sg_reinject_spool_new_in(const char *dir, sg_reinject_spool **out)
{
	sg_reinject_spool *sp = sg_calloc(1, sizeof(*sp));

	sp->fd = -1;
	if (dir != NULL && *dir != '\0') {
		sp->fd = sg_reinject_high(open(dir, O_TMPFILE | O_RDWR
					       | O_CLOEXEC, 0600));
		sp->on_disk = sp->fd >= 0;
	}
	if (sp->fd < 0)
		sp->fd = sg_reinject_high(memfd_create("smimegw-reinject",
						       MFD_CLOEXEC
						       | MFD_ALLOW_SEALING));
	if (sp->fd < 0) {
		int	err = errno;

		free(sp);
		*out = NULL;
		return sg_status_make(SG_TEMPFAIL, "cannot create a memory "
				      "file for a copy: %s", strerror(err));
	}
	*out = sp;
	return sg_status_ok();
}

/* sg_reinject_spool_on_disk - is the copy in a file rather than in memory? */
bool	sg_reinject_spool_on_disk(const sg_reinject_spool *sp)
{
	return sp->on_disk;
}

/* sg_reinject_spool_write - append to the copy (an sg_cms_sink) */
sg_status sg_reinject_spool_write(void *ctx, const uint8_t *data, size_t len)
{
	sg_reinject_spool *sp = ctx;

	if (sp->sealed)
		return sg_status_make(SG_INTERNAL, "write to a sealed copy");
	if (sp->err == 0 && sg_reinject_write(sp->fd, data, len) < 0)
		sp->err = errno ? errno : EIO;
	if (sp->err != 0)
		return sg_status_make(SG_TEMPFAIL, "cannot hold a copy for "
				      "sendmail %s: %s", sp->on_disk
				      ? "in its spool file" : "in memory",
				      strerror(sp->err));
	sp->len += len;
	return sg_status_ok();
}

/*
 * sg_reinject_spool_reopen - an unnamed file is not sealable: from now on
 * it is held through a read-only descriptor when /proc can give one
 * (nothing of ours can write it any more, and it has no name through
 * which anyone else could); without /proc (a chroot) the descriptor we
 * wrote with stays, and the sealed flag alone stops further writes
 */
static void sg_reinject_spool_reopen(sg_reinject_spool *sp)
{
	char	path[64];
	int	fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", sp->fd);
	if ((fd = sg_reinject_high(open(path, O_RDONLY | O_CLOEXEC))) < 0)
		return;
	(void) close(sp->fd);
	sp->fd = fd;
}

/* sg_reinject_spool_seal - the copy is complete: no change from now on */
sg_status sg_reinject_spool_seal(sg_reinject_spool *sp)
{
	if (sp->err == 0 && sp->on_disk)
		sg_reinject_spool_reopen(sp);
	else if (sp->err == 0 && fcntl(sp->fd, F_ADD_SEALS, F_SEAL_SHRINK
				       | F_SEAL_GROW | F_SEAL_WRITE
				       | F_SEAL_SEAL) < 0)
		sp->err = errno;
	if (sp->err != 0)
		return sg_status_make(SG_TEMPFAIL, "cannot seal a copy for "
				      "sendmail: %s", strerror(sp->err));
	sp->sealed = true;
	return sg_status_ok();
}

/* sg_reinject_spool_size - bytes in the copy */
size_t	sg_reinject_spool_size(const sg_reinject_spool *sp)
{
	return sp->len;
}

/* sg_reinject_spooled - sg_reinject() for a sealed spool */
sg_status sg_reinject_spooled(const char *sendmail, const char *sender,
			      char *const *rcpts, size_t nrcpts,
			      sg_reinject_spool *sp)
{
	if (!sp->sealed)
		return sg_status_make(SG_INTERNAL, "reinjection of a copy that "
				      "is not complete");
	return sg_reinject_run(sendmail, sender, rcpts, nrcpts, sp->fd,
			       sp->len);
}

/* sg_reinject_spool_free - drop the copy (its memory goes with it) */
void	sg_reinject_spool_free(sg_reinject_spool *sp)
{
	if (sp == NULL)
		return;
	if (sp->fd >= 0)
		(void) close(sp->fd);
	free(sp);
}
