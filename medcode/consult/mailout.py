"""Mail medcode sends about cases: every message gets a Message-ID recorded before it leaves,
so the answer to it threads back to its case, and is delivered by the task queue.
"""

from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings

from medcode.common import mail
from medcode.common.mail import deliver  # noqa: F401  (mail queued before the move names it here)
from medcode.consult.models import MailRecord


def consult_address():
    """The bare case address, even when the setting carries a display name ("Cases <cases@x>")."""
    return parseaddr(settings.MEDCODE_CONSULT["ADDRESS"])[1] or settings.MEDCODE_CONSULT["ADDRESS"]


def new_message_id():
    domain = consult_address().rpartition("@")[2] or "localhost"
    return make_msgid("medcode", domain=domain)


def send(kind, to, template, context, *, case=None, answering=None, auto=True):
    """Render consult/email/<template>.txt (first line: subject) and queue it for delivery.

    answering: the Message-ID this mail answers (In-Reply-To); the case's other ids go into References.
    auto: an automatic reply (RFC 3834), which well-behaved mail systems do not answer in turn.
    """
    subject, body = mail.render(f"consult/email/{template}.txt", {
        "case": case, "address": consult_address(), **context})
    if case is not None and case.tag not in subject:
        subject = f"{case.tag} {subject}"
    message_id = new_message_id()
    headers = {"Message-ID": message_id}
    if case is not None:
        # The thread as this recipient's mail program knows it: what they sent and what they got.
        thread = list(case.mail.filter(address__iexact=to).order_by("at", "pk"))
        answering = answering or next((record.message_id for record in reversed(thread)
                                       if record.direction == MailRecord.Direction.IN),
                                      thread[-1].message_id if thread else None)
        if thread:
            ids = [record.message_id for record in thread]
            headers["References"] = " ".join(ids[:1] + ids[1:][-9:])  # the first, then the latest
    if answering:
        headers["In-Reply-To"] = answering
    if auto:
        headers["Auto-Submitted"] = "auto-replied"
    MailRecord.objects.create(message_id=message_id, direction=MailRecord.Direction.OUT, kind=kind, case=case,
                              address=to)
    mail.queue(to, subject, body, headers=headers, reply_to=[consult_address()],
               sender=formataddr(("medcode CaseConsultant", consult_address())))
    return message_id
