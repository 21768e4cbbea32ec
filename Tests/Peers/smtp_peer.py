#!/usr/bin/env python3
"""A real SMTP server (aiosmtpd) for Herald's tests, on 127.0.0.1 and a free port.

Prints "READY <port>" once listening and runs until its standard input closes, so it dies with
the test process that started it. Every accepted message is written to --spool as NNNN.eml with a
NNNN.json beside it (envelope, TLS, AUTH login); the number of TCP connections is kept in
--spool/connections.
"""
import argparse
import asyncio
import base64
import json
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--spool", required=True)
    p.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--auth", help="USER:PASSWORD; AUTH is then required")
    p.add_argument("--oauth2", help="USER:TOKEN accepted by AUTH XOAUTH2")
    p.add_argument("--hide-auth", action="store_true", help="never advertise AUTH")
    p.add_argument("--exclude-auth", action="append", default=[], help="an AUTH mechanism not to offer")
    p.add_argument("--size", type=int, default=33554432)
    p.add_argument("--pipelining", action="store_true", help="advertise PIPELINING (RFC 2920)")
    p.add_argument("--scenario", default="ok",
                   choices=["ok", "reject-sender", "reject-rcpt", "tempfail-rcpt-once", "tempfail-rcpt", "tempfail-data", "greet-421", "drop-data", "slow-data", "close-after-message",
                            "reject-sender-close", "data-despite-refusals"])
    p.add_argument("--delay", type=float, default=5.0)
    return p.parse_args()


class Handler:
    def __init__(self, args):
        self.args = args
        self.count = 0
        self.busy_once = set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.args.hide_auth:
            responses = [r for r in responses if not r[4:].upper().startswith("AUTH")]
            responses[-1] = "250 " + responses[-1][4:]
        if self.args.pipelining:
            # aiosmtpd reads one command line at a time, so pipelined commands are answered in order.
            responses = responses[:-1] + ["250-PIPELINING", responses[-1]]
        return responses

    async def auth_XOAUTH2(self, server, args):
        """XOAUTH2 as Google and Microsoft use it: base64 of user=U^Aauth=Bearer T^A^A."""
        if len(args) == 1:
            data = await server.challenge_auth("")
        else:
            data = base64.b64decode(args[1])
        if not isinstance(data, bytes) or not self.args.oauth2:
            return AuthResult(success=False, handled=False)
        fields = dict(f.split(b"=", 1) for f in data.split(b"\x01") if b"=" in f)
        user, _, token = self.args.oauth2.partition(":")
        ok = fields.get(b"user") == user.encode() and fields.get(b"auth") == b"Bearer " + token.encode()
        return AuthResult(success=ok, handled=False, auth_data=LoginPassword(user.encode(), b""))

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.args.scenario == "reject-sender":
            return f"550 5.1.0 <{address}>: Sender address rejected: User unknown in local recipient table"
        if self.args.scenario == "reject-sender-close":
            # Refuses the sender and hangs up at once, before any pipelined RCPT is answered.
            asyncio.get_running_loop().call_soon(server.transport.close)
            return f"554 5.7.1 <{address}>: Sender address rejected: Access denied"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.args.scenario == "data-despite-refusals" and address.lower().startswith("unknown"):
            # Refuses the recipient but remembers it, so DATA is answered 354 all the same, as
            # RFC 2920 warns a pipelining client a server may do.
            envelope.rcpt_tos.append(address)
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in local recipient table"
        if self.args.scenario == "reject-rcpt" and address.lower().startswith("unknown"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in local recipient table"
        if self.args.scenario == "tempfail-rcpt" and address.lower().startswith("busy"):
            return "450 4.2.1 Mailbox busy, try again later"
        if self.args.scenario == "tempfail-rcpt-once" and address.lower().startswith("busy") and address not in self.busy_once:
            self.busy_once.add(address)
            return f"450 4.2.1 <{address}>: Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 Ok"

    async def handle_DATA(self, server, session, envelope):
        scenario = self.args.scenario
        if scenario == "tempfail-data":
            return "451 4.3.0 Error: queue file write error"
        if scenario == "drop-data":
            server.transport.abort()
            return "250 never sent"
        if scenario == "slow-data":
            await asyncio.sleep(self.args.delay)
        if scenario == "data-despite-refusals" and all(a.lower().startswith("unknown") for a in envelope.rcpt_tos):
            return "554 5.5.1 Error: no valid recipients"
        if scenario == "close-after-message":
            # Takes the message, then drops the connection a moment later, as a server with a
            # limit of messages per session or a short idle timeout does.
            asyncio.get_running_loop().call_later(0.2, server.transport.close)
        self.count += 1
        name = os.path.join(self.args.spool, f"{self.count:04d}")
        with open(name + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(name + ".json", "w") as f:
            json.dump({
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "mail_options": envelope.mail_options,
                "tls": session.ssl is not None or self.args.tls == "implicit",
                "auth": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
                "ehlo": session.host_name,
                "connection": getattr(session, "connection_number", None),
            }, f)
        os.rename(name + ".eml.tmp", name + ".eml")
        return f"250 2.0.0 Ok: queued as Q{self.count:04d}"


class CountingSMTP(SMTP):
    connections = 0

    def connection_made(self, transport):
        starttls_upgrade = self._original_transport is not None
        if not starttls_upgrade:
            CountingSMTP.connections += 1
        super().connection_made(transport)
        self.session.connection_number = CountingSMTP.connections
        with open(os.path.join(self.spool, "connections"), "w") as f:
            f.write(str(CountingSMTP.connections))


class Greet421(asyncio.Protocol):
    def connection_made(self, transport):
        transport.write(b"421 4.3.2 Service not available, closing transmission channel\r\n")
        transport.close()


async def main():
    args = parse_args()
    os.makedirs(args.spool, exist_ok=True)
    context = None
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)

    def authenticator(server, session, envelope, mechanism, data):
        if not isinstance(data, LoginPassword) or args.auth is None:
            return AuthResult(success=False, handled=False)
        user, _, password = args.auth.partition(":")
        ok = data.login.decode() == user and data.password.decode() == password
        return AuthResult(success=ok, handled=False, auth_data=data)

    handler = Handler(args)
    CountingSMTP.spool = args.spool

    def factory():
        if args.scenario == "greet-421":
            return Greet421()
        return CountingSMTP(
            handler,
            hostname="peer.herald.test",
            data_size_limit=args.size,
            tls_context=context if args.tls == "starttls" else None,
            require_starttls=args.tls == "starttls",
            authenticator=authenticator if args.auth else None,
            auth_required=bool(args.auth or args.oauth2),
            auth_require_tls=args.tls == "starttls",
            auth_exclude_mechanism=args.exclude_auth or None,
            # RFC 5321 (4.5.3.2.7): a server waits 5 minutes for the client's next command. A
            # shorter wait drops a kept-open session whose test is waiting for a busy test run.
            timeout=300,
        )

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, "127.0.0.1", 0,
                                      ssl=context if args.tls == "implicit" else None)
    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)

    # Run until stdin closes: the test that started us is gone or done.
    done = loop.create_future()
    loop.add_reader(sys.stdin.fileno(), lambda: (os.read(sys.stdin.fileno(), 4096) or done.done() or done.set_result(None)))
    await done
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
