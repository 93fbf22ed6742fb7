/*
 * NAME
 *	sg_user 3
 * SUMMARY
 *	root becomes the filter's user, or the program stops
 * DESCRIPTION
 *	The order is Postfix's set_ugid(): groups first, while still root,
 *	then the group id, then the user id.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "sg_user.h"

/* sg_user_become - as root, become user for good; otherwise nothing */
sg_status sg_user_become(const char *user, bool *changed)
{
	struct passwd *pw;

	*changed = false;
	if (getuid() != 0 && geteuid() != 0)
		return sg_status_ok();
	errno = 0;
	if ((pw = getpwnam(user)) == NULL)
		return sg_status_make(SG_CONFIG, "no user '%s'%s%s", user,
				      errno ? ": " : "",
				      errno ? strerror(errno) : "");
	if (pw->pw_uid == 0)
		return sg_status_make(SG_CONFIG, "user '%s' is root", user);
	if (initgroups(user, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0
	    || setuid(pw->pw_uid) < 0)
		return sg_status_make(SG_CONFIG, "cannot become user '%s': %s",
				      user, strerror(errno));
	if (getuid() != pw->pw_uid || geteuid() != pw->pw_uid
	    || getgid() != pw->pw_gid || getegid() != pw->pw_gid
	    || setuid(0) == 0)
		return sg_status_make(SG_CONFIG, "cannot become user '%s': "
				      "root's rights did not go away", user);
	*changed = true;
	return sg_status_ok();
}
