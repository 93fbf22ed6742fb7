/*
 * NAME
 *	sg_harvest 3
 * SUMMARY
 *	partners' certificates from their verified signed mail
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg_certcheck.h"
#include "sg_certs.h"
#include "sg_certstore.h"
#include "sg_harvest.h"
#include "sg_mem.h"

/* sg_harvest_same - byte-identical certificates? */
static bool sg_harvest_same(gnutls_x509_crt_t a, gnutls_x509_crt_t b)
{
	gnutls_datum_t da = {NULL, 0}, db = {NULL, 0};
	bool	same;

	same = gnutls_x509_crt_export2(a, GNUTLS_X509_FMT_DER, &da) == 0
		&& gnutls_x509_crt_export2(b, GNUTLS_X509_FMT_DER, &db) == 0
		&& da.size == db.size && memcmp(da.data, db.data, da.size) == 0;
	gnutls_free(da.data);
	gnutls_free(db.data);
	return same;
}

/* sg_harvest_pending_has - is a certificate with this fingerprint pending? */
static bool sg_harvest_pending_has(const char *dir, const char *fpr)
{
	sg_certstore_pending *list = NULL;
	size_t	n = 0, i;
	bool	found = false;
	sg_status st;

	st = sg_certstore_pending_list(dir, &list, &n);
	if (!sg_status_is_ok(&st))
		return false;
	for (i = 0; i < n && !found; i++)
		found = list[i].fingerprint != NULL
			&& strcmp(list[i].fingerprint, fpr) == 0;
	sg_certstore_pending_free(list, n);
	return found;
}

/* sg_harvest - store or activate a partner's certificate */
void	sg_harvest(const sg_config *cfg, const sg_harvest_input *in,
		   time_t now, char *what, size_t size)
{
	sg_certcheck_result r = SG_CERTCHECK_RESULT_INIT;
	sg_certs have = SG_CERTS_INIT;
	gnutls_x509_crt_t cand;
	char	path[4096], fpr[SG_CERTCHECK_FPR_SIZE] = "?", *id = NULL;
	char   *dest = NULL;
	bool	exists = false, known = false;
	sg_status st;
	size_t	i;

	what[0] = '\0';
	if (cfg->harvest_mode == SG_HARVEST_OFF || in->domain == NULL)
		return;
	cand = in->enc != NULL ? in->enc : in->signer;
	if (cand == NULL || !sg_certcheck_for_encryption(cand)) {
		snprintf(what, size, "harvest=none reason=no-encryption-"
			 "certificate");
		return;
	}
	(void) sg_certcheck_fingerprint(cand, fpr, sizeof(fpr));
	st = sg_certcheck_peer(cand, now, in->domain, 0, &r);
	if (!sg_status_is_ok(&st) || r.problems != 0) {
		snprintf(what, size, "harvest=refused fingerprint=%s reason=\"%s\"",
			 fpr, sg_status_is_ok(&st) ? r.text : st.text);
		goto cleanup;
	}
	snprintf(path, sizeof(path), "%s/%s.pem", cfg->cert_dir, in->domain);
	st = sg_certs_load(&have, path);
	exists = sg_status_is_ok(&st) && have.count > 0;
	for (i = 0; exists && i < have.count && !known; i++)
		known = sg_harvest_same(have.crts[i], cand);
	if (known)
		goto cleanup;			/* nothing new: say nothing */
	if (cfg->harvest_mode == SG_HARVEST_AUTO && in->chain_valid) {
		st = sg_certstore_put(cfg->cert_dir, in->domain, &cand, 1,
				      SG_CERTSTORE_APPEND, &dest);
		if (sg_status_is_ok(&st))
			snprintf(what, size, "harvest=activated domain=%s "
				 "fingerprint=%s%s", in->domain, fpr, exists
				 ? " (added beside the existing certificate: "
				 "a different key, chain valid)" : "");
		else
			snprintf(what, size, "harvest=failed domain=%s "
				 "reason=\"%s\"", in->domain, st.text);
		goto cleanup;
	}
	if (sg_harvest_pending_has(cfg->harvest_pending_dir, fpr))
		goto cleanup;			/* already waiting */
	st = sg_certstore_pending_add(cfg->harvest_pending_dir, in->domain,
				      in->source, now, &cand, 1, &id);
	if (sg_status_is_ok(&st))
		snprintf(what, size, "harvest=pending id=%s domain=%s "
			 "fingerprint=%s%s", id, in->domain, fpr, exists
			 ? " (a different key than the one in use: compare "
			 "it out of band before approving)" : "");
	else
		snprintf(what, size, "harvest=failed domain=%s reason=\"%s\"",
			 in->domain, st.text);
cleanup:
	free(id);
	free(dest);
	sg_certs_free(&have);
	sg_certcheck_result_free(&r);
}
