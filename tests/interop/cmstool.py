#!/usr/bin/env python3
"""cmstool.py - independent CMS inspector for the smimegw interop tests.

SYNOPSIS
    cmstool.py summary FILE        key=value lines describing an (Auth)EnvelopedData
    cmstool.py certinfo CERT.pem   serial=, issuer_der=, ski= of the first certificate
    cmstool.py isder FILE          exit 0 if FILE is DER, else print why and exit 1
    cmstool.py rechunk SIZE IN OUT [--nest]
                                   rewrite the encryptedContent of IN as a BER
                                   constructed OCTET STRING of SIZE-byte chunks
                                   (nested one level deeper with --nest); the
                                   enclosing structures become indefinite-length

DESCRIPTION
    A small BER/DER reader written for the tests, so that the structure of the
    gateway's output is checked by code that shares nothing with it.  Input is
    DER or BER; PEM ("-----BEGIN ...") is decoded first.

DIAGNOSTICS
    Exit 0 on success, 1 on a failed check or malformed input, 2 on usage errors.
"""

import base64
import sys

OIDS = {
    "1.2.840.113549.1.7.1": "data",
    "1.2.840.113549.1.7.2": "signed-data",
    "1.2.840.113549.1.7.3": "enveloped-data",
    "1.2.840.113549.1.9.16.1.23": "auth-enveloped-data",
    "1.2.840.113549.1.1.1": "rsaEncryption",
    "1.2.840.113549.1.1.7": "rsaesOaep",
    "1.2.840.113549.1.1.8": "mgf1",
    "1.2.840.113549.1.1.9": "pSpecified",
    "1.3.14.3.2.26": "sha1",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
    "2.16.840.1.101.3.4.1.2": "aes-128-cbc",
    "2.16.840.1.101.3.4.1.42": "aes-256-cbc",
    "2.16.840.1.101.3.4.1.6": "aes-128-gcm",
    "2.16.840.1.101.3.4.1.46": "aes-256-gcm",
    "1.2.840.113549.3.7": "des-ede3-cbc",
    "2.5.29.14": "subjectKeyIdentifier",
}


class BerError(Exception):
    pass


class Node:
    """One TLV: cls (0..3), cons, tag, hdr (bytes), content span, children."""

    def __init__(self, data, start):
        self.data = data
        self.start = start
        self.children = []
        self.definite = True
        self.minimal_len = True
        self.cls = self.cons = self.tag = None
        self.hdr_end = self.end = self.cstart = self.cend = None

    @property
    def raw(self):
        return self.data[self.start:self.end]

    @property
    def content(self):
        return self.data[self.cstart:self.cend]

    def is_univ(self, tag):
        return self.cls == 0 and self.tag == tag

    def is_ctx(self, tag):
        return self.cls == 2 and self.tag == tag


def parse(data, pos=0, depth=0):
    """parse - read one TLV at pos; returns a Node (recursing into constructed)."""
    if depth > 64:
        raise BerError("nesting too deep")
    n = Node(data, pos)
    if pos >= len(data):
        raise BerError("truncated at %d" % pos)
    b = data[pos]
    pos += 1
    n.cls, n.cons, n.tag = b >> 6, bool(b & 0x20), b & 0x1F
    if n.tag == 0x1F:
        n.tag = 0
        while True:
            if pos >= len(data):
                raise BerError("truncated tag")
            b = data[pos]
            pos += 1
            n.tag = (n.tag << 7) | (b & 0x7F)
            if not b & 0x80:
                break
    if pos >= len(data):
        raise BerError("truncated length at %d" % pos)
    b = data[pos]
    pos += 1
    if b == 0x80:
        if not n.cons:
            raise BerError("indefinite length on primitive at %d" % n.start)
        n.definite = False
        n.hdr_end = n.cstart = pos
        while True:
            if data[pos:pos + 2] == b"\x00\x00":
                n.cend = pos
                n.end = pos + 2
                break
            c = parse(data, pos, depth + 1)
            n.children.append(c)
            pos = c.end
        return n
    if b < 0x80:
        length = b
    else:
        k = b & 0x7F
        if k == 0x7F or pos + k > len(data):
            raise BerError("bad length at %d" % n.start)
        length = int.from_bytes(data[pos:pos + k], "big")
        if length < 0x80 or data[pos] == 0:
            n.minimal_len = False
        pos += k
    n.hdr_end = n.cstart = pos
    n.cend = n.end = pos + length
    if n.end > len(data):
        raise BerError("length past end at %d" % n.start)
    if n.cons:
        p = n.cstart
        while p < n.cend:
            c = parse(data, p, depth + 1)
            n.children.append(c)
            p = c.end
        if p != n.cend:
            raise BerError("child overruns parent at %d" % n.start)
    return n


