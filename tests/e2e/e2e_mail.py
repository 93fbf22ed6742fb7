#!/usr/bin/env python3
"""
NAME
	e2e_mail.py - make, send and inspect the messages of the e2e test
SYNOPSIS
	e2e_mail.py blob OUT
	e2e_mail.py compose -o OUT --from ADDR --to ADDR[,ADDR] --subject S
	            --message-id ID --canary WORD --attach BLOB
	e2e_mail.py send --server HOST:PORT --from ADDR --to ADDR [--to ...] FILE
	e2e_mail.py wait --maildir DIR --message-id ID [--timeout S]
	e2e_mail.py wait-bounce --maildir DIR --of ID [--timeout S]
	e2e_mail.py spool-wait --spool DIR --message-id ID [--timeout S]
	e2e_mail.py spool-count --spool DIR --message-id ID
	e2e_mail.py verify FILE --text TXT --attach BLOB (--trace WORD | --no-trace)
	e2e_mail.py hop FILE --canary WORD --attach BLOB --der OUT
	e2e_mail.py corrupt FILE --mode flip|garbage|gcm-tag[-large] --message-id ID
	            [--recip CERT --key KEY] -o OUT
DESCRIPTION
	blob writes a binary attachment: every byte value, the SMTP terminator
	and bare CR/LF sequences, then random bytes.

	compose writes a multipart/mixed message with CRLF line ends: a
	UTF-8 quoted-printable text part carrying the canary, and BLOB as a
	base64 attachment. The text part's expected decoded content goes to
	OUT.txt.

	send submits FILE by SMTP and prints the queue id from the server's
	"queued as" reply. Exit 1 with the reply when it is not accepted.

	wait polls a Maildir (new/ and cur/) for the message whose own
	Message-ID is ID and prints its path; wait-bounce for a multipart/report
	that mentions ID. spool-wait does the same for what e2e_relay.py
	recorded and prints "EML NEXT_QUEUE_ID RCPT[,RCPT]"; spool-count prints how many
	recorded messages carry ID. On timeout they exit 1 and list what is
	there.

	verify checks a delivered copy: the text part decodes to OUT.txt (line
	ends compared as LF: SMTP carries CRLF, Maildir stores LF), the
	attachment decodes to BLOB byte for byte, and X-SMIME-Gateway is
	present once and begins with WORD, or absent. Prints what it found.

	hop checks what crossed between the gateways: a top-level
	application/pkcs7-mime with smime-type enveloped-data or
	authEnveloped-data whose body is a CMS ContentInfo of that type, and
	neither the canary nor any line of the attachment's base64 anywhere in
	the bytes, decoded or not. Writes the DER to OUT.

	corrupt makes an S/MIME message that must not decrypt from a recorded
	one, with a new Message-ID: "flip" inverts the 17th byte from the end
	of the DER. For AES-CBC EnvelopedData (DER, content last) that is the
	last byte of the next-to-last ciphertext block, which flips the
	padding byte of the last plaintext block: 1..16 becomes 0xEF..0xFE, a
	padding error every time, not one time in 256. "garbage" replaces the
	body by random bytes (not CMS at all). "gcm-tag" replaces it by an
	AES-256-GCM AuthEnvelopedData that openssl makes for CERT, with the
	last byte of its GCM tag changed (the whole ciphertext decrypts; only
	the tag, checked at the very end, fails), after checking that openssl
	itself refuses it with KEY. "gcm-tag-large" is the same with about
	3 MB of text (its body, over 64 KB, is decoded as it is read).
EXIT STATUS
	0 as described, 1 for a failed check or a timeout, 2 usage.
"""
import argparse
import base64
import email
import email.message
import email.policy
import email.utils
import glob
import json
import os
import re
import smtplib
import subprocess
import sys
import tempfile
import time

OID_ENVELOPED = bytes.fromhex("06092a864886f70d010703")
OID_AUTH_ENVELOPED = bytes.fromhex("060b2a864886f70d0109100117")


