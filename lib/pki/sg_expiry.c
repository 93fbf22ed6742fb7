/*
 * NAME
 *	sg_expiry 3
 * SUMMARY
 *	warn before our own certificates expire, at most once a day
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg_certs.h"
#include "sg_expiry.h"
#include "sg_log.h"

#define SG_EXPIRY_DAY	86400

/* sg_expiry_warn - log a warning when crt expires soon; true if logged */
bool	sg_expiry_warn(gnutls_x509_crt_t crt, const char *what,
		       unsigned warn_days, const char *state_dir, time_t now)
{
	unsigned char serial[64];
	size_t	serial_len = sizeof(serial), i, n;
	char	stamp[4096], desc[300];
	time_t	expires = gnutls_x509_crt_get_expiration_time(crt);
	struct stat sb;
	long	days;
	int	fd;

	if (warn_days == 0 || expires == (time_t) -1
	    || expires - now > (time_t) warn_days * SG_EXPIRY_DAY)
		return false;
	if (state_dir != NULL
	    && gnutls_x509_crt_get_serial(crt, serial, &serial_len) == 0) {
		n = (size_t) snprintf(stamp, sizeof(stamp), "%s/expiry-",
				      state_dir);
		for (i = 0; i < serial_len && n + 3 < sizeof(stamp); i++)
			n += (size_t) snprintf(stamp + n, sizeof(stamp) - n,
					       "%02x", serial[i]);
		if (stat(stamp, &sb) == 0 && now - sb.st_mtime < SG_EXPIRY_DAY
		    && sb.st_mtime <= now)
			return false;		/* warned today */
		fd = open(stamp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC
			  | O_NOFOLLOW | O_NONBLOCK, 0600);
		if (fd >= 0)
			(void) close(fd);	/* its mtime is the stamp */
	}
	days = (long) ((expires - now) / SG_EXPIRY_DAY);
	sg_certs_describe(crt, desc, sizeof(desc));
	if (expires <= now)
		sg_log_warning("certificate: %s has EXPIRED [%s]: partners "
			       "cannot encrypt to it; renew it", what, desc);
	else
		sg_log_warning("certificate: %s expires in %ld day(s) [%s]: "
			       "renew it and send the new one to partners",
			       what, days, desc);
	return true;
}