def oid_str(node):
    """oid_str - dotted string of an OBJECT IDENTIFIER node."""
    if not node.is_univ(6):
        raise BerError("expected OID at %d" % node.start)
    v = node.content
    arcs, cur = [], 0
    for b in v:
        cur = (cur << 7) | (b & 0x7F)
        if not b & 0x80:
            arcs.append(cur)
            cur = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first] + arcs[1:])


def oid_name(node):
    s = oid_str(node)
    return OIDS.get(s, s)


def octets(node):
    """octets - value of a primitive or constructed (BER) string."""
    if not node.cons:
        return node.content
    return b"".join(octets(c) for c in node.children)


def int_hex(node):
    """int_hex - INTEGER as upper-case hex, even number of digits (like openssl)."""
    v = int.from_bytes(node.content, "big", signed=True)
    h = "%X" % v
    return h if len(h) % 2 == 0 else "0" + h


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if data.lstrip().startswith(b"-----BEGIN"):
        lines = [l for l in data.splitlines()
                 if l.strip() and not l.startswith(b"-----")]
        data = base64.b64decode(b"".join(lines))
    return data


def top(data):
    n = parse(data)
    if n.end != len(data):
        raise BerError("%d bytes of trailing data" % (len(data) - n.end))
    return n


def envelope_parts(ci):
    """envelope_parts - (content type, inner SEQUENCE, RecipientInfos SET, ECI)."""
    ctype = oid_name(ci.children[0])
    inner = ci.children[1].children[0]
    kids = inner.children
    i = 1
    if kids[i].is_ctx(0):  # originatorInfo
        i += 1
    ris = kids[i]
    eci = kids[i + 1]
    if not (ris.is_univ(17) and eci.is_univ(16)):
        raise BerError("unexpected EnvelopedData layout")
    return ctype, inner, ris, eci


def summary(path):
    ci = top(load(path))
    ctype, inner, ris, eci = envelope_parts(ci)
    out = ["content_type=" + ctype, "version=%d" % int(int_hex(inner.children[0]), 16)]
    out.append("recipients=%d" % len(ris.children))
    for i, ri in enumerate(ris.children):
        p = "ri.%d." % i
        if not ri.is_univ(16):
            out.append(p + "type=other-%d-%d" % (ri.cls, ri.tag))
            continue
        out.append(p + "type=ktri")
        ver, rid, alg, ek = ri.children[:4]
        out.append(p + "version=%s" % int(int_hex(ver), 16))
        if rid.is_univ(16):
            out.append(p + "rid=issuer-serial")
            out.append(p + "issuer_der=" + rid.children[0].raw.hex())
            out.append(p + "serial=" + int_hex(rid.children[1]))
        elif rid.is_ctx(0):
            out.append(p + "rid=ski")
            out.append(p + "ski=" + octets(rid).hex().upper())
        else:
            out.append(p + "rid=unknown")
        out.append(p + "keyenc=" + oid_name(alg.children[0]))
        if len(alg.children) == 1:
            out.append(p + "keyenc_params=absent")
        elif alg.children[1].is_univ(5):
            out.append(p + "keyenc_params=null")
        else:
            out.append(p + "keyenc_params=present")
        if oid_name(alg.children[0]) == "rsaesOaep":
            hash_, mgf, mgfhash, label = "sha1", "mgf1", "sha1", "absent"
            if len(alg.children) > 1:
                for f in alg.children[1].children:
                    if f.is_ctx(0):
                        hash_ = oid_name(f.children[0].children[0])
                    elif f.is_ctx(1):
                        mgf = oid_name(f.children[0].children[0])
                        mgfhash = oid_name(f.children[0].children[1].children[0])
                    elif f.is_ctx(2):
                        label = "present"
            out += [p + "oaep_hash=" + hash_, p + "oaep_mgf=" + mgf,
                    p + "oaep_mgf_hash=" + mgfhash, p + "oaep_label=" + label]
        out.append(p + "enckey_len=%d" % len(octets(ek)))
    ek = eci.children
    out.append("eci.content_type=" + oid_name(ek[0]))
    calg = ek[1]
    out.append("eci.alg=" + oid_name(calg.children[0]))
    if len(calg.children) > 1:
        prm = calg.children[1]
        if prm.is_univ(4):
            out.append("eci.iv_len=%d" % len(octets(prm)))
        elif prm.is_univ(16):
            out.append("eci.iv_len=%d" % len(octets(prm.children[0])))
            icv = 12
            if len(prm.children) > 1:
                icv = int(int_hex(prm.children[1]), 16)
                out.append("eci.gcm_icvlen_encoded=yes")
            out.append("eci.gcm_icvlen=%d" % icv)
    if len(ek) > 2 and ek[2].is_ctx(0):
        out.append("eci.content=" + ("constructed" if ek[2].cons else "primitive"))
        out.append("eci.content_len=%d" % len(octets(ek[2])))
    else:
        out.append("eci.content=absent")
    rest = inner.children[inner.children.index(eci) + 1:]
    for r in rest:
        if r.is_univ(4):
            out.append("mac_len=%d" % len(octets(r)))
        elif r.is_ctx(0) or r.is_ctx(1) or r.is_ctx(2):
            out.append("attrs_%d=present" % r.tag)
    probs = der_problems(ci)
    out.append("encoding=" + ("ber" if probs else "der"))
    if probs:
        out.append("der_problems=" + "; ".join(probs[:5]))
    return out


