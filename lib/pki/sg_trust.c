/*
 * NAME
 *	sg_trust 3
 * SUMMARY
 *	trust anchors, CRLs and RFC 5280 path validation for signers
 * DESCRIPTION
 *	See sg_trust.h. The anchors and the CRLs of crl_dir are kept as
 *	parsed objects; each verification builds a fresh GnuTLS trust list
 *	from copies of them plus the CRLs of the message that verify, so
 *	that nothing a message carries outlives its check.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "sg_buf.h"
#include "sg_mem.h"
#include "sg_status.h"
#include "sg_trust.h"

#define SG_TRUST_MAX_FILE	(16 * 1024 * 1024)
#define SG_TRUST_MAX_PATH	16	/* certificates in a path */
#define SG_TRUST_MAX_EXTRA	128	/* message certificates looked at */

struct sg_trust {
	gnutls_x509_crt_t *cas;
	size_t	ncas;
	gnutls_x509_crl_t *crls;
	size_t	ncrls;
};

/* add_crls - parse one CRL file (PEM, one or more, or DER) into trust */
static sg_status add_crls(sg_trust *trust, const char *path)
{
	sg_buf	buf = SG_BUF_INIT;
	gnutls_datum_t d;
	gnutls_x509_crl_t *list = NULL;
	unsigned int n = 0, i;
	sg_status st;
	int	ret;

	st = sg_buf_read_file(&buf, path, SG_TRUST_MAX_FILE);
	if (!sg_status_is_ok(&st))
		goto cleanup;
	d.data = buf.data;
	d.size = (unsigned) buf.len;
	ret = gnutls_x509_crl_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM,
					   0);
	if (ret < 0 || n == 0) {
		gnutls_x509_crl_t one;

		list = NULL;
		n = 0;
		if (gnutls_x509_crl_init(&one) < 0) {
			st = sg_status_make(SG_INTERNAL, "gnutls_x509_crl_init");
			goto cleanup;
		}
		ret = gnutls_x509_crl_import(one, &d, GNUTLS_X509_FMT_DER);
		if (ret < 0) {
			gnutls_x509_crl_deinit(one);
			st = sg_status_make(SG_TEMPFAIL,
				       "CRL file %s cannot be parsed: %s",
					    path, gnutls_strerror(ret));
			goto cleanup;
		}
		list = gnutls_malloc(sizeof(*list));
		if (list == NULL) {
			gnutls_x509_crl_deinit(one);
			st = sg_status_make(SG_TEMPFAIL, "out of memory");
			goto cleanup;
		}
		list[0] = one;
		n = 1;
	}
	trust->crls = sg_realloc(trust->crls,
				 (trust->ncrls + n) * sizeof(*trust->crls));
	for (i = 0; i < n; i++)
		trust->crls[trust->ncrls++] = list[i];
	gnutls_free(list);
	st = sg_status_ok();
cleanup:
	sg_buf_free(&buf);
	return st;
}

/* load_crl_dir - every regular file of dir is a CRL file */
static sg_status load_crl_dir(sg_trust *trust, const char *dir)
{
	DIR    *dp;
	struct dirent *de;
	struct stat sb;
	char	path[4096];
	sg_status st = sg_status_ok();

	if ((dp = opendir(dir)) == NULL)
		return sg_status_make(SG_TEMPFAIL, "cannot open CRL directory "
				      "%s: %s", dir, strerror(errno));
	for (;;) {
		errno = 0;
		if ((de = readdir(dp)) == NULL) {
			if (errno != 0)
				st = sg_status_make(SG_TEMPFAIL, "cannot read "
						    "CRL directory %s: %s",
						    dir, strerror(errno));
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir,
				      de->d_name) >= sizeof(path)) {
			st = sg_status_make(SG_TEMPFAIL, "CRL path too long "
					    "in %s", dir);
			break;
		}
		/* lstat: a directory or socket is not a CRL; anything odd
		 * that is not clearly "not a file" is opened and refused
		 * by sg_buf_read_file() (O_NONBLOCK, S_ISREG). */
		if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			continue;
		st = add_crls(trust, path);
		if (!sg_status_is_ok(&st))
			break;
	}
	(void) closedir(dp);
	return st;
}

