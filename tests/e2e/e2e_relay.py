#!/usr/bin/env python3
"""
NAME
	e2e_relay.py - a small recording SMTP relay (or sink) for the e2e test
SYNOPSIS
	e2e_relay.py --listen HOST:PORT --spool DIR --name HELO
	             [--forward HOST:PORT]
DESCRIPTION
	Stands between the two Postfix gateways (the "Internet" hop) or plays
	a destination MX. Every message received is written to DIR as
	N.eml (the bytes exactly as received after DATA, dot-unstuffed, CRLF)
	and then N.json (envelope, and what the next hop answered); the .json
	appears last, so a reader that sees it can read both.

	With --forward the message is handed on by SMTP before we answer the
	client, and the client gets the next hop's reply class: a 4xx or 5xx
	from the next hop (or a connection failure, as 4xx) is passed back, so
	Postfix keeps the message or bounces it exactly as it would talking to
	the next hop itself. Without --forward the message stays here (a sink).

	Announces 8BITMIME and PIPELINING, nothing else (no STARTTLS: the
	point of the test is to see the bytes). One thread per connection.
	Prints "ready" on stdout once it listens. Stops on SIGTERM.
"""
import argparse
import json
import os
import re
import signal
import smtplib
import socketserver
import sys
import threading
import time

MAX_LINE = 4096
MAX_DATA = 64 * 1024 * 1024


def hostport(s):
    host, _, port = s.rpartition(":")
    return host or "127.0.0.1", int(port)


def angle_addr(arg):
    """The address between < and > of a MAIL FROM/RCPT TO argument."""
    m = re.match(r"\s*<([^>]*)>(.*)$", arg)
    if not m:
        return None, ""
    return m.group(1), m.group(2).strip()


class Spool:
    """Numbered files in one directory; thread-safe numbering."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.n = 0

    def store(self, data, meta):
        with self.lock:
            self.n += 1
            base = os.path.join(self.path, "%04d" % self.n)
        for ext, blob in ((".eml", data),
                          (".json", json.dumps(meta, indent=1).encode())):
            tmp = base + ext + ".tmp"
            with open(tmp, "wb") as f:
                f.write(blob)
            os.rename(tmp, base + ext)
        return base


class Handler(socketserver.StreamRequestHandler):
    timeout = 120

    def reply(self, text):
        self.wfile.write(text.encode("ascii", "replace") + b"\r\n")
        self.wfile.flush()

    def handle(self):
        srv = self.server
        self.reply("220 %s ESMTP e2e recording relay" % srv.name)
        sender, rcpts, params = None, [], ""
        while True:
            line = self.rfile.readline(MAX_LINE + 2)
            if not line:
                return
            cmd = line.decode("latin-1").rstrip("\r\n")
            verb, _, arg = cmd.partition(" ")
            verb = verb.upper()
            if verb in ("EHLO", "HELO"):
                sender, rcpts = None, []
                if verb == "EHLO":
                    self.reply("250-%s\r\n250-8BITMIME\r\n250 PIPELINING"
                               % srv.name)
                else:
                    self.reply("250 %s" % srv.name)
            elif verb == "MAIL" and arg.upper().startswith("FROM:"):
                sender, params = angle_addr(arg[5:])
                rcpts = []
                if sender is None:
                    self.reply("501 5.5.4 bad MAIL FROM syntax")
                else:
                    self.reply("250 2.1.0 Ok")
            elif verb == "RCPT" and arg.upper().startswith("TO:"):
                rcpt, _ = angle_addr(arg[3:])
                if sender is None:
                    self.reply("503 5.5.1 need MAIL first")
                elif not rcpt:
                    self.reply("501 5.5.4 bad RCPT TO syntax")
                else:
                    rcpts.append(rcpt)
                    self.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                if sender is None or not rcpts:
                    self.reply("503 5.5.1 need MAIL and RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self.read_data()
                if data is None:
                    return
                self.reply(self.deliver(sender, params, rcpts, data))
                sender, rcpts = None, []
            elif verb == "RSET":
                sender, rcpts = None, []
                self.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 command not implemented")

    def read_data(self):
        """Lines up to the lone dot, dot-unstuffed; None on EOF."""
        out, size = [], 0
        while True:
            line = self.rfile.readline(MAX_DATA)
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(out)
            if line.startswith(b"."):
                line = line[1:]
            size += len(line)
            if size <= MAX_DATA:
                out.append(line)

    def deliver(self, sender, params, rcpts, data):
        srv = self.server
        meta = {"from": sender, "to": rcpts, "time": time.time(),
                "client": self.client_address[0]}
        if srv.forward is None:
            meta["reply"] = "250 2.0.0 Ok: queued as SINK"
            srv.spool.store(data, meta)
            return meta["reply"]
        answer = forward(srv.forward, srv.name, sender, params, rcpts, data)
        meta["reply"] = answer
        m = re.search(r"queued as (\S+)", answer)
        meta["next_queue_id"] = m.group(1) if m else None
        srv.spool.store(data, meta)
        return answer


def forward(dest, helo, sender, params, rcpts, data):
    """Hand the message on; return the SMTP reply to give our client."""
    mail_opts = [p for p in params.split() if p.upper().startswith("BODY=")]
    try:
        with smtplib.SMTP(dest[0], dest[1], local_hostname=helo,
                          timeout=60) as s:
            s.ehlo()
            code, text = s.mail(sender, mail_opts)
            if code != 250:
                return "%d %s" % (code, text.decode("latin-1"))
            accepted = 0
            last = (550, b"5.1.1 no recipient accepted")
            for r in rcpts:
                code, text = s.rcpt(r)
                if code in (250, 251):
                    accepted += 1
                else:
                    last = (code, text)
            if accepted != len(rcpts):
                # All or nothing keeps the test simple: the client retries
                # or bounces the whole message.
                s.rset()
                return "%d %s" % (last[0], last[1].decode("latin-1"))
            code, text = s.data(data)
            return "%d %s" % (code, text.decode("latin-1"))
    except (OSError, smtplib.SMTPException) as e:
        return "451 4.4.1 e2e relay: next hop failed: %s" % e


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[2].strip())
    ap.add_argument("--listen", required=True)
    ap.add_argument("--spool", required=True)
    ap.add_argument("--name", default="relay.e2e.test")
    ap.add_argument("--forward")
    a = ap.parse_args()
    os.makedirs(a.spool, exist_ok=True)
    srv = Server(hostport(a.listen), Handler)
    srv.name = a.name
    srv.spool = Spool(a.spool)
    srv.forward = hostport(a.forward) if a.forward else None
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print("ready", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