def die(msg):
    print("e2e_mail: " + msg, file=sys.stderr)
    sys.exit(1)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def msgid_of(raw):
    """The top-level Message-ID, without angle brackets, or None."""
    end = raw.find(b"\n\n")
    end2 = raw.find(b"\r\n\r\n")
    cands = [e for e in (end, end2) if e >= 0]
    head = raw[:min(cands)] if cands else raw
    m = re.search(rb"(?im)^message-id:[ \t]*(?:\r?\n[ \t]+)?<([^>]*)>", head)
    return m.group(1).decode("latin-1") if m else None


def cmd_blob(a):
    data = bytes(range(256)) + b"\r\n.\r\n..\r\n\r\r\n\n\x00\r" + os.urandom(6000)
    with open(a.out, "wb") as f:
        f.write(data)


def cmd_compose(a):
    text = ("Hello,\n\nthis is end-to-end test message %s.\n"
            "Canary: %s\n"
            "Grüße aus a.example — ünïcödé, and a line that is long enough to "
            "need a soft line break in quoted-printable encoding, %s.\n"
            "\n.\nThe line above is a lone dot.\n" % (a.subject, a.canary,
                                                     a.canary))
    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    msg["From"] = a.sender
    msg["To"] = ", ".join(a.to.split(","))
    msg["Subject"] = a.subject
    msg["Date"] = email.utils.formatdate(localtime=True)
    msg["Message-ID"] = "<%s>" % a.message_id
    msg.set_content(text, charset="utf-8", cte="quoted-printable")
    msg.add_attachment(read(a.attach), maintype="application",
                       subtype="octet-stream", filename="blob.bin")
    with open(a.out, "wb") as f:
        f.write(msg.as_bytes())
    with open(a.out + ".txt", "w", encoding="utf-8") as f:
        f.write(text)


def cmd_send(a):
    host, _, port = a.server.rpartition(":")
    data = read(a.file)
    with smtplib.SMTP(host or "127.0.0.1", int(port),
                      local_hostname="client.e2e.test", timeout=60) as s:
        s.ehlo()
        code, text = s.mail(a.sender)
        if code != 250:
            die("MAIL FROM refused: %d %s" % (code, text))
        for r in a.to:
            code, text = s.rcpt(r)
            if code not in (250, 251):
                die("RCPT TO:<%s> refused: %d %s" % (r, code, text))
        code, text = s.data(data)
        text = text.decode("latin-1")
        if code != 250:
            die("DATA refused: %d %s" % (code, text))
    m = re.search(r"queued as (\S+)", text)
    if not m:
        die("no queue id in reply: %d %s" % (code, text))
    print(m.group(1))


def maildir_files(d):
    return sorted(glob.glob(os.path.join(d, "new", "*"))
                  + glob.glob(os.path.join(d, "cur", "*")))


def poll(timeout, find, describe):
    deadline = time.monotonic() + timeout
    while True:
        hit = find()
        if hit:
            return hit
        if time.monotonic() >= deadline:
            die("timed out after %ss; %s" % (timeout, describe()))
        time.sleep(0.2)


def list_maildir(d):
    files = maildir_files(d)
    return "%s holds %d message(s): %s" % (
        d, len(files), ", ".join("%s" % msgid_of(read(f)) for f in files))


def cmd_wait(a):
    def find():
        for f in maildir_files(a.maildir):
            if msgid_of(read(f)) == a.message_id:
                return f
        return None
    print(poll(a.timeout, find, lambda: list_maildir(a.maildir)))


def cmd_wait_bounce(a):
    needle = a.of.encode()

    def find():
        for f in maildir_files(a.maildir):
            raw = read(f)
            m = parse(raw)
            if m.get_content_type() == "multipart/report" and needle in raw:
                return f
        return None
    print(poll(a.timeout, find, lambda: list_maildir(a.maildir)))


def spool_entries(d):
    out = []
    for j in sorted(glob.glob(os.path.join(d, "*.json"))):
        eml = j[:-5] + ".eml"
        with open(j) as f:
            out.append((eml, json.load(f)))
    return out