/* sg_trust_load - anchors (PEM file) and CRLs (directory), both optional */
sg_status sg_trust_load(const char *anchors_file, const char *crl_dir,
			sg_trust **trustp)
{
	sg_trust *trust = sg_calloc(1, sizeof(*trust));
	sg_buf	buf = SG_BUF_INIT;
	gnutls_datum_t d;
	gnutls_x509_crt_t *list = NULL;
	unsigned int n = 0;
	sg_status st = sg_status_ok();
	int	ret;

	*trustp = NULL;
	if (anchors_file != NULL) {
		st = sg_buf_read_file(&buf, anchors_file, SG_TRUST_MAX_FILE);
		if (!sg_status_is_ok(&st))
			goto cleanup;
		d.data = buf.data;
		d.size = (unsigned) buf.len;
		ret = gnutls_x509_crt_list_import2(&list, &n, &d,
						   GNUTLS_X509_FMT_PEM, 0);
		if (ret < 0 || n == 0) {
			st = sg_status_make(SG_CONFIG, "trust anchors %s: no "
					    "usable PEM certificate", anchors_file);
			goto cleanup;
		}
		trust->cas = sg_memdup(list, n * sizeof(*list));
		trust->ncas = n;
		gnutls_free(list);
	}
	if (crl_dir != NULL)
		st = load_crl_dir(trust, crl_dir);
cleanup:
	sg_buf_free(&buf);
	if (sg_status_is_ok(&st))
		*trustp = trust;
	else
		sg_trust_free(trust);
	return st;
}

/* sg_trust_count - numbers of anchors and CRLs loaded */
/*
 * sg_trust_revoked - does a CRL of the CRL directory list crt? (for a
 * partner's encryption certificate: the CRLs there are the
 * administrator's, so they are taken as they are)
 */
bool	sg_trust_revoked(const sg_trust *trust, gnutls_x509_crt_t crt)
{
	if (trust == NULL || trust->ncrls == 0)
		return false;
	return gnutls_x509_crt_check_revocation(crt, trust->crls,
						(unsigned) trust->ncrls) == 1;
}

void	sg_trust_count(const sg_trust *trust, size_t *anchors, size_t *crls)
{
	*anchors = trust ? trust->ncas : 0;
	*crls = trust ? trust->ncrls : 0;
}

/* sg_trust_free - release everything; NULL is allowed */
void	sg_trust_free(sg_trust *trust)
{
	size_t	i;

	if (trust == NULL)
		return;
	for (i = 0; i < trust->ncas; i++)
		gnutls_x509_crt_deinit(trust->cas[i]);
	for (i = 0; i < trust->ncrls; i++)
		gnutls_x509_crl_deinit(trust->crls[i]);
	free(trust->cas);
	free(trust->crls);
	free(trust);
}

/* sg_trust_code_name - short name of a verdict code, for logs */
const char *sg_trust_code_name(sg_trust_code code)
{
	switch (code) {
	case SG_TRUST_OK:
		return "trusted";
	case SG_TRUST_REVOKED:
		return "revoked";
	case SG_TRUST_EXPIRED:
		return "expired";
	case SG_TRUST_INSECURE:
		return "insecure-algorithm";
	case SG_TRUST_PURPOSE:
		return "purpose-mismatch";
	case SG_TRUST_NOT_FOUND:
		return "no-path-to-anchor";
	case SG_TRUST_OTHER:
		return "invalid-path";
	}
	return "unknown";
}

/* dup_crt - a private copy of a certificate (the trust list owns it) */
static int dup_crt(gnutls_x509_crt_t in, gnutls_x509_crt_t *out)
{
	gnutls_datum_t der = { NULL, 0 };
	int	ret;

	if ((ret = gnutls_x509_crt_export2(in, GNUTLS_X509_FMT_DER, &der)) < 0)
		return ret;
	if ((ret = gnutls_x509_crt_init(out)) < 0)
		goto done;
	if ((ret = gnutls_x509_crt_import(*out, &der,
					  GNUTLS_X509_FMT_DER)) < 0) {
		gnutls_x509_crt_deinit(*out);
		*out = NULL;
	}
done:
	gnutls_free(der.data);
	return ret;
}

/* dup_crl - a private copy of a CRL */
static int dup_crl(gnutls_x509_crl_t in, gnutls_x509_crl_t *out)
{
	gnutls_datum_t der = { NULL, 0 };
	int	ret;

	if ((ret = gnutls_x509_crl_export2(in, GNUTLS_X509_FMT_DER, &der)) < 0)
		return ret;
	if ((ret = gnutls_x509_crl_init(out)) < 0)
		goto done;
	if ((ret = gnutls_x509_crl_import(*out, &der,
					  GNUTLS_X509_FMT_DER)) < 0) {
		gnutls_x509_crl_deinit(*out);
		*out = NULL;
	}
done:
	gnutls_free(der.data);
	return ret;
}

