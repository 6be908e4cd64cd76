"""A received email becomes a case, a message on its case, a polite refusal or a dead letter.

Both the SMTP receiver and the IMAP poller hand raw bytes to receive(); nothing they hand
over is lost: what cannot be read is kept whole in DeadLetter for staff to retry.
"""

import hashlib
import logging
import re
from dataclasses import dataclass, field
from email import errors, policy
from email.parser import BytesParser
from email.utils import getaddresses
from html.parser import HTMLParser

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from medcode.accounts import ratelimit
from medcode.accounts.models import User
from medcode.common import uploads
from medcode.common import mail
from medcode.consult import cases, mailout, roles
from medcode.consult import senders as vouch
from medcode.consult.models import Case, DeadLetter, MailRecord, PendingCase

log = logging.getLogger(__name__)
CASE_TAG = re.compile(r"\[medcode case #(\d+)\]", re.I)
QUOTE_START = re.compile(r"^(On .{4,200}wrote:|-{2,} ?Original Message ?-{2,}|From: .*<[^>]+@[^>]+>)\s*$", re.M)
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
QUOTED = re.compile(r">( |>|$)")
SIGNATURES = {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
WRITES_PER_HOUR = 30  # a submitter's messages on their cases, as on the web
REFUSALS_PER_DAY = 500  # refusals and confirmation requests, all senders together
CONFIRMATIONS_PER_DAY = 3  # confirmation requests to one account a day: a forger cannot flood its owner
MAX_TEXT = 50_000  # characters of an email's text kept; the web form takes 10,000 for a question
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Defects after which the parts of a message cannot be told apart: its content would be guessed.
FATAL_DEFECTS = (errors.NoBoundaryInMultipartDefect, errors.StartBoundaryNotFoundDefect,
                 errors.MultipartInvariantViolationDefect, errors.CloseBoundaryNotFoundDefect)


class Unreadable(Exception):
    pass


@dataclass
class Inbound:
    message_id: str
    sender: str
    subject: str
    text: str
    replies_to: list = field(default_factory=list)  # Message-IDs from In-Reply-To and References
    files: list = field(default_factory=list)  # (filename, bytes)
    automatic: str = ""  # why no one should answer it: an auto-reply or a delivery report
    verdict: vouch.Verdict = vouch.Verdict(False, "not checked")  # is the sender who From says?


@dataclass
class Outcome:
    kind: str  # case, message, duplicate, unconfirmed, unregistered, unverified, over_quota, automatic, dead
    case: Case | None = None
    detail: str = ""


def max_bytes():
    return settings.MEDCODE_CONSULT["MAX_MESSAGE_MB"] * 1024 * 1024


def parse(raw):
    if len(raw) > max_bytes():
        raise Unreadable(f"The message is {len(raw) / 1e6:.1f} MB, over the {max_bytes() // 2**20} MB limit.")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        from_addresses = [_printable(address) for _, address in
                   getaddresses([str(value) for value in message.get_all("From", [])]) if "@" in address]
        if not from_addresses:
            raise Unreadable("The message has no sender address (From).")
        message_id = (MESSAGE_ID.findall(_printable(str(message.get("Message-ID", "")))) or [None])[0]
        # A message without an id still gets a stable one, so its redelivery is recognised.
        message_id = message_id or f"<{hashlib.sha256(raw).hexdigest()}@no-message-id.medcode>"
        replies_to = MESSAGE_ID.findall(_printable(f"{message.get('In-Reply-To', '')} {message.get('References', '')}"))
        broken = [defect for part in message.walk() for defect in part.defects if isinstance(defect, FATAL_DEFECTS)]
        if broken:
            raise Unreadable(f"The message's MIME structure is broken: {broken[0].__doc__ or type(broken[0]).__name__}"
                             .strip())
        text, files = _body(message)
        if not text.strip() and not files:
            raise Unreadable("No text or attachment could be found in the message.")
        sender = from_addresses[0].strip().lower()
        return Inbound(message_id=message_id[:255], sender=sender,
                       subject=" ".join(_printable(str(message.get("Subject", ""))).split())[:200],
                       text=_printable(text), replies_to=replies_to, files=files, automatic=_automatic(message, sender),
                       verdict=vouch.authenticate(raw, message, sender))
    except Unreadable:
        raise
    except Exception as error:  # the email package raises many kinds on broken MIME
        raise Unreadable(f"The message's MIME structure could not be read ({type(error).__name__}: {error}).")


def receive(raw, *, source, dead_letter=None, too_big=None, confirmed=None):
    """Turn one raw message into its outcome. A retried dead letter is passed in and updated.

    too_big: the size of a message too large to fetch, of which raw holds only the headers.
    confirmed: the PendingCase whose account holder confirmed, through the link, that they sent it.
    """
    if too_big:
        return _dead(raw, source, f"The message is {too_big / 1e6:.1f} MB, over the {max_bytes() // 2**20} MB "
                                  "limit: only its headers were kept; it is still in the mailbox.", dead_letter)
    try:
        inbound = parse(raw)
    except Unreadable as error:
        return _dead(raw, source, str(error), dead_letter)
    earlier = MailRecord.objects.filter(message_id=inbound.message_id).select_related("case").first()
    if earlier is not None:
        return _done(Outcome("duplicate", earlier.case, "already received"), dead_letter)
    if confirmed is None and PendingCase.objects.filter(message_id=inbound.message_id).exists():
        return _done(Outcome("duplicate", detail="waiting for its sender's confirmation"), dead_letter)
    try:
        with transaction.atomic():
            outcome = _route(inbound, raw, confirmed)
    except IntegrityError:  # the same message delivered twice at once: the other delivery won
        if not MailRecord.objects.filter(message_id=inbound.message_id).exists():
            raise
        return _done(Outcome("duplicate", detail="already received"), dead_letter)
    except Unreadable as error:  # readable, but not to be taken now (too many messages): kept to retry
        return _dead(raw, source, str(error), dead_letter, inbound)
    except Exception as error:  # a bug must not lose the message: keep it to retry once fixed
        log.exception("could not handle message %s", inbound.message_id)
        return _dead(raw, source, f"medcode failed on this message: {type(error).__name__}: {error}", dead_letter,
                     inbound)
    return _done(outcome, dead_letter)


def _route(inbound, raw, confirmed=None):
    def record(kind, case=None):
        MailRecord.objects.create(message_id=inbound.message_id, direction="in", kind=kind, case=case,
                                  address=inbound.sender)

    if inbound.automatic:
        record("automatic")
        return Outcome("automatic", detail=inbound.automatic)
    user = User.objects.filter(email__iexact=inbound.sender, is_active=True).first()
    if user is None:
        record("unregistered")
        _refuse(inbound, "unregistered", {})
        return Outcome("unregistered")
    vouched = inbound.verdict.authenticated or (confirmed is not None and confirmed.user_id == user.pk)
    case = _thread(inbound, user, vouched)
    if case is None and roles.may_work(user) and _answers_a_case(inbound):
        record("consultant")
        mailout.send("consultant", user.email, "consultant", {"subject": inbound.subject}, answering=inbound.message_id)
        return Outcome("consultant", detail="a consultant answers from the workspace")
    if case is not None and not ratelimit.hit(f"consult-write:{user.pk}", WRITES_PER_HOUR, 3600)[0]:
        raise Unreadable(f"More than {WRITES_PER_HOUR} messages an hour from {user.email}: kept to retry later.")
    checked, problems = uploads.check_all(inbound.files)
    text = (_new_part(inbound.text) if case else inbound.text).strip()
    if len(text) > MAX_TEXT:
        problems.append(f"Your text was cut at {MAX_TEXT:,} characters: attach long documents as files.")
        text = text[:MAX_TEXT]
    draft, kinds = cases.masked(cases.Draft(question=text or "(no text)", subject=inbound.subject, files=checked))
    notices = problems + [file.note for file in draft.files if file.note]
    if case is not None:
        cases.add_message(case, user, draft, via=Case.Via.EMAIL, phi_kinds=kinds, mail_id=inbound.message_id)
        if notices or kinds:
            mailout.send("notice", user.email, "notice", {"notices": notices, "phi": kinds}, case=case,
                         answering=inbound.message_id)
        return Outcome("message", case)
    if not vouched:
        return _hold(inbound, raw, user)
    try:
        case = cases.open_case(user, draft, via=Case.Via.EMAIL, phi_kinds=kinds, mail_id=inbound.message_id,
                               notices=notices)
    except cases.Refused as refusal:
        record(refusal.kind)
        _refuse(inbound, refusal.kind, {"allowance": refusal.allowance})
        return Outcome(refusal.kind, detail=str(refusal))
    return Outcome("case", case)


def _thread(inbound, user, vouched):
    """The submitter's case this message answers. A reply proves it belongs to the case by naming a
    Message-ID medcode sent to that submitter about it (random, seen only in their mailbox); the
    subject's [medcode case #N] tag is enough only from an authenticated sender, since case numbers
    are easy to guess."""
    linked = MailRecord.objects.filter(message_id__in=inbound.replies_to, direction=MailRecord.Direction.OUT,
                                       address__iexact=user.email, case__submitter=user).select_related("case")
    case = next((record.case for record in linked.order_by("-at")), None)
    if case is None and vouched and (tag := CASE_TAG.search(inbound.subject)):
        case = Case.objects.filter(pk=int(tag.group(1)), submitter=user).first()
    return case


def _hold(inbound, raw, user):
    """Keep a new case from an unauthenticated sender, and ask the account holder to confirm it."""
    pending = PendingCase.objects.create(user=user, message_id=inbound.message_id, raw=raw, why=inbound.verdict.how[:300])
    allowed = ratelimit.hit(f"consult-confirm:{user.pk}", CONFIRMATIONS_PER_DAY, 24 * 3600)[0] and \
        ratelimit.hit("consult-refusals", REFUSALS_PER_DAY, 24 * 3600)[0]
    if allowed:  # the subject is not repeated: a forger must not get words into the owner's mailbox
        mailout.send("confirm", user.email, "confirm", {"link": mail.site_url(pending.get_absolute_url()),
                                                         "address_of_account": user.email,
                                                         "days": settings.MEDCODE_CONSULT["CONFIRM_DAYS"]},
                     answering=inbound.message_id)
    return Outcome("unconfirmed", detail=inbound.verdict.how)


@transaction.atomic
def confirm(pending, now=None):
    """The account holder says they sent it: the message goes through as if authenticated."""
    pending = PendingCase.objects.select_for_update().get(pk=pending.pk)
    if pending.status != PendingCase.Status.WAITING:
        return Outcome("duplicate", pending.case, "already " + pending.get_status_display().lower())
    outcome = receive(bytes(pending.raw), source="email", confirmed=pending)
    pending.status, pending.case = PendingCase.Status.CONFIRMED, outcome.case
    pending.save(update_fields=["status", "case"])
    return outcome


def discard(pending):
    PendingCase.objects.filter(pk=pending.pk, status=PendingCase.Status.WAITING).update(
        status=PendingCase.Status.DISCARDED, raw=b"")


def _answers_a_case(inbound):
    return MailRecord.objects.filter(message_id__in=inbound.replies_to, case__isnull=False).exists() \
        or bool(CASE_TAG.search(inbound.subject))


def _refuse(inbound, kind, context):
    # One refusal per address a day, and a ceiling for all: forged senders must not turn medcode
    # into a spam cannon.
    allowed = ratelimit.hit(f"consult-refusal:{inbound.sender}", 1, 24 * 3600)[0] and \
        ratelimit.hit("consult-refusals", REFUSALS_PER_DAY, 24 * 3600)[0]
    if allowed:
        mailout.send(kind, inbound.sender, kind, {"subject": inbound.subject, **context},
                     answering=inbound.message_id)


def _dead(raw, source, reason, dead_letter, inbound=None):
    sender, subject = (inbound.sender, inbound.subject) if inbound else _peek(raw)
    if dead_letter is None:
        dead_letter = DeadLetter.objects.create(raw=raw, size=len(raw), source=source, sender=sender[:254],
                                                subject=subject[:200], reason=reason)
    else:
        dead_letter.attempts += 1
        dead_letter.reason, dead_letter.last_tried_at = reason, timezone.now()
        dead_letter.save()
    return Outcome("dead", detail=reason)


def _done(outcome, dead_letter):
    if dead_letter is not None:
        dead_letter.status, dead_letter.last_tried_at = DeadLetter.Status.DONE, timezone.now()
        dead_letter.attempts += 1
        dead_letter.reason = f"{dead_letter.reason}\nRetried: {outcome.kind}."
        dead_letter.save()
    return outcome


def _peek(raw):
    """Sender and subject of a message that would not parse, for the dead-letter list."""
    head = raw[:20000].decode("latin-1").split("\r\n\r\n")[0].split("\n\n")[0]
    found = {name.lower(): value.strip() for name, value in re.findall(r"^(From|Subject):(.*)$", head, re.M | re.I)}
    return _printable(found.get("from", "")), _printable(found.get("subject", ""))


def _automatic(message, sender):
    if message.get_content_type() == "multipart/report" or re.match(r"(mailer-daemon|postmaster)@", sender, re.I):
        return "a delivery failure report"
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    if auto != "no" or str(message.get("Precedence", "")).lower() in {"bulk", "junk", "list"} \
            or message.get("X-Autoreply") or message.get("X-Autorespond"):
        return "an automatic reply"
    return ""


def _body(message):
    """(text, [(filename, bytes)]): the body, plus text parts that are not one of its alternatives
    (a forwarded message, a mail program's split body), plus the files. Signatures (S/MIME) and
    inline images with a Content-ID (logos in signatures) are not files anyone sent on purpose."""
    body = message.get_body(preferencelist=("plain", "html"))
    texts, files = [_text_of(body)] if body is not None else [], []
    for kind, value in _parts(message, body):
        (texts if kind == "text" else files).append(value)
    return "\n\n".join(text for text in texts if text.strip()), files


def _parts(part, body, files_only=False):
    """("text", str) and ("file", (name, bytes)) of every leaf but the body. Beside the body, its
    alternatives give only their files: Apple Mail puts attachments in the HTML alternative."""
    if part is body:
        return
    kind = part.get_content_type()
    if kind == "multipart/alternative":
        if _holds(part, body) or files_only:
            for child in part.iter_parts():
                yield from _parts(child, body, files_only=True)
            return
        part = next(iter(sorted(part.iter_parts(), key=lambda p: p.get_content_type() != "text/plain")), None)
        if part is None:
            return
        kind = part.get_content_type()
    if kind == "message/rfc822":
        inner = part.get_payload()[0]
        inner_body = inner.get_body(preferencelist=("plain", "html"))
        if inner_body is not None and not files_only:
            yield "text", f"---- Forwarded message: {inner.get('Subject', '')} ----\n{_text_of(inner_body)}"
        yield from _parts(inner, inner_body, files_only)
    elif part.is_multipart():
        for child in part.iter_parts():
            yield from _parts(child, body, files_only)
    elif kind in SIGNATURES or (part.get_content_maintype() == "image" and part.get("Content-ID")
                                and part.get_content_disposition() != "attachment"):
        return
    elif part.get_filename() or part.get_content_maintype() != "text":
        yield "file", (_printable(part.get_filename() or "attachment"), part.get_payload(decode=True) or b"")
    elif not files_only:
        yield "text", _text_of(part)


def _holds(part, wanted):
    return part is wanted or (part.is_multipart() and any(_holds(child, wanted) for child in part.iter_parts()))


def _text_of(part):
    try:
        text = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset: read what can be read
        text = (part.get_payload(decode=True) or b"").decode("utf-8", errors="replace")
    if part.get_content_subtype() == "html":
        text = _Text.of(text)
    return text.replace("\r\n", "\n")


def _printable(text):
    """Text without control characters (PostgreSQL cannot even store NUL), lines and tabs kept."""
    return CONTROLS.sub("", text)


def _new_part(text):
    """A reply's own words: the quoted thread below "On … wrote:" or "> " lines is dropped."""
    match = QUOTE_START.search(text)
    if match:
        text = text[:match.start()]
    # "> quoted" and ">>" lines are the thread; ">45 minutes" is a coder's own words.
    return "\n".join(line for line in text.splitlines() if not QUOTED.match(line)).strip()


class _Text(HTMLParser):
    SKIP = {"script", "style", "head"}
    BREAKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4"}

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], 0

    @classmethod
    def of(cls, html):
        parser = cls()
        parser.feed(html)
        parser.close()
        return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip()

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in self.SKIP
        if tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        self.skipping -= tag in self.SKIP and self.skipping > 0

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)
