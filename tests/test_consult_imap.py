"""`medcode consult fetch-imap` against a small IMAP4rev1 server on loopback."""

import re
import socketserver
import threading

import pytest
from django.core import mail

from medcode.consult import imap, mailin
from medcode.consult.models import Case, DeadLetter
from tests.factories import make_user


class Mailbox:
    def __init__(self, messages):
        self.messages = {uid: raw for uid, raw in enumerate(messages, start=1)}
        self.seen = set()
        self.logins = []


class Imap(socketserver.StreamRequestHandler):
    """The part of IMAP4rev1 imaplib speaks here: LOGIN, SELECT, UID SEARCH/FETCH/STORE, LOGOUT."""

    def handle(self):
        box = self.server.box
        self.say(b"* OK loopback IMAP4rev1 ready")
        while line := self.rfile.readline():
            tag, command, *rest = line.decode().rstrip("\r\n").split(" ", 2)
            args = rest[0] if rest else ""
            command = command.upper()
            if command == "CAPABILITY":
                self.say(b"* CAPABILITY IMAP4rev1")
            elif command == "LOGIN":
                box.logins.append(args)
            elif command == "SELECT":
                self.say(b"* %d EXISTS" % len(box.messages))
            elif command == "UID":
                self.uid(box, args)
            elif command == "LOGOUT":
                self.say(b"* BYE")
                self.say(f"{tag} OK bye".encode())
                return
            self.say(f"{tag} OK done".encode())

    def uid(self, box, args):
        verb, rest = args.split(" ", 1)
        if verb.upper() == "SEARCH":
            unseen = [str(uid) for uid in box.messages if uid not in box.seen]
            self.say(("* SEARCH " + " ".join(unseen)).rstrip().encode())
            return
        uid, what = rest.split(" ", 1)
        raw = box.messages[int(uid)]
        if verb.upper() == "STORE":
            box.seen.add(int(uid))
            self.say(b"* %s FETCH (UID %s FLAGS (\\Seen))" % (uid.encode(), uid.encode()))
        elif "RFC822.SIZE" in what:
            self.say(b"* %s FETCH (UID %s RFC822.SIZE %d)" % (uid.encode(), uid.encode(), len(raw)))
        else:
            part = raw.split(b"\r\n\r\n")[0] + b"\r\n\r\n" if "HEADER" in what else raw
            name = b"BODY[HEADER]" if "HEADER" in what else b"BODY[]"
            self.wfile.write(b"* %s FETCH (UID %s %s {%d}\r\n" % (uid.encode(), uid.encode(), name, len(part)) + part
                             + b")\r\n")

    def say(self, line):
        self.wfile.write(line + b"\r\n")


@pytest.fixture
def mailbox(settings):
    servers = []

    def serve(*messages):
        box = Mailbox(messages)
        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Imap)
        server.box, server.daemon_threads = box, True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        settings.MEDCODE_CONSULT = {**settings.MEDCODE_CONSULT, "IMAP_HOST": "127.0.0.1",
                                    "IMAP_PORT": server.server_address[1], "IMAP_SSL": False,
                                    "IMAP_USER": "cases", "IMAP_PASSWORD": "secret pass",
                                    "AUTHSERV_IDS": ["mx.medcode.test"], "VERIFY_DKIM": False}
        return box

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def raw_mail(sender, subject, body, message_id):
    """A message as the mailbox holds it, under the DMARC verdict of the MX that received it."""
    domain = sender.rpartition("@")[2]
    return (f"Authentication-Results: mx.medcode.test; dmarc=pass header.from={domain}\r\n"
            f"From: {sender}\r\nTo: cases@localhost\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


@pytest.mark.django_db
def test_unseen_mail_becomes_cases_and_dead_letters_and_is_marked_seen(mailbox, settings):
    settings.MEDCODE_CONSULT = {**settings.MEDCODE_CONSULT, "MAX_MESSAGE_MB": 1}
    make_user("coder@clinic.example", subscriber=True)
    big = raw_mail("coder@clinic.example", "Scan", "x" * 1_200_000, "<big@clinic.example>")
    box = mailbox(raw_mail("coder@clinic.example", "Modifier 25 with 20610", "99213-25 and 20610 same day?",
                           "<one@clinic.example>"),
                  big, b"\xff\xfe garbage with no headers at all")

    fetched = imap.fetch()

    assert fetched.kinds == {"case": 1, "dead": 2}
    assert box.seen == {1, 2, 3} and box.logins == ['cases "secret pass"']
    assert Case.objects.get().subject == "Modifier 25 with 20610"
    too_big = DeadLetter.objects.get(subject="Scan")
    assert "only its headers were kept" in too_big.reason and too_big.size < 1000
    assert mail.outbox[0].to == ["coder@clinic.example"]
    assert imap.fetch().total == 0, "seen mail is not read twice"


@pytest.mark.django_db
def test_a_message_medcode_failed_to_store_stays_unseen_for_the_next_run(mailbox, monkeypatch):
    make_user("coder@clinic.example", subscriber=True)
    box = mailbox(raw_mail("coder@clinic.example", "J1100", "units for 8 mg?", "<j@clinic.example>"))
    real = mailin.receive
    monkeypatch.setattr(mailin, "receive", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("database is down")))
    assert imap.fetch().kinds == {"failed": 1}
    assert box.seen == set() and not Case.objects.exists()
    monkeypatch.setattr(mailin, "receive", real)
    assert imap.fetch().kinds == {"case": 1} and box.seen == {1}


def test_fetch_imap_without_a_mailbox_says_what_to_set(settings):
    from django.core.management import CommandError, call_command

    settings.MEDCODE_CONSULT = {**settings.MEDCODE_CONSULT, "IMAP_HOST": ""}
    with pytest.raises(CommandError, match=re.escape("MEDCODE_CONSULT_IMAP_HOST")):
        call_command("consult", "fetch-imap")
