"""`medcode consult fetch-imap`: read new mail from an existing mailbox into cases.

Each unseen message is fetched without marking it, handed to mailin.receive, and marked seen
only once medcode has stored it (as a case, a message, a refusal or a dead letter). If medcode
fails before that, the message stays unseen and the next run tries it again.
"""

import imaplib
import logging
import re
from dataclasses import dataclass

from django.conf import settings

from medcode.consult import mailin

log = logging.getLogger(__name__)
SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass
class Fetched:
    kinds: dict

    @property
    def total(self):
        return sum(self.kinds.values())


def connect(config=None):
    config = config or settings.MEDCODE_CONSULT
    if not config["IMAP_HOST"]:
        raise ValueError("Set MEDCODE_CONSULT_IMAP_HOST (and _USER, _PASSWORD) to poll a mailbox.")
    kind = imaplib.IMAP4_SSL if config["IMAP_SSL"] else imaplib.IMAP4
    mailbox = kind(config["IMAP_HOST"], config["IMAP_PORT"], timeout=60)
    mailbox.login(config["IMAP_USER"], config["IMAP_PASSWORD"])
    return mailbox


def fetch(mailbox=None, folder=None):
    """Receive every unseen message of the folder; returns how many of each outcome."""
    mailbox = mailbox or connect()
    folder = folder or settings.MEDCODE_CONSULT["IMAP_FOLDER"]
    kinds = {}
    try:
        status, _ = mailbox.select(folder)
        if status != "OK":
            raise ValueError(f"The mailbox has no folder {folder!r}.")
        _, found = mailbox.uid("SEARCH", None, "UNSEEN")
        for uid in (found[0] or b"").split():
            try:
                kind = _one(mailbox, uid).kind
            except (imaplib.IMAP4.error, OSError):
                raise  # the mailbox itself failed: stop, and try again next run
            except Exception:  # medcode could not store it (say, the database is down): left unseen
                log.exception("message %s stays unseen in the mailbox", uid)
                kinds["failed"] = kinds.get("failed", 0) + 1
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
            mailbox.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    finally:
        try:
            mailbox.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return Fetched(kinds)


def _one(mailbox, uid):
    _, sized = mailbox.uid("FETCH", uid, "(RFC822.SIZE)")
    size = SIZE.search(b" ".join(part if isinstance(part, bytes) else b" ".join(part) for part in sized if part))
    if size and int(size.group(1)) > mailin.max_bytes():
        # Too big to fetch whole: the headers are kept so staff know who sent what.
        _, head = mailbox.uid("FETCH", uid, "(BODY.PEEK[HEADER])")
        return mailin.receive(_literal(head), source="imap", too_big=int(size.group(1)))
    _, data = mailbox.uid("FETCH", uid, "(BODY.PEEK[])")
    return mailin.receive(_literal(data), source="imap")


def _literal(response):
    return next(part[1] for part in response if isinstance(part, tuple))
