"""A real SMTP server for squeaky's tests, built on Debian's python3-aiosmtpd.

Run it with Debian's interpreter (the default python3 on these machines may lack aiosmtpd):

    /usr/bin/python3 tests/support/smtp_server.py --port 0 --dir DIR --mode accept

It listens on 127.0.0.1 only and prints "ready PORT" on stdout once it accepts connections
(--port 0 picks a free port). Each message it receives is stored in DIR as NNNN.eml (the DATA bytes
exactly as received, after SMTP dot-unstuffing; the server adds no header) and NNNN.envelope (one
line "MAIL FROM:<addr>", then one line "RCPT TO:<addr>" per recipient). The .envelope file is
written first and the .eml file is renamed into place last, so a reader that sees NNNN.eml sees
both complete.

Modes:
  accept            250 after DATA; the message is stored.
  tempfail          451 after DATA; nothing is stored.
  reject            550 to every RCPT TO; the client never reaches DATA.
  hang-after-data   the message is received and stored, then no reply is ever sent.
  close-after-data  the message is received and stored, then the connection is dropped unanswered.

--auth USER:PASS requires AUTH (PLAIN or LOGIN, allowed without TLS) with those credentials.
--tls-cert CERT --tls-key KEY (PEM files) offer STARTTLS; add --implicit-tls to speak TLS from the
first byte instead (smtps).
--exit-on-eof makes the server exit when its stdin reaches end of file, so that a test process that
dies without stopping it does not leave it running.
"""

import argparse
import asyncio
import logging
import os
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

MODES = ("accept", "tempfail", "reject", "hang-after-data", "close-after-data")


class Handler:
    def __init__(self, directory, mode):
        self.directory = directory
        self.mode = mode
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.mode == "reject":
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def store(self, envelope):
        self.count += 1
        stem = os.path.join(self.directory, "%04d" % self.count)
        lines = ["MAIL FROM:<%s>\n" % envelope.mail_from]
        lines += ["RCPT TO:<%s>\n" % rcpt for rcpt in envelope.rcpt_tos]
        with open(stem + ".envelope", "w", encoding="utf-8") as f:
            f.writelines(lines)
        with open(stem + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        os.rename(stem + ".eml.tmp", stem + ".eml")

    async def handle_DATA(self, server, session, envelope):
        if self.mode == "tempfail":
            return "451 4.3.0 Requested action aborted: try again later"
        self.store(envelope)
        if self.mode == "hang-after-data":
            await asyncio.Event().wait()  # cancelled when the client goes away
        if self.mode == "close-after-data":
            server.transport.abort()
            await asyncio.Event().wait()  # cancelled by connection_lost
        return "250 2.0.0 OK: queued as %04d" % self.count


def authenticator_for(credentials):
    user, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False)  # not handled: the server answers 535

    return authenticate


async def serve(args):
    loop = asyncio.get_running_loop()
    handler = Handler(args.dir, args.mode)
    options = {"hostname": "localhost", "ident": "squeaky test SMTP server"}
    if args.auth:
        options.update(auth_required=True, auth_require_tls=False,
                       authenticator=authenticator_for(args.auth))
    listen_tls = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        if args.implicit_tls:
            listen_tls = context
        else:
            options["tls_context"] = context
    server = await loop.create_server(lambda: SMTP(handler, loop=loop, **options), host="127.0.0.1",
                                      port=args.port, ssl=listen_tls)
    port = server.sockets[0].getsockname()[1]
    print("ready %d" % port, flush=True)

    stop = asyncio.Event()
    if args.exit_on_eof:
        def on_stdin():
            if not os.read(sys.stdin.fileno(), 4096):
                loop.remove_reader(sys.stdin.fileno())
                stop.set()
        loop.add_reader(sys.stdin.fileno(), on_stdin)
    await stop.wait()
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--mode", choices=MODES, default="accept")
    parser.add_argument("--auth", metavar="USER:PASS")
    parser.add_argument("--tls-cert", metavar="CERT.pem")
    parser.add_argument("--tls-key", metavar="KEY.pem")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--exit-on-eof", action="store_true")
    args = parser.parse_args()
    # aiosmtpd warns about AUTH without TLS; on 127.0.0.1 in a test that is intended.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    os.makedirs(args.dir, exist_ok=True)
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