/* crl_verifies - does a message CRL verify with an anchor or message cert? */
static bool crl_verifies(gnutls_x509_crl_t crl, const sg_trust *trust,
			 const gnutls_x509_crt_t *extra, size_t nextra)
{
	unsigned int vstat;
	size_t	i;

	for (i = 0; trust != NULL && i < trust->ncas; i++)
		if (gnutls_x509_crl_check_issuer(crl, trust->cas[i])
		    && gnutls_x509_crl_verify(crl, &trust->cas[i], 1, 0,
					      &vstat) >= 0 && vstat == 0)
			return true;
	for (i = 0; i < nextra; i++)
		if (gnutls_x509_crl_check_issuer(crl, extra[i])
		    && gnutls_x509_crl_verify(crl, &extra[i], 1, 0,
					      &vstat) >= 0 && vstat == 0)
			return true;
	return false;
}

/* has_crl_for - is there a CRL issued by the issuer of crt? */
static bool has_crl_for(gnutls_x509_crt_t crt, const gnutls_x509_crl_t *crls,
			size_t ncrls)
{
	gnutls_datum_t cdn = { NULL, 0 }, ldn = { NULL, 0 };
	bool	found = false;
	size_t	i;

	if (gnutls_x509_crt_get_raw_issuer_dn(crt, &cdn) < 0)
		return false;
	for (i = 0; i < ncrls && !found; i++) {
		if (gnutls_x509_crl_get_raw_issuer_dn(crls[i], &ldn) < 0)
			continue;
		found = ldn.size == cdn.size
			&& memcmp(ldn.data, cdn.data, cdn.size) == 0;
		gnutls_free(ldn.data);
		ldn.data = NULL;
	}
	gnutls_free(cdn.data);
	return found;
}

static time_t sg_trust_now;

/* fixed_time - gnutls time function answering the requested instant */
static time_t fixed_time(time_t *t)
{
	if (t != NULL)
		*t = sg_trust_now;
	return sg_trust_now;
}

/* classify - map GnuTLS status bits to one verdict code */
static sg_trust_code classify(unsigned s, char *why, size_t size)
{
	if (s == 0) {
		snprintf(why, size, "certificate path to a trust anchor is "
			 "valid");
		return SG_TRUST_OK;
	}
	if (s & GNUTLS_CERT_REVOKED) {
		snprintf(why, size, "a certificate of the path is revoked");
		return SG_TRUST_REVOKED;
	}
	if (s & (GNUTLS_CERT_EXPIRED | GNUTLS_CERT_NOT_ACTIVATED)) {
		snprintf(why, size, "a certificate of the path is %s",
			 s & GNUTLS_CERT_EXPIRED ? "expired" : "not yet valid");
		return SG_TRUST_EXPIRED;
	}
	if (s & GNUTLS_CERT_INSECURE_ALGORITHM) {
		snprintf(why, size, "the path uses an insecure algorithm");
		return SG_TRUST_INSECURE;
	}
	if (s & GNUTLS_CERT_PURPOSE_MISMATCH) {
		snprintf(why, size, "a certificate of the path is not for "
			 "email protection");
		return SG_TRUST_PURPOSE;
	}
	if (s & GNUTLS_CERT_SIGNER_NOT_FOUND) {
		snprintf(why, size, "no path to a trust anchor");
		return SG_TRUST_NOT_FOUND;
	}
	snprintf(why, size, "invalid certificate path (status 0x%x%s%s%s)", s,
		 s & GNUTLS_CERT_SIGNER_NOT_CA ? ", issuer is not a CA" : "",
		 s & GNUTLS_CERT_SIGNATURE_FAILURE ? ", bad signature" : "",
		 s & GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE ?
		 ", constraints violated" : "");
	return SG_TRUST_OTHER;
}

