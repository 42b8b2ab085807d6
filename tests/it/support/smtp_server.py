"""A real SMTP server for the mail tests (aiosmtpd), on loopback.

Every accepted message is written to OUT_DIR as NNNN.eml (atomically: write, then rename),
preceded by an "X-Envelope-To:" line per recipient. The chosen port is printed as
"PORT <n>" on stdout once the server listens.

Options:
  --port N          listen on N (default: any free port)
  --cert/--key      offer STARTTLS with this certificate and require it before MAIL
  --implicit        with --cert: TLS from the first byte (SMTPS) instead of STARTTLS
  --auth USER:PASS  require AUTH (after TLS) with these credentials
  --reject SUBSTR   answer 550 to RCPT TO addresses containing SUBSTR
"""

import argparse
import asyncio
import itertools
import logging
import os
import ssl
import sys
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Store:
    def __init__(self, out_dir, reject, implicit_tls):
        self.out_dir = out_dir
        self.reject = reject
        # An implicit-TLS listener speaks nothing but TLS (aiosmtpd leaves session.ssl unset).
        self.implicit_tls = implicit_tls
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and self.reject in address:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        final = os.path.join(self.out_dir, "%04d.eml" % n)
        tmp = final + ".tmp"
        with open(tmp, "wb") as f:
            f.write(("X-Envelope-From: %s\r\n" % envelope.mail_from).encode())
            for rcpt in envelope.rcpt_tos:
                f.write(("X-Envelope-To: %s\r\n" % rcpt).encode())
            f.write(("X-Tls: %s\r\n" % ("yes" if session.ssl or self.implicit_tls else "no")).encode())
            f.write(envelope.original_content)
        os.rename(tmp, final)
        return "250 Message accepted for delivery"


def main():
    warnings.filterwarnings("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--reject")
    parser.add_argument("--implicit", action="store_true")
    parser.add_argument("--auth")
    args = parser.parse_args()

    kwargs = {}
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        if args.implicit:
            kwargs["ssl_context"] = context
        else:
            kwargs["tls_context"] = context
            kwargs["require_starttls"] = True
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                getattr(auth_data, "login", None) == user.encode()
                and getattr(auth_data, "password", None) == password.encode()
            )
            return AuthResult(success=ok)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
        # With implicit TLS aiosmtpd does not see the connection as TLS for this check; the
        # whole connection is encrypted anyway.
        kwargs["auth_require_tls"] = not args.implicit

    port = args.port
    if port == 0:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]

    controller = Controller(
        Store(args.out_dir, args.reject, bool(args.cert and args.implicit)),
        hostname="127.0.0.1",
        port=port,
        server_hostname="localhost",
        **kwargs,
    )
    controller.start()
    print("PORT %d" % port, flush=True)
    try:
        # Run until the test kills the process or closes stdin.
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
