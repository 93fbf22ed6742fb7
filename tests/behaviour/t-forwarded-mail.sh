#!/bin/bash
# NAME
#	t-forwarded-mail - recipients decide encryption, whatever the sender
# SYNOPSIS
#	t-forwarded-mail.sh SMIMEGW PKI_DIR
# DESCRIPTION
#	Issue 7 item 8. Direction used to be decided by the envelope sender
#	alone, so mail from outside that our domain forwards to a partner
#	left in clear, and mail we decrypted left decrypted.
#	Gateway A (a.example) has a certificate for b.example:
#	- from outsider@c.example to local@a.example + fwd@b.example: the
#	  partner gets an encrypted copy (opens with gw-b only), the local
#	  user the message as it came.
#	Gateway B (b.example) has a certificate for c.example; a message
#	encrypted by A for B arrives for bob@b.example (ours), fwd@c.example
#	(a partner of B) and x@nocert.example:
#	- split: fwd@c.example gets it re-encrypted for gw-c (the decrypted
#	  entity, the same bytes A encrypted), bob and x the decrypted copy;
#	  no recipient outside b.example gets B's decryption in a copy that
#	  a partner certificate could have protected;
#	- reject: 5.7.1 and no copy at all.
# DIAGNOSTICS
#	Exit 0 when every check passed; otherwise 1 and a FAIL: line.

set -euo pipefail
TEST=t-forwarded-mail
. "$(dirname "$0")/lib.sh"
setup "$@"

in=$DATA/outbound/multipart-attachment.eml
entity=$DATA/outbound/multipart-attachment.entity
make_gateway a a.example gw-a
peer a b.example.pem gw-b

# 1. Inbound from an outsider, forwarded to a partner.
run_filter a -q BEHF0001 -f outsider@c.example -- local@a.example fwd@b.example <"$in"
expect a 0 - 2 "outsider to local + forward to partner"
argv_is a 1 "forward: encrypted copy" -G -i -f outsider@c.example -- fwd@b.example
argv_is a 2 "forward: local copy" -G -i -f outsider@c.example -- local@a.example
smime_of a 1 "$S/f1.der" "forward"
opens_with "$S/f1.der" gw-b "forward"
same "$entity" "$OPENED" "forward: the partner's copy decrypts to the entity"
grep -q CANARY "$(cap a 1)/msg" && fail "forward: canary in clear in the partner's copy"
same "$in" "$(cap a 2)/msg" "forward: the local copy is the message as it came"
ok "forwarded mail is encrypted for the partner"

# The input for B: what A sends to bob@b.example.
reset a
run_filter a -q BEHF0002 -f alice@a.example -- bob@b.example <"$in"
expect a 0 - 1 "A encrypts for B"
cp "$(cap a 1)/msg" "$S/for-b.eml"

for mode in split reject; do
	make_gateway "b$mode" b.example gw-b outbound.mixed_recipients=$mode
	peer "b$mode" c.example.pem gw-c
done

# 2. split: the partner gets it re-encrypted, never decrypted.
run_filter bsplit -q BEHF0003 -f alice@a.example -- bob@b.example fwd@c.example \
	x@nocert.example <"$S/for-b.eml"
expect bsplit 0 - 2 "decrypted, then forwarded (split)"
argv_is bsplit 1 "re-encrypted copy" -G -i -f alice@a.example -- fwd@c.example
argv_is bsplit 2 "decrypted copy" -G -i -f alice@a.example -- bob@b.example x@nocert.example
smime_of bsplit 1 "$S/f3.der" "re-encrypted"
opens_with "$S/f3.der" gw-c "re-encrypted"
same "$entity" "$OPENED" "re-encrypted: the same entity A encrypted"
grep -q CANARY "$(cap bsplit 1)/msg" && fail "re-encrypted: canary in clear"
grep -q CANARY "$(cap bsplit 2)/msg" || fail "decrypted copy: the canary is missing"
grep -qi '^X-SMIME-Gateway: decrypted' "$(cap bsplit 2)/msg" ||
	fail "decrypted copy: no trace header"
ok "decrypted mail to a partner is encrypted again"

# 3. reject: nothing goes out.
run_filter breject -q BEHF0004 -f alice@a.example -- bob@b.example fwd@c.example \
	x@nocert.example <"$S/for-b.eml"
expect breject 69 5.7.1 0 "decrypted, then forwarded (reject)"

# 4. Only partners: the decrypted copy goes to nobody.
reset bsplit
run_filter bsplit -q BEHF0005 -f alice@a.example -- fwd@c.example <"$S/for-b.eml"
expect bsplit 0 - 1 "decrypted, only a partner recipient"
smime_of bsplit 1 "$S/f5.der" "only partner"
opens_with "$S/f5.der" gw-c "only partner"
finish