def cmd_spool_wait(a):
    def find():
        for eml, meta in spool_entries(a.spool):
            if msgid_of(read(eml)) == a.message_id:
                return "%s %s %s" % (eml, meta.get("next_queue_id") or "-",
                                     ",".join(meta["to"]))
        return None

    def describe():
        e = spool_entries(a.spool)
        return "%s recorded %d message(s): %s" % (
            a.spool, len(e), ", ".join("%s" % msgid_of(read(x)) for x, _ in e))
    print(poll(a.timeout, find, describe))


def cmd_spool_count(a):
    print(sum(1 for eml, _ in spool_entries(a.spool)
              if msgid_of(read(eml)) == a.message_id))


def norm(s):
    return s.replace("\r\n", "\n")


def cmd_verify(a):
    raw = read(a.file)
    m = parse(raw)
    want_text = open(a.text, encoding="utf-8").read()
    want_blob = read(a.attach)
    if m.get_content_type() != "multipart/mixed":
        die("%s: top-level type is %s, not multipart/mixed"
            % (a.file, m.get_content_type()))
    text, blob = None, None
    for part in m.iter_parts():
        if part.get_content_type() == "text/plain":
            text = part.get_content()
        elif part.get_filename() == "blob.bin":
            blob = part.get_payload(decode=True)
    if text is None or norm(text) != norm(want_text):
        die("%s: text part differs from the original:\n%r\n%r"
            % (a.file, text, want_text))
    if blob != want_blob:
        die("%s: attachment differs from the original (%s vs %d bytes)"
            % (a.file, None if blob is None else len(blob), len(want_blob)))
    traces = m.get_all("X-SMIME-Gateway") or []
    if a.no_trace:
        if traces:
            die("%s: unexpected X-SMIME-Gateway: %s" % (a.file, traces))
        print("text and %d-byte attachment equal the original; "
              "no X-SMIME-Gateway header" % len(blob))
        return
    if len(traces) != 1 or not str(traces[0]).startswith(a.trace):
        die("%s: X-SMIME-Gateway should be one field starting with %r: %s"
            % (a.file, a.trace, traces))
    print("text and %d-byte attachment equal the original; "
          "X-SMIME-Gateway: %s" % (len(blob), traces[0]))


def b64_lines(blob):
    return [l for l in base64.encodebytes(blob).split(b"\n") if len(l) >= 16]


def cmd_hop(a):
    raw = read(a.file)
    canary = a.canary.encode()
    blob = read(a.attach)
    m = parse(raw)
    ctype = m.get_content_type()
    stype = (m.get_param("smime-type") or "").lower()
    if ctype not in ("application/pkcs7-mime", "application/x-pkcs7-mime"):
        die("%s: hop message is %s, not application/pkcs7-mime" % (a.file, ctype))
    if stype not in ("enveloped-data", "authenveloped-data"):
        die("%s: smime-type is %r" % (a.file, stype))
    der = m.get_payload(decode=True) or b""
    if canary in raw or canary in der:
        die("%s: the plaintext canary crossed the hop" % a.file)
    for line in b64_lines(blob):
        if line in raw:
            die("%s: a line of the attachment's base64 crossed the hop" % a.file)
    if blob[:256] in raw or blob[256:1024] in der:
        die("%s: attachment bytes crossed the hop" % a.file)
    oid = OID_ENVELOPED if stype == "enveloped-data" else OID_AUTH_ENVELOPED
    if len(der) < 64 or der[0] != 0x30 or der.find(oid, 0, 24) < 0:
        die("%s: body is not a CMS %s ContentInfo" % (a.file, stype))
    with open(a.der, "wb") as f:
        f.write(der)
    print("%s; smime-type=%s; %d bytes of CMS; no canary, no attachment bytes"
          % (ctype, stype, len(der)))


