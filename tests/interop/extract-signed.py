#!/usr/bin/env python3
"""extract-signed.py - split the outer S/MIME signature of a message.

SYNOPSIS
    extract-signed.py IN.eml OUT.p7s OUT.content

DESCRIPTION
    multipart/signed: writes the first body part exactly as it stands
    between the boundary lines (RFC 1847: the CRLF before a boundary
    belongs to the boundary), with every line end made CRLF (the canonical
    form RFC 8551 signs), to OUT.content, the same bytes with LF line ends
    to OUT.content.lf (some of the NSS corpus' generated messages were
    signed so), and the decoded signature part to OUT.p7s;
    prints "detached".
    application/(x-)pkcs7-mime; smime-type=signed-data (or a body starting
    with a SignedData): writes the decoded body to OUT.p7s, empties
    OUT.content and prints "opaque".  The type is taken from the OID at
    the start of the ContentInfo, whatever smime-type says; an
    EnvelopedData is written to OUT.p7s too, and "enveloped" printed.

DIAGNOSTICS
    Exit 0 when a signature (or envelope) was found, 1 otherwise.
"""

import base64
import re
import sys

SIGNED_DATA_OID = bytes.fromhex("06092a864886f70d010702")
ENVELOPED_DATA_OID = bytes.fromhex("06092a864886f70d010703")


def canon(b):
    """canon - every line end as CRLF."""
    return re.sub(rb"\r?\n", b"\r\n", b)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    raw = open(sys.argv[1], "rb").read()
    m = re.search(rb"\r?\n\r?\n", raw)
    if not m:
        return 1
    head, body = raw[:m.start()], raw[m.end():]
    head_u = re.sub(rb"\r?\n[ \t]+", b" ", head).decode("latin-1")
    ct = re.search(r"(?im)^content-type:(.*)$", head_u)
    ct = ct.group(1) if ct else ""
    if re.search(r"(?i)multipart/signed", ct):
        bd = re.search(r'(?i)boundary="?([^";]+)"?', ct).group(1).encode()
        parts = re.split(rb"(?:^|\r?\n)--" + re.escape(bd) + rb"(?:--)?[ \t]*\r?\n",
                         body)
        # parts[0] preamble, [1] content, [2] signature part
        content = parts[1]
        sig = parts[2]
        sm = re.search(rb"\r?\n\r?\n", sig)
        sig_body = sig[sm.end():]
        sig_body = re.split(rb"\r?\n--" + re.escape(bd), sig_body)[0]
        open(sys.argv[3], "wb").write(canon(content))
        open(sys.argv[3] + ".lf", "wb").write(re.sub(rb"\r\n", b"\n", content))
        open(sys.argv[2], "wb").write(base64.b64decode(re.sub(rb"\s", b"", sig_body)))
        print("detached")
        return 0
    if re.search(r"(?i)pkcs7-mime", ct):
        der = base64.b64decode(re.sub(rb"\s", b"", body))
        if SIGNED_DATA_OID not in der[:24]:
            if ENVELOPED_DATA_OID in der[:24]:
                open(sys.argv[2], "wb").write(der)
                print("enveloped")
                return 0
            return 1
        open(sys.argv[2], "wb").write(der)
        open(sys.argv[3], "wb").write(b"")
        print("opaque")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
