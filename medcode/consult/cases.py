"""What happens to a case, whichever way it came in: opened within the plan's quota,
acknowledged, answered, reopened, claimed and noted, each step in the audit log.
"""

from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils import timezone

from medcode.accounts.models import User
from medcode.common import mail, uploads
from medcode.consult import mailout, phi, quota, tasks
from medcode.consult.models import Attachment, AuditEvent, Case, MailRecord, Message, Note


class Refused(Exception):
    """The sender may not open a case now; kind is "unverified" or "over_quota"."""

    def __init__(self, kind, message, allowance=None):
        super().__init__(message)
        self.kind, self.allowance = kind, allowance


class NotYours(Exception):
    """Another consultant holds the case."""


@dataclass
class Draft:
    """What a submitter sends: a new case, or with only question (and files) a message on one."""

    question: str
    subject: str = ""
    documentation: str = ""
    code_set: str = ""
    specialty: str = ""
    codes_chosen: str = ""
    files: list = field(default_factory=list)  # uploads.Checked

    def texts(self):
        return {"subject": self.subject, "question": self.question, "documentation": self.documentation,
                "codes_chosen": self.codes_chosen}


def screen(draft):
    """{where: [phi.Finding]} for each text holding likely PHI. A file is keyed by its position,
    ("file", i) for its text and ("name", i) for its name, since two files may share a name."""
    found = {name: phi.find(text) for name, text in draft.texts().items() if text}
    for index, checked in enumerate(draft.files):
        found[("file", index)] = phi.find(checked.text) if checked.text else []
        # EHR exports carry the patient in the file name: SMITH_JOHN_MRN_123456.pdf
        found[("name", index)] = phi.find(checked.filename.replace("_", " "))
    return {where: findings for where, findings in found.items() if findings}


def place_of(where, draft):
    """Words for where a finding is: "the documentation", "file op-note.pdf", "the name of file 2"."""
    if isinstance(where, tuple):
        kind, index = where
        return f"file {draft.files[index].filename}" if kind == "file" else f"the name of file {index + 1}"
    return {"codes_chosen": "the codes"}.get(where, f"the {where}")


def masked(draft):
    """(draft with likely PHI masked, kinds found): a readable attachment holding some is kept as
    its masked text instead, since a PDF or DOCX cannot be masked in place."""
    found = screen(draft)
    if not found:
        return draft, []
    kinds = sorted({finding.kind for findings in found.values() for finding in findings},
                   key=list(phi.KINDS).index)
    texts = {name: phi.mask(text, found[name]) if name in found else text for name, text in draft.texts().items()}
    files = []
    for index, checked in enumerate(draft.files):
        name_hides, text_hides = ("name", index) in found, ("file", index) in found
        if name_hides or text_hides:
            stem = f"attachment {index + 1}" if name_hides else checked.filename.rpartition(".")[0]
            stem = (stem or checked.filename)[:120 - len(".masked.txt")]
            shown = f"attachment {index + 1}" if name_hides else checked.filename
            if text_hides:
                text = phi.mask(checked.text, found[("file", index)])
                checked = uploads.Checked(
                    filename=f"{stem}.masked.txt", kind="txt", content_type="text/plain", size=len(text.encode()),
                    text=text, data=text.encode(),
                    note=f"{shown} held likely patient identifiers: kept as its text, masked.")
            else:
                extension = checked.filename.rpartition(".")[2]
                checked = replace(checked, filename=f"{stem}.{extension}",
                                  note=f"The name of {shown} held likely patient identifiers: renamed.")
        files.append(checked)
    return replace(draft, files=files, **texts), [phi.KINDS[kind] for kind in kinds]


def audit(actor, action, case=None, detail=""):
    AuditEvent.objects.create(actor=actor, action=action, case=case, detail=detail[:300])


