"""medcode consult smtpd|fetch-imap|add-consultant|remove-consultant|dead-letters|retry."""

import imaplib
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from medcode.accounts.models import User
from medcode.consult import imap, mailin, roles, smtpd
from medcode.consult.models import DeadLetter


class Command(BaseCommand):
    help = "CaseConsultant: receive mail, poll a mailbox, manage consultants and dead letters."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        receiver = commands.add_parser("smtpd", help="run the SMTP receiver for the case address")
        receiver.add_argument("addrport", nargs="?", help="host:port (default MEDCODE_CONSULT_SMTPD, 127.0.0.1:8025)")
        poller = commands.add_parser("fetch-imap", help="read unseen mail from the IMAP mailbox into cases")
        poller.add_argument("--every", type=int, default=0, metavar="SECONDS", help="keep polling")
        for name in ("add-consultant", "remove-consultant"):
            commands.add_parser(name).add_argument("email")
        commands.add_parser("dead-letters", help="list mail that could not become a case")
        retry = commands.add_parser("retry", help="try dead letters again")
        retry.add_argument("ids", nargs="*", type=int, help="dead letter numbers (default: every waiting one)")

    def handle(self, action, **options):
        getattr(self, action.replace("-", "_"))(**options)

    def smtpd(self, addrport=None, **options):
        host, _, port = (addrport or settings.MEDCODE_CONSULT["SMTPD"]).rpartition(":")
        if not port.isdigit():
            raise CommandError("give the address as host:port, e.g. 0.0.0.0:25")
        smtpd.serve(host or "127.0.0.1", int(port), ready=self.stdout.write)

    def fetch_imap(self, every=0, **options):
        while True:
            try:
                fetched = imap.fetch()
            except (ValueError, OSError, imaplib.IMAP4.error) as error:
                if not every:
                    raise CommandError(str(error))
                self.stderr.write(f"{error}; trying again in {every} s")  # a mail server's hiccup must not end polling
                time.sleep(every)
                continue
            self.stdout.write(f"{fetched.total} message(s): " +
                              (", ".join(f"{n} {kind}" for kind, n in sorted(fetched.kinds.items())) or "none new"))
            if not every:
                return
            time.sleep(every)

    def add_consultant(self, email, **options):
        user = self._user(email)
        roles.grant_consultant(user)
        self.stdout.write(f"{user.email} works the CaseConsultant queue.")

    def remove_consultant(self, email, **options):
        user = self._user(email)
        user.user_permissions.remove(roles.answer_permission())
        self.stdout.write(f"{user.email} no longer works the queue (a group or superuser status may still allow it).")

    def dead_letters(self, **options):
        for letter in DeadLetter.objects.filter(status=DeadLetter.Status.WAITING).defer("raw"):
            self.stdout.write(f"{letter.pk}\t{letter.received_at:%Y-%m-%d %H:%M}\t{letter.sender}\t{letter.subject}\t"
                              f"{letter.reason.splitlines()[0]}")

    def retry(self, ids=(), **options):
        letters = DeadLetter.objects.filter(status=DeadLetter.Status.WAITING)
        for letter in letters.filter(pk__in=ids) if ids else letters:
            outcome = mailin.receive(bytes(letter.raw), source=letter.source, dead_letter=letter)
            self.stdout.write(f"{letter.pk}: {outcome.kind} {outcome.detail}".rstrip())

    def _user(self, email):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"no account with email {email!r}")
        return user
