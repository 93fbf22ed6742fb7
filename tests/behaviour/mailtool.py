#!/usr/bin/env python3
"""mailtool.py - message inspection and surgery for the behaviour tests.

SYNOPSIS
    mailtool.py outer IN                 header fields other than Content-*
                                         and MIME-Version, raw, in order
    mailtool.py smime IN OUT.der         check the top level is S/MIME
                                         (base64) and write the decoded body;
                                         prints "smime-type=... name=..."
    mailtool.py body IN OUT              everything after the header block
    mailtool.py entity IN OUT            what outbound encryption protects:
                                         the Content-* fields, an empty line
                                         and the body, bare LF made CRLF
    mailtool.py trace IN OUT             remove the X-SMIME-Gateway field(s)
                                         of the header block into OUT; print
                                         each removed field's value
    mailtool.py results IN OUT           remove the Authentication-Results
                                         fields into OUT; print each value
    mailtool.py leaves A B               MIME-decoded leaf parts of A and B
                                         are equal (types and bytes)
    mailtool.py rewrap IN DER OUT        IN with its base64 body replaced by
                                         the base64 of DER (64-char lines)
    mailtool.py make-smime HDRS DER OUT [TYPE]
                                         HDRS (header lines) + S/MIME headers
                                         + base64 of DER
    mailtool.py xor IN OFFSET MASK OUT   copy with one byte XORed (OFFSET<0
                                         counts from the end)
    mailtool.py find IN HEX              offset of the first occurrence of
                                         the bytes HEX in IN
    mailtool.py lines IN N OUT           IN up to and including its line N

DESCRIPTION
    The header block is split by this file's own rules (a field starts with
    "name:", continuation lines start with space or tab, the block ends at
    the first empty line), independently of the gateway's parser.  The
    email package is used only to decode MIME parts.

DIAGNOSTICS
    Exit 0 on success, 1 with a message on stderr when a check fails,
    2 on usage errors.
"""

import base64
import binascii
import email
import email.policy
import re
import sys


def die(msg):
    sys.stderr.write("mailtool: %s\n" % msg)
    sys.exit(1)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def split_header(data):
    """split_header - (fields, body): raw fields with their line ends."""
    lines = data.splitlines(keepends=True)
    fields = []
    pos = 0
    for i, line in enumerate(lines):
        if line in (b"\n", b"\r\n"):
            return fields, data[pos + len(line):]
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += line
        elif re.match(rb"[!-9;-~]+[ \t]*:", line):   # obs syntax: RFC 5322 4.5
            fields.append(line)
        else:
            return fields, data[pos:]
        pos += len(line)
    return fields, b""


def field_name(field):
    return field.split(b":", 1)[0].strip().lower()


def is_mime_field(field):
    n = field_name(field)
    return n.startswith(b"content-") or n == b"mime-version"


def cmd_outer(args):
    fields, _ = split_header(read(args[0]))
    sys.stdout.buffer.write(b"".join(f for f in fields if not is_mime_field(f)))


def normalized(fields, body):
    """normalized - the message with "Name :" fields written "Name:", since
    Python's email parser does not know the obsolete syntax."""
    fixed = [re.sub(rb"^([!-9;-~]+)[ \t]+:", rb"\1:", f) for f in fields]
    return b"".join(fixed) + b"\n" + body


def cmd_smime(args):
    data = read(args[0])
    fields, body = split_header(data)
    msg = email.message_from_bytes(normalized(fields, body),
                                   policy=email.policy.compat32)
    ctype = msg.get_content_type()
    if ctype != "application/pkcs7-mime":
        die("top-level Content-Type is %s, not application/pkcs7-mime" % ctype)
    cte = (msg.get("Content-Transfer-Encoding") or "").strip().lower()
    if cte != "base64":
        die("Content-Transfer-Encoding is '%s', not base64" % cte)
    versions = [f for f in fields if field_name(f) == b"mime-version"]
    if len(versions) != 1 or versions[0].split(b":", 1)[1].strip() != b"1.0":
        die("expected exactly one MIME-Version: 1.0, got %r" % versions)
    for line in body.splitlines():
        if len(line) > 76:
            die("base64 line longer than 76 characters")
        if not re.fullmatch(rb"[A-Za-z0-9+/=]*", line):
            die("non-base64 characters in the body: %r" % line[:40])
    try:
        der = base64.b64decode(b"".join(body.split()), validate=True)
    except binascii.Error as e:
        die("body is not valid base64: %s" % e)
    write(args[1], der)
    print("smime-type=%s name=%s" % (msg.get_param("smime-type"),
                                     msg.get_param("name")))