def der_problems(n, acc=None):
    """der_problems - list of DER violations in the tree under n."""
    if acc is None:
        acc = []
    if not n.definite:
        acc.append("indefinite length at offset %d" % n.start)
    if not n.minimal_len:
        acc.append("non-minimal length at offset %d" % n.start)
    if n.cons and n.cls == 0 and n.tag in (3, 4, 12, 19, 22):
        acc.append("constructed string at offset %d" % n.start)
    if n.is_univ(17):
        encs = [c.raw for c in n.children]
        if encs != sorted(encs):
            acc.append("SET OF not sorted at offset %d" % n.start)
    if n.is_univ(1) and n.content not in (b"\x00", b"\xff"):
        acc.append("BOOLEAN not 00/FF at offset %d" % n.start)
    if n.is_univ(2) and len(n.content) > 1:
        c = n.content
        if (c[0] == 0 and c[1] < 0x80) or (c[0] == 0xFF and c[1] >= 0x80):
            acc.append("non-minimal INTEGER at offset %d" % n.start)
    for c in n.children:
        der_problems(c, acc)
    return acc


def certinfo(path):
    cert = top(load(path))
    tbs = cert.children[0]
    k = tbs.children
    i = 1 if k[0].is_ctx(0) else 0  # explicit version
    out = ["serial=" + int_hex(k[i]), "issuer_der=" + k[i + 2].raw.hex()]
    ski = "none"
    for f in k[i + 6:]:
        if f.is_ctx(3):
            for ext in f.children[0].children:
                if oid_str(ext.children[0]) == "2.5.29.14":
                    inner = parse(octets(ext.children[-1]))
                    ski = octets(inner).hex().upper()
    out.append("ski=" + ski)
    return out


def enc_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def rechunk(size, src, dst, nest):
    data = load(src)
    ci = top(data)
    _, inner, _, eci = envelope_parts(ci)
    ec = eci.children[2]
    if not ec.is_ctx(0):
        raise BerError("no encryptedContent")
    body = octets(ec)
    chunks = b"".join(b"\x04" + enc_len(len(body[o:o + size])) + body[o:o + size]
                      for o in range(0, len(body), size))
    if nest:
        half = len(body) // 2
        first, second = body[:half], body[half:]
        def seg(b):
            s = b"".join(b"\x04" + enc_len(len(b[o:o + size])) + b[o:o + size]
                         for o in range(0, len(b), size))
            return b"\x24\x80" + s + b"\x00\x00"
        chunks = seg(first) + seg(second)
    new_ec = bytes([data[ec.start] | 0x20]) + b"\x80" + chunks + b"\x00\x00"

    def rebuild(n):
        # Re-encode the path to ec as indefinite-length; keep the rest as is.
        if n is ec:
            return new_ec
        if not (n.start <= ec.start and ec.end <= n.end) or not n.cons:
            return n.raw
        t = 1  # tag octets; the old length octets are dropped
        if data[n.start] & 0x1F == 0x1F:
            while data[n.start + t] & 0x80:
                t += 1
            t += 1
        tag = data[n.start:n.start + t]
        return tag + b"\x80" + b"".join(rebuild(c) for c in n.children) + b"\x00\x00"

    with open(dst, "wb") as f:
        f.write(rebuild(ci))


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    cmd = argv[1]
    try:
        if cmd == "summary" and len(argv) == 3:
            print("\n".join(summary(argv[2])))
        elif cmd == "certinfo" and len(argv) == 3:
            print("\n".join(certinfo(argv[2])))
        elif cmd == "isder" and len(argv) == 3:
            probs = der_problems(top(load(argv[2])))
            if probs:
                print("not DER: " + "; ".join(probs[:5]))
                return 1
        elif cmd == "rechunk" and len(argv) in (5, 6):
            nest = len(argv) == 6 and argv[5] == "--nest"
            if len(argv) == 6 and not nest:
                return 2
            rechunk(int(argv[2]), argv[3], argv[4], nest)
        else:
            print("cmstool.py: bad usage", file=sys.stderr)
            return 2
    except (BerError, IndexError, ValueError) as e:
        print("cmstool.py: %s: %s" % (argv[2], e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
