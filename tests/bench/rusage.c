/*
 * NAME
 *	rusage 1
 * SUMMARY
 *	run a command; print its CPU time and peak RSS (benchmarks only)
 * SYNOPSIS
 *	rusage OUTFILE COMMAND [ARG...]
 * DESCRIPTION
 *	Forks, executes COMMAND, waits for it with wait4(2) and writes
 *	"EXIT USER_US SYS_US MAXRSS_KB" to OUTFILE. CPU and peak RSS cover
 *	the command and the children it waited for. It exists because a
 *	child of a large process (Python) inherits that process's peak RSS
 *	across execve(2), and time(1) rounds CPU to 10 ms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

/* main - fork, exec, wait4, report */
int	main(int argc, char **argv)
{
	struct rusage ru;
	FILE   *fp;
	pid_t	pid;
	int	status;

	if (argc < 3)
		return 2;
	if ((pid = fork()) == 0) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return 2;
	if ((fp = fopen(argv[1], "w")) == NULL)
		return 2;
	fprintf(fp, "%d %ld %ld %ld\n", WIFEXITED(status)
		? WEXITSTATUS(status) : 128 + WTERMSIG(status),
		(long) ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec,
		(long) ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec,
		ru.ru_maxrss);
	return fclose(fp) == 0 ? 0 : 2;
}