def cmd_body(args):
    _, body = split_header(read(args[0]))
    write(args[1], body)


def cmd_entity(args):
    fields, body = split_header(read(args[0]))
    ent = b"".join(f for f in fields if field_name(f).startswith(b"content-"))
    ent += b"\n" + body
    write(args[1], re.sub(rb"(?<!\r)\n", b"\r\n", ent))


def remove_fields(data, name):
    """The message without the header fields called name (lower case),
    every other byte as it was; and their values, unfolded."""
    fields, body = split_header(data)
    kept, values = [], []
    for f in fields:
        if field_name(f) == name:
            values.append(b" ".join(f.split(b":", 1)[1].split()))
        else:
            kept.append(f)
    head_len = len(data) - len(body)
    # keep the empty line (or whatever ended the block) as it was
    consumed = sum(len(f) for f in fields)
    return b"".join(kept) + data[consumed:head_len] + body, values


def cmd_trace(args):
    out, values = remove_fields(read(args[0]), b"x-smime-gateway")
    for v in values:
        sys.stdout.buffer.write(v + b"\n")
    write(args[1], out)


def cmd_results(args):
    """Remove the Authentication-Results fields into OUT; print each value,
    unfolded, one a line (empty output: there was none)."""
    out, values = remove_fields(read(args[0]), b"authentication-results")
    for v in values:
        sys.stdout.buffer.write(v + b"\n")
    write(args[1], out)


def leaves(path):
    msg = email.message_from_bytes(read(path), policy=email.policy.compat32)
    out = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        out.append((part.get_content_type(), part.get_filename(),
                    part.get_payload(decode=True)))
    return out


def cmd_leaves(args):
    a, b = leaves(args[0]), leaves(args[1])
    if len(a) != len(b):
        die("%d leaf parts in %s, %d in %s" % (len(a), args[0], len(b), args[1]))
    for i, (x, y) in enumerate(zip(a, b)):
        if x[:2] != y[:2]:
            die("part %d: %r vs %r" % (i, x[:2], y[:2]))
        if x[2] != y[2]:
            die("part %d (%s): decoded bytes differ (%d vs %d bytes)"
                % (i, x[0], len(x[2] or b""), len(y[2] or b"")))
    print("%d leaf parts equal" % len(a))


def b64lines(der):
    enc = base64.b64encode(der)
    return b"".join(enc[i:i + 64] + b"\n" for i in range(0, len(enc), 64))


def cmd_rewrap(args):
    data = read(args[0])
    _, body = split_header(data)
    write(args[2], data[:len(data) - len(body)] + b64lines(read(args[1])))


def cmd_make_smime(args):
    hdrs = read(args[0])
    if hdrs and not hdrs.endswith(b"\n"):
        hdrs += b"\n"
    stype = args[3] if len(args) > 3 else "enveloped-data"
    write(args[2], hdrs
          + b"MIME-Version: 1.0\n"
          + b"Content-Type: application/pkcs7-mime; smime-type="
          + stype.encode() + b"; name=smime.p7m\n"
          + b"Content-Transfer-Encoding: base64\n"
          + b"Content-Disposition: attachment; filename=smime.p7m\n\n"
          + b64lines(read(args[1])))


def cmd_xor(args):
    d = bytearray(read(args[0]))
    d[int(args[1])] ^= int(args[2], 0)
    write(args[3], bytes(d))


def cmd_find(args):
    i = read(args[0]).find(bytes.fromhex(args[1]))
    if i < 0:
        die("%s not found in %s" % (args[1], args[0]))
    print(i)


def cmd_lines(args):
    lines = read(args[0]).splitlines(keepends=True)
    write(args[2], b"".join(lines[:int(args[1])]))


COMMANDS = {
    "outer": (cmd_outer, 1), "smime": (cmd_smime, 2), "body": (cmd_body, 2),
    "entity": (cmd_entity, 2),
    "trace": (cmd_trace, 2), "leaves": (cmd_leaves, 2),
    "results": (cmd_results, 2),
    "rewrap": (cmd_rewrap, 3), "make-smime": (cmd_make_smime, 3),
    "xor": (cmd_xor, 4), "find": (cmd_find, 2), "lines": (cmd_lines, 3),
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        sys.stderr.write(__doc__.split("DESCRIPTION")[0])
        return 2
    fn, n = COMMANDS[argv[1]]
    args = argv[2:]
    if len(args) < n or (argv[1] != "make-smime" and len(args) != n) or len(args) > n + 1:
        sys.stderr.write("mailtool: %s: wrong number of arguments\n" % argv[1])
        return 2
    fn(args)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
