#!/usr/bin/env python3
"""
NAME
	bench_perf.py - the filter beside `openssl cms`, CPU and peak memory

SYNOPSIS
	tests/bench/bench_perf.py [--build DIR] [--sizes 10k,1m,25m]
				  [--runs N] [--domains 10,10000]

DESCRIPTION
	Issue 11's table, in one run. For each size, outbound (encrypt) and
	inbound (decrypt), AES-256-CBC and AES-256-GCM, it runs

	  - smimegw as uid/gid 65534 (setpriv; as under Postfix), with a log
	    file and a sendmail stand-in (sm_discard.c, one small static
	    process) that reads its input and discards it (it records how big
	    its standard input was: the copy that sendmail reads is memory
	    too, when it is a memfd);
	  - `openssl cms -encrypt` / `-decrypt` on the same message (S/MIME
	    in and out, as the filter), as the same user.

	Each figure is the median over the runs of whole-process CPU time
	(user + system, from wait4(2) in rusage.c, which includes the
	waited-for children: the sendmail stand-in for the filter; its own
	CPU, run alone on the message, is the "sendmail stand-in alone"
	row)
	and peak resident set (ru_maxrss,
	the largest of the process and its children). "memfd" is the copy that
	sendmail read from a memory file (0 when it came through a pipe or
	from a file on disk: an encrypted copy is spooled in the state
	directory, a disk file system here as /var/lib/smimegw is; and 0 when
	it was the filter's own message buffer, a decrypted message, whose
	pages are in the filter's RSS already); "peak/msg" is (RSS + memfd) /
	message size.

	For CBC inbound, a second row decrypts what `openssl cms -encrypt
	-stream` writes (as OpenSSL, NSS and gpgsm send it: BER with
	indefinite lengths, the ciphertext in chunks) instead of our DER.

	For CBC outbound, a second row sets the filter beside a shell
	filter around `openssl smime -encrypt` piped into the same sendmail
	stand-in (what a gateway without smimegw would run).

	Then the certificate lookup: one outbound 10 KB message with 10 and
	10,000 partner domains in the certificate directory.

	Signing is off ([signing] mode = none) so that both sides do the same
	work; three rows per size without an openssl counterpart show an
	outbound message signed (A's domain key) and encrypted, that copy
	decrypted and verified at B, and a plain inbound message (not
	S/MIME: relayed as it came).

	A benchmark prints figures; it asserts only that the copies decrypt.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
NOBODY = 65534


def parse_size(s):
    s = s.strip().lower()
    mult = {"k": 1024, "m": 1024 * 1024}.get(s[-1], 1)
    return int(s.rstrip("km")) * mult


def make_message(path, size):
    """A text/plain message of about size bytes (76-column lines)."""
    head = (b"From: Alice <alice@a.example>\nTo: Bob <bob@b.example>\n"
            b"Subject: bench\nMessage-ID: <bench@a.example>\n"
            b"MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n")
    line = bytes(range(0x41, 0x41 + 26)) * 4  # every slice below is 76
    n = max(1, (size - len(head)) // 77)
    rnd = os.urandom(n)
    with open(path, "wb") as f:
        f.write(head)
        for i in range(n):
            k = rnd[i] % 26
            f.write(line[k:k + 76] + b"\n")


RUSAGE = None
SM_DISCARD = None


def run(argv, stdin_path, as_nobody=True):
    """(cpu seconds, maxrss KiB, exit status) of one run, from rusage.c.

    Not wait4() here: Linux carries the peak RSS of a process across
    execve(), and a child of this Python starts with Python's; the small
    rusage helper forks the command itself and reports its wait4().
    """
    if as_nobody and os.getuid() == 0:
        argv = ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
                "--clear-groups"] + argv
    with tempfile.NamedTemporaryFile("r") as t, open(stdin_path, "rb") as fin:
        subprocess.run([RUSAGE, t.name] + argv, stdin=fin,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        x, u, s, m = t.read().split()
    return (int(u) + int(s)) / 1e6, int(m), int(x)


def measure(argv, stdin_path, runs, memfd_file=None, as_nobody=True):
    cpu, rss, memfd = [], [], []
    for _ in range(runs):
        if memfd_file and os.path.exists(memfd_file):
            os.unlink(memfd_file)
        c, r, status = run(argv, stdin_path, as_nobody)
        if status != 0:
            sys.exit("bench: %s exited with wait status %#x" %
                     (" ".join(argv[:3]), status))
        cpu.append(c)
        rss.append(r)
        if memfd_file:
            with open(memfd_file) as f:
                memfd.append(int(f.read().split()[0] or 0))
    return (statistics.median(cpu), statistics.median(rss),
            statistics.median(memfd) if memfd else 0)


def setup(work, build):
    pki = os.path.join(work, "pki")
    subprocess.run(["bash", os.path.join(TOP, "tests/pki/gen-test-pki.sh"),
                    pki, os.path.join(TOP, "tests/data/nss")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for gw, other in (("a", "b"), ("b", "a")):
        d = os.path.join(work, gw)
        os.makedirs(os.path.join(d, "certs"))
        # on disk, as /var/lib/smimegw: encrypted copies are spooled here
        os.makedirs(os.path.join(d, "state"))
        for ext in ("pem", "key"):
            shutil.copy(os.path.join(pki, "gw-%s.%s" % (gw, ext)), d)
        shutil.copy(os.path.join(pki, "gw-%s.pem" % other),
                    os.path.join(d, "certs", "%s.example.pem" % other))
        # discards its input; notes the size of a memfd stdin (0: a pipe)
        # in d/memfd (the directory of its argv[0])
        shutil.copy(SM_DISCARD, os.path.join(d, "sm"))
        keep = os.path.join(d, "sm-keep")
        with open(keep, "w") as f:
            f.write("#!/bin/sh\ncat >%s/captured\n" % d)
        os.chmod(keep, 0o755)
    os.chmod(work, 0o755)
    return pki


def config(work, gw, cipher, sendmail="sm", certs="certs", sign="none"):
    d = os.path.join(work, gw)
    path = os.path.join(d, "%s-%s-%s-%s.conf" % (sendmail, cipher, certs, sign))
    with open(path, "w") as f:
        f.write("[gateway]\ndomains = %s.example\ncertificate = %s/gw-%s.pem\n"
                "private_key = %s/gw-%s.key\nsendmail = %s/%s\n"
                "log_file = %s/smimegw.log\ntimeout = 600\n"
                "state_directory = %s/state\n"
                "max_message_size = 104857600\n"
                "[certificates]\ndirectory = %s/%s\n[outbound]\ncipher = %s\n"
                "[signing]\nmode = %s\n"
                % (gw, d, gw, d, gw, d, sendmail, d, d, d, certs, cipher,
                   sign))
        if sign != "none":
            f.write("certificate = %s/sign-a-rsa.pem\nprivate_key = "
                    "%s/sign-a-rsa.key\n" % (d, d))
    return path


def chown_tree(path):
    if os.getuid() != 0:
        return
    for root, dirs, files in os.walk(path):
        for n in dirs + files:
            os.lchown(os.path.join(root, n), NOBODY, NOBODY)
    os.lchown(path, NOBODY, NOBODY)


def fmt_row(label, size, ours, theirs):
    cpu, rss, memfd = ours
    ocpu, orss, _ = theirs
    peak = (rss * 1024 + memfd) / size
    print("%-26s %9.2f %7.1f %7.1f %8.1f %7.2fx | %8.2f %7.1f %6.2fx | %5.2fx"
          % (label, cpu * 1000, rss / 1024, memfd / 1048576,
             (rss * 1024 + memfd) / 1048576, peak, ocpu * 1000, orss / 1024,
             orss * 1024 / size, cpu / ocpu if ocpu else 0))


def fmt_own(label, size, ours):
    """A row without an openssl counterpart."""
    cpu, rss, memfd = ours
    print("%-26s %9.2f %7.1f %7.1f %8.1f %7.2fx |"
          % (label, cpu * 1000, rss / 1024, memfd / 1048576,
             (rss * 1024 + memfd) / 1048576, (rss * 1024 + memfd) / size))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(TOP, "build"))
    ap.add_argument("--sizes", default="10k,1m,25m")
    ap.add_argument("--runs", type=int, default=0,
                    help="runs per figure (default: 15 small, 5 1m, 3 large)")
    ap.add_argument("--domains", default="10,10000")
    args = ap.parse_args()
    filt = os.path.join(os.path.abspath(args.build), "filter", "smimegw")
    work = tempfile.mkdtemp(prefix="smimegw-bench.")
    global RUSAGE, SM_DISCARD
    RUSAGE = os.path.join(work, "rusage")
    SM_DISCARD = os.path.join(work, "sm_discard")
    try:
        subprocess.run(["cc", "-O2", "-o", RUSAGE,
                        os.path.join(TOP, "tests/bench/rusage.c")], check=True)
        sm_src = os.path.join(TOP, "tests/bench/sm_discard.c")
        if subprocess.run(["cc", "-O2", "-static", "-o", SM_DISCARD, sm_src],
                          stderr=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["cc", "-O2", "-o", SM_DISCARD, sm_src], check=True)
        pki = setup(work, args.build)
        shutil.copy(os.path.join(pki, "sign-a-rsa.pem"), os.path.join(work, "a"))
        shutil.copy(os.path.join(pki, "sign-a-rsa.key"), os.path.join(work, "a"))
        out_args = ["-f", "alice@a.example", "--", "bob@b.example"]
        print("smimegw %s vs %s; medians; CPU = user+sys of the whole process "
              "tree" % (filt, subprocess.run(["openssl", "version"],
                                             capture_output=True, text=True)
                        .stdout.strip()))
        print("%-26s %9s %7s %7s %8s %8s | %8s %7s %7s | %6s"
              % ("work", "cpu ms", "rss MB", "memfd", "total MB", "peak/msg",
                 "ossl ms", "rss MB", "peak", "cpu x"))
        for s in args.sizes.split(","):
            size = parse_size(s)
            runs = args.runs or (15 if size <= 65536 else 5 if size <= 4 << 20
                                 else 3)
            msg = os.path.join(work, "msg-%s.eml" % s)
            make_message(msg, size)
            size = os.path.getsize(msg)
            for cipher, ossl in (("aes256-cbc", "-aes256"),
                                 ("aes256-gcm", "-aes-256-gcm")):
                chown_tree(work)
                conf = config(work, "a", cipher)
                ours = measure([filt, "-c", conf] + out_args, msg, runs,
                               os.path.join(work, "a", "memfd"))
                theirs = measure(["openssl", "cms", "-encrypt", ossl, "-in",
                                  msg, "-out", "/dev/null",
                                  os.path.join(work, "b", "gw-b.pem")],
                                 "/dev/null", runs)
                fmt_row("%s out %s" % (s, cipher[7:]), size, ours, theirs)
                if cipher == "aes256-cbc":
                    # the do-it-yourself gateway: a shell filter around
                    # openssl smime, its output into the same stand-in
                    shell = measure(["sh", "-c", 'openssl smime -encrypt '
                                     '-aes256 -in "$1" "$2" | "$3"', "sh",
                                     msg, os.path.join(work, "b", "gw-b.pem"),
                                     os.path.join(work, "a", "sm")],
                                    "/dev/null", runs)
                    fmt_row("%s out cbc vs sh+smime" % s, size, ours, shell)
                # the copy A sends, decrypted at B
                keep = config(work, "a", cipher, sendmail="sm-keep")
                chown_tree(work)
                c, r, status = run([filt, "-c", keep] + out_args, msg)
                enc = os.path.join(work, "a", "captured")
                conf = config(work, "b", cipher)
                chown_tree(work)
                ours = measure([filt, "-c", conf] + out_args, enc, runs,
                               os.path.join(work, "b", "memfd"))
                theirs = measure(["openssl", "cms", "-decrypt", "-in", enc,
                                  "-inkey", os.path.join(work, "b", "gw-b.key"),
                                  "-recip", os.path.join(work, "b", "gw-b.pem"),
                                  "-out", "/dev/null"], "/dev/null", runs)
                fmt_row("%s in  %s" % (s, cipher[7:]), size, ours, theirs)
                if subprocess.run(["openssl", "cms", "-decrypt", "-in", enc,
                                   "-inkey", os.path.join(work, "b",
                                                          "gw-b.key")],
                                  capture_output=True).returncode != 0:
                    sys.exit("bench: openssl cannot decrypt our copy")
                os.unlink(enc)
                if cipher == "aes256-cbc":
                    # what OpenSSL, NSS and gpgsm send: BER, indefinite
                    # lengths, the ciphertext in chunks
                    ber = os.path.join(work, "ber-%s.eml" % s)
                    subprocess.run(["openssl", "cms", "-encrypt", "-stream",
                                    ossl, "-in", msg, "-out", ber,
                                    os.path.join(work, "b", "gw-b.pem")],
                                   check=True)
                    chown_tree(work)
                    ours = measure([filt, "-c", conf] + out_args, ber, runs,
                                   os.path.join(work, "b", "memfd"))
                    theirs = measure(["openssl", "cms", "-decrypt", "-in",
                                      ber, "-inkey", os.path.join(
                                          work, "b", "gw-b.key"), "-recip",
                                      os.path.join(work, "b", "gw-b.pem"),
                                      "-out", "/dev/null"], "/dev/null", runs)
                    fmt_row("%s in  cbc, BER" % s, size, ours, theirs)
                    os.unlink(ber)
            # signed with A's domain key and encrypted (what gateways send
            # each other; no openssl counterpart), then that copy at B
            # (decrypted, verified: the signature is kept, as B has no
            # pin for A); and plain mail from outside, relayed as it came
            conf = config(work, "a", "aes256-cbc", sign="partners")
            chown_tree(work)
            fmt_own("%s out cbc signed" % s, size,
                    measure([filt, "-c", conf] + out_args, msg, runs,
                            os.path.join(work, "a", "memfd")))
            keep = config(work, "a", "aes256-cbc", sendmail="sm-keep",
                          sign="partners")
            chown_tree(work)
            run([filt, "-c", keep] + out_args, msg)
            enc = os.path.join(work, "a", "captured")
            conf = config(work, "b", "aes256-cbc")
            chown_tree(work)
            fmt_own("%s in  cbc signed" % s, size,
                    measure([filt, "-c", conf] + out_args, enc, runs,
                            os.path.join(work, "b", "memfd")))
            os.unlink(enc)
            fmt_own("%s in, not S/MIME" % s, size,
                    measure([filt, "-c", conf] + out_args, msg, runs,
                            os.path.join(work, "b", "memfd")))
            # what the stand-in itself adds to the filter's figures: run
            # alone (without setpriv) on a regular file of the message, as
            # on the memfd
            sm = measure([os.path.join(work, "a", "sm")], msg, runs,
                         as_nobody=False)
            print("%-26s %9.2f %7.1f" % ("%s sendmail stand-in alone" % s,
                                         sm[0] * 1000, sm[1] / 1024))
        msg = os.path.join(work, "msg-10k.eml")
        if not os.path.exists(msg):
            make_message(msg, 10240)
        print("\ncertificate lookup, outbound 10k, aes256-cbc")
        for n in [int(x) for x in args.domains.split(",")]:
            certs = "certs%d" % n
            d = os.path.join(work, "a", certs)
            os.makedirs(d)
            src = os.path.join(work, "a", "certs", "b.example.pem")
            for i in range(n - 1):
                os.link(src, os.path.join(d, "p%05d.example.pem" % i))
            shutil.copy(src, os.path.join(d, "b.example.pem"))
            conf = config(work, "a", "aes256-cbc", certs=certs)
            chown_tree(work)
            c, r, m = measure([filt, "-c", conf] + out_args, msg, 15,
                              os.path.join(work, "a", "memfd"))
            print("%-26s %9.2f ms %7.1f MB" % ("%d partner domains" % n,
                                              c * 1000, r / 1024))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
