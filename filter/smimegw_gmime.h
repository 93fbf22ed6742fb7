/*
 * NAME
 *	smimegw_gmime - GMime loaded on first use (smimegw_gmime.c)
 * DESCRIPTION
 *	The program linked with smimegw_gmime.c defines this function.
 *	It is called when GMime cannot be loaded, with dlerror()'s
 *	sentence or the name of the missing function, and must not return.
 */
#ifndef SMIMEGW_GMIME_H
#define SMIMEGW_GMIME_H

void	smimegw_gmime_unavailable(const char *why) __attribute__((noreturn));

#endif