@transaction.atomic
def open_case(user, draft, *, via, phi_kinds=(), mail_id=None, notices=(), now=None):
    """A new case from user, acknowledged by email; Refused when the plan does not allow it.

    notices: what the acknowledgement must also say (an attachment not kept, one renamed).
    """
    now = now or timezone.now()
    User.objects.select_for_update().filter(pk=user.pk).first()  # one case at a time per user: quota is exact
    allowance = quota.allowance(user, now)
    if allowance.plan is None:
        raise Refused("unverified", "Verify your email address before sending a case.", allowance)
    if not allowance.remaining:
        raise Refused("over_quota", f"Your plan's {allowance.limit} case(s) this month are used; more from "
                                    f"{allowance.resets_on:%B} 1.", allowance)
    case = Case.objects.create(
        submitter=user, subject=" ".join((draft.subject or draft.question).split())[:200] or "(no subject)",
        code_set=draft.code_set, specialty=draft.specialty, codes_chosen=draft.codes_chosen, via=via,
        plan=allowance.plan, phi_masked=list(phi_kinds), created_at=now, due_at=quota.due_at(allowance.plan, now))
    _message(case, user, Message.Role.SUBMITTER, draft, via, now)
    if mail_id:
        MailRecord.objects.create(message_id=mail_id, direction="in", kind="case", case=case, address=user.email)
    audit(user, "submitted", case, f"by {case.get_via_display().lower()}")
    mailout.send("ack", user.email, "ack", {"allowance": allowance, "hours": quota.answer_hours(allowance.plan),
                                         "notices": notices, "phi": phi_kinds},
                 case=case, answering=mail_id)
    mail.later(tasks.notify_consultants, case.pk)
    return case


@transaction.atomic
def add_message(case, user, draft, *, via, phi_kinds=(), mail_id=None, now=None):
    """The submitter writes again: an answered case reopens with a new due time."""
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)  # a consultant may be answering right now
    message = _message(case, user, Message.Role.SUBMITTER, draft, via, now)
    if mail_id:
        MailRecord.objects.create(message_id=mail_id, direction="in", kind="message", case=case, address=user.email)
    if phi_kinds:
        case.phi_masked = sorted(set(case.phi_masked) | set(phi_kinds))
    if case.status == Case.Status.ANSWERED:
        case.status, case.due_at = Case.Status.OPEN, quota.due_at(case.plan, now)
        audit(user, "reopened", case)
    case.save(update_fields=["phi_masked", "status", "due_at"])
    audit(user, "wrote", case, f"by {dict(Case.Via.choices)[via].lower()}")
    mail.later(tasks.notify_consultants, case.pk, message.pk)
    return message


@transaction.atomic
def answer(case, consultant, text, now=None):
    """The consultant's reply: on the case page and by email, threaded; the case is answered."""
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.claimed_by_id not in (None, consultant.pk):
        raise NotYours(f"{case.claimed_by} holds this case: ask them to release it first.")
    message = _message(case, consultant, Message.Role.CONSULTANT, Draft(question=text), Case.Via.WEB, now)
    case.status, case.answered_at = Case.Status.ANSWERED, now
    case.claimed_by, case.claimed_at = consultant, case.claimed_at or now
    case.save()
    audit(consultant, "replied", case)
    mailout.send("reply", case.submitter.email, "reply", {"message": message}, case=case, auto=False)
    return message


@transaction.atomic
def claim(case, consultant):
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.claimed_by_id not in (None, consultant.pk):
        raise NotYours(f"{case.claimed_by} already holds this case.")
    case.claimed_by, case.claimed_at = consultant, timezone.now()
    case.save(update_fields=["claimed_by", "claimed_at"])
    audit(consultant, "claimed", case)
    return case


@transaction.atomic
def release(case, consultant):
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.claimed_by_id != consultant.pk and not consultant.is_superuser:
        raise NotYours("Only the consultant holding a case can release it.")
    case.claimed_by, case.claimed_at = None, None
    case.save(update_fields=["claimed_by", "claimed_at"])
    audit(consultant, "released", case)
    return case


def add_note(case, consultant, text):
    note = Note.objects.create(case=case, author=consultant, text=text)
    audit(consultant, "noted", case)
    return note


def _message(case, author, role, draft, via, now):
    message = Message.objects.create(case=case, author=author, role=role, body=draft.question,
                                     documentation=draft.documentation, via=via, created_at=now)
    Attachment.objects.bulk_create([
        Attachment(message=message, filename=checked.filename, content_type=checked.content_type,
                   size=checked.size, data=checked.data, scanned=checked.kind != "png" and checked.kind != "jpeg")
        for checked in draft.files])
    return message
