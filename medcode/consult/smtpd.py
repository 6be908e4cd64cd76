"""`medcode consult smtpd`: an SMTP receiver (aiosmtpd) for the case address, to run behind an MX.

It accepts mail only for MEDCODE_CONSULT["ADDRESS"] (it is not a relay), refuses messages over
the size limit during the transfer (552, so the sender's server bounces it), and answers 451
(try again later) when medcode cannot store a message, so the sending server keeps it.
"""

import asyncio
import logging

from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.db import close_old_connections

from medcode.consult import mailin, mailout

log = logging.getLogger(__name__)


class CaseMailbox:
    """aiosmtpd handler: every message to the case address goes to mailin.receive."""

    def __init__(self, address=None):
        self.address = (address or mailout.consult_address()).lower()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() != self.address:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        try:
            outcome = await sync_to_async(_receive)(envelope.original_content)
        except Exception:
            log.exception("could not store a message from %s", envelope.mail_from)
            return "451 4.3.0 Could not store the message now; try again later"
        log.info("message from %s: %s", envelope.mail_from, outcome.kind)
        return "250 2.0.0 Message accepted"


def _receive(raw):
    close_old_connections()
    try:
        return mailin.receive(raw, source="smtp")
    finally:
        close_old_connections()


async def start(host, port, address=None):
    """Listen on host:port (port 0: any free port); returns the asyncio server."""
    loop = asyncio.get_running_loop()
    handler = CaseMailbox(address)
    return await loop.create_server(
        lambda: SMTP(handler, data_size_limit=mailin.max_bytes(), hostname="medcode", ident="medcode CaseConsultant"),
        host=host, port=port)


def serve(host, port, ready=print):
    async def run():
        server = await start(host, port)
        ready(f"CaseConsultant SMTP receiver for {mailout.consult_address()} on {host}:{port}")
        async with server:
            await server.serve_forever()

    asyncio.run(run())