/* sg_trust_verify_chain - RFC 5280 path validation of a signer */
sg_status sg_trust_verify_chain(const sg_trust *trust,
				gnutls_x509_crt_t signer,
				const gnutls_x509_crt_t *extra, size_t nextra,
				const gnutls_x509_crl_t *crls, size_t ncrls,
				time_t now, sg_trust_verdict *verdict,
				char *why, size_t size)
{
	gnutls_x509_trust_list_t tl = NULL;
	gnutls_x509_crt_t path[SG_TRUST_MAX_PATH];
	gnutls_x509_crt_t *owned = NULL;
	size_t	nowned = 0;
	gnutls_x509_crt_t *cas = NULL;
	gnutls_x509_crl_t *all = NULL;
	size_t	npath = 0, nall = 0, ncas = 0, i, j;
	gnutls_typed_vdata_st purpose;
	unsigned int vstat = 0;
	sg_status st;
	int	ret;

	memset(verdict, 0, sizeof(*verdict));
	verdict->code = SG_TRUST_OTHER;
	snprintf(why, size, "certificate path not checked");

	/* Work on fresh copies: a certificate built in memory (not parsed)
	 * lacks the raw names GnuTLS looks issuers up by. owned[0] is the
	 * signer, owned[1..] the extra certificates (at most
	 * SG_TRUST_MAX_EXTRA are looked at). */
	if (nextra > SG_TRUST_MAX_EXTRA)
		nextra = SG_TRUST_MAX_EXTRA;
	owned = sg_calloc(nextra + 1, sizeof(*owned));
	for (i = 0; i <= nextra; i++) {
		if ((ret = dup_crt(i == 0 ? signer : extra[i - 1],
				   &owned[i])) < 0)
			goto gnutls_fail;
		nowned++;
	}
	signer = owned[0];
	extra = owned + 1;

	/* The path: signer, then issuers found among the message's
	 * certificates, until a self-issued one or none is found. */
	path[npath++] = signer;
	while (npath < SG_TRUST_MAX_PATH) {
		gnutls_x509_crt_t cur = path[npath - 1], next = NULL;

		if (gnutls_x509_crt_check_issuer(cur, cur))
			break;
		for (i = 0; i < nextra && next == NULL; i++) {
			bool	used = false;

			for (j = 0; j < npath; j++)
				if (path[j] == extra[i])
					used = true;
			if (!used && gnutls_x509_crt_check_issuer(cur, extra[i]))
				next = extra[i];
		}
		if (next == NULL)
			break;
		path[npath++] = next;
	}

	/* CRLs: those of crl_dir, and those of the message that verify. */
	all = sg_calloc(ncrls + (trust ? trust->ncrls : 0) + 1, sizeof(*all));
	for (i = 0; trust != NULL && i < trust->ncrls; i++) {
		if ((ret = dup_crl(trust->crls[i], &all[nall])) < 0)
			goto gnutls_fail;
		nall++;
	}
	for (i = 0; i < ncrls && i < SG_TRUST_MAX_EXTRA; i++) {
		if ((ret = dup_crl(crls[i], &all[nall])) < 0)
			goto gnutls_fail;
		if (crl_verifies(all[nall], trust, extra, nextra))
			nall++;
		else
			gnutls_x509_crl_deinit(all[nall]);
	}
	verdict->crl_checked = true;
	for (i = 0; i < npath; i++)
		if (!gnutls_x509_crt_check_issuer(path[i], path[i])
		    && !has_crl_for(path[i], all, nall))
			verdict->crl_checked = false;

	if ((ret = gnutls_x509_trust_list_init(&tl, 0)) < 0)
		goto gnutls_fail;
	if (trust != NULL && trust->ncas > 0) {
		cas = sg_calloc(trust->ncas, sizeof(*cas));
		for (ncas = 0; ncas < trust->ncas; ncas++)
			if ((ret = dup_crt(trust->cas[ncas], &cas[ncas])) < 0)
				goto gnutls_fail;
		ret = gnutls_x509_trust_list_add_cas(tl, cas, (unsigned) ncas, 0);
		if (ret < 0)
			goto gnutls_fail;
		free(cas);		/* the certificates now belong to tl */
		cas = NULL;
		ncas = 0;
	}
	if (nall > 0) {
		ret = gnutls_x509_trust_list_add_crls(tl, all, (unsigned) nall,
						      0, 0);
		if (ret < 0)
			goto gnutls_fail;
		free(all);		/* the CRLs now belong to tl */
		all = NULL;
		nall = 0;
	}

	memset(&purpose, 0, sizeof(purpose));
	purpose.type = GNUTLS_DT_KEY_PURPOSE_OID;
	purpose.data = (void *) GNUTLS_KP_EMAIL_PROTECTION;
	if (now != 0) {
		sg_trust_now = now;
		gnutls_global_set_time_function(fixed_time);
	}
	ret = gnutls_x509_trust_list_verify_crt2(tl, path, (unsigned) npath,
						 &purpose, 1, 0, &vstat, NULL);
	if (now != 0)
		gnutls_global_set_time_function(time);
	if (ret < 0)
		goto gnutls_fail;
	verdict->gnutls_status = vstat;
	verdict->code = classify(vstat, why, size);
	if (verdict->code == SG_TRUST_OK && !verdict->crl_checked)
		snprintf(why, size, "certificate path to a trust anchor is "
			 "valid (revocation not known: no CRL)");
	st = sg_status_ok();
	goto cleanup;

gnutls_fail:
	st = sg_status_make(SG_TEMPFAIL, "certificate path check failed: %s",
			    gnutls_strerror(ret));
	snprintf(why, size, "%s", st.text);
cleanup:
	for (i = 0; i < nowned; i++)
		gnutls_x509_crt_deinit(owned[i]);
	free(owned);
	for (i = 0; i < ncas; i++)
		if (cas[i] != NULL)
			gnutls_x509_crt_deinit(cas[i]);
	free(cas);
	for (i = 0; all != NULL && i < nall; i++)
		gnutls_x509_crl_deinit(all[i]);
	free(all);
	if (tl != NULL)
		gnutls_x509_trust_list_deinit(tl, 1);
	return st;
}