def gcm_tag_broken(recip, key, lines=0):
    """An AuthEnvelopedData (AES-256-GCM, by openssl) for recip whose GCM
    tag's last byte is changed; openssl itself must refuse it. lines: text
    lines after the canary (a large envelope is decoded as it is read)."""
    with tempfile.TemporaryDirectory() as d:
        plain, der = os.path.join(d, "plain"), os.path.join(d, "der")
        with open(plain, "wb") as f:
            f.write(b"Content-Type: text/plain\r\n\r\ngcm tag canary\r\n")
            for i in range(lines):
                f.write(b"line %d of a large text whose tag fails\r\n" % i)
        subprocess.run(["openssl", "cms", "-encrypt", "-binary",
                        "-aes-256-gcm", "-outform", "DER", "-in", plain,
                        "-out", der, recip], check=True)
        data = bytearray(read(der))
        data[-1] ^= 0x01              # the mac is the last element
        with open(der, "wb") as f:
            f.write(data)
        r = subprocess.run(["openssl", "cms", "-decrypt", "-inform", "DER",
                            "-in", der, "-inkey", key, "-recip", recip],
                           capture_output=True)
        if r.returncode == 0:
            die("openssl opens the broken GCM envelope: the case is moot")
    return data


def cmd_corrupt(a):
    m = email.message_from_bytes(read(a.file), policy=email.policy.SMTP)
    der = bytearray(m.get_payload(decode=True))
    if a.mode == "flip":
        der[-17] ^= 0xFF
    elif a.mode in ("gcm-tag", "gcm-tag-large"):
        if not a.recip or not a.key:
            die("corrupt --mode gcm-tag needs --recip CERT --key KEY")
        der = gcm_tag_broken(a.recip, a.key,
                             80000 if a.mode == "gcm-tag-large" else 0)
        m.replace_header("Content-Type", "application/pkcs7-mime; "
                         "smime-type=authEnveloped-data; name=smime.p7m")
    else:
        der = bytearray(os.urandom(700))
    m.replace_header("Message-ID", "<%s>" % a.message_id)
    m.replace_header("Subject", "corrupt ciphertext (%s)" % a.mode)
    m.set_payload(base64.encodebytes(bytes(der)).decode("ascii"))
    with open(a.out, "wb") as f:
        f.write(m.as_bytes())


def main():
    ap = argparse.ArgumentParser(prog="e2e_mail.py")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("blob")
    p.add_argument("out")
    p = sub.add_parser("compose")
    p.add_argument("-o", dest="out", required=True)
    p.add_argument("--from", dest="sender", required=True)
    p.add_argument("--to", required=True)
    p.add_argument("--subject", required=True)
    p.add_argument("--message-id", required=True)
    p.add_argument("--canary", required=True)
    p.add_argument("--attach", required=True)
    p = sub.add_parser("send")
    p.add_argument("--server", required=True)
    p.add_argument("--from", dest="sender", required=True)
    p.add_argument("--to", action="append", required=True)
    p.add_argument("file")
    for name in ("wait", "wait-bounce"):
        p = sub.add_parser(name)
        p.add_argument("--maildir", required=True)
        p.add_argument("--timeout", type=float, default=30)
        if name == "wait":
            p.add_argument("--message-id", required=True)
        else:
            p.add_argument("--of", required=True)
    for name in ("spool-wait", "spool-count"):
        p = sub.add_parser(name)
        p.add_argument("--spool", required=True)
        p.add_argument("--message-id", required=True)
        p.add_argument("--timeout", type=float, default=30)
    p = sub.add_parser("verify")
    p.add_argument("file")
    p.add_argument("--text", required=True)
    p.add_argument("--attach", required=True)
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--trace")
    g.add_argument("--no-trace", action="store_true")
    p = sub.add_parser("hop")
    p.add_argument("file")
    p.add_argument("--canary", required=True)
    p.add_argument("--attach", required=True)
    p.add_argument("--der", required=True)
    p = sub.add_parser("corrupt")
    p.add_argument("file")
    p.add_argument("--mode", choices=("flip", "garbage", "gcm-tag",
                                      "gcm-tag-large"),
                   required=True)
    p.add_argument("--recip")
    p.add_argument("--key")
    p.add_argument("--message-id", required=True)
    p.add_argument("-o", dest="out", required=True)
    a = ap.parse_args()
    {"blob": cmd_blob, "compose": cmd_compose, "send": cmd_send,
     "wait": cmd_wait, "wait-bounce": cmd_wait_bounce,
     "spool-wait": cmd_spool_wait, "spool-count": cmd_spool_count,
     "verify": cmd_verify, "hop": cmd_hop,
     "corrupt": cmd_corrupt}[a.cmd](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
