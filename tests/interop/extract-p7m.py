#!/usr/bin/env python3
"""extract-p7m.py - write the CMS payload of the first S/MIME part of a message.

SYNOPSIS
    extract-p7m.py [--type enveloped-data|signed-data|any] IN.eml OUT.p7m

DESCRIPTION
    Walks the MIME tree of IN.eml depth first and writes to OUT.p7m the
    decoded body (base64 or whatever the Content-Transfer-Encoding says) of
    the first application/pkcs7-mime (or x-pkcs7-mime) part of the wanted
    type, default enveloped-data.  The bytes are written exactly as sent: BER
    stays BER.  When a part has no smime-type parameter its type is read
    from the content-type OID at the start of the CMS ContentInfo.
    With --type any, the type found is printed on stdout.

DIAGNOSTICS
    Exit 0 when a part was written, 1 when none matched, 2 on usage errors.
"""

import email
import email.policy
import sys

CT_PREFIX = bytes.fromhex("2a864886f70d0107")  # 1.2.840.113549.1.7
AUTH_ENV = bytes.fromhex("2a864886f70d0109100117")  # 1.2.840.113549.1.9.16.1.23


def sniff(data):
    """sniff - CMS content type from the leading OID of a ContentInfo."""
    # SEQUENCE header (definite or indefinite), then OBJECT IDENTIFIER.
    if len(data) < 4 or data[0] != 0x30:
        return None
    p = 2 if data[1] < 0x80 else 2 + (data[1] & 0x7F)
    if p + 2 > len(data) or data[p] != 0x06:
        return None
    oid = data[p + 2:p + 2 + data[p + 1]]
    if oid == CT_PREFIX + b"\x03":
        return "enveloped-data"
    if oid == CT_PREFIX + b"\x02":
        return "signed-data"
    if oid == AUTH_ENV:
        return "authEnveloped-data"
    return None


def main(argv):
    want = "enveloped-data"
    args = argv[1:]
    if len(args) == 4 and args[0] == "--type":
        want = args[1]
        args = args[2:]
    if len(args) != 2 or want not in ("enveloped-data", "signed-data", "any"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    with open(args[0], "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() not in ("application/pkcs7-mime",
                                           "application/x-pkcs7-mime"):
            continue
        body = part.get_payload(decode=True)
        if not body:
            continue
        kind = sniff(body)
        declared = (part.get_param("smime-type") or "").lower()
        if declared == "authenveloped-data":
            declared = "authEnveloped-data"
        kind = declared or kind
        # AuthEnvelopedData is an enveloped layer too.
        is_env = kind in ("enveloped-data", "authEnveloped-data")
        if want == "any" or (want == "enveloped-data" and is_env) or kind == want:
            with open(args[1], "wb") as out:
                out.write(body)
            if want == "any":
                print(kind)
            return 0
    print("extract-p7m.py: no %s part in %s" % (want, args[0]), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
