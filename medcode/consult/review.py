"""What a consultant works from: the queue, and beside a case the codes it names, a CasePilot
draft and the internal notes and audit trail.
"""

import logging
import re

from django.db.models import Case as When_, IntegerField, Value, When
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from medcode.assistant import engine
from medcode.assistant.reading import CODE_LIKE, looks_like_a_code, written_codes
from medcode.codes import lookup
from medcode.consult.models import Case

log = logging.getLogger(__name__)
QUEUES = {"open": "Open", "mine": "Held by me", "unclaimed": "Not claimed", "answered": "Answered", "all": "All"}


def queue(consultant, which="open", now=None):
    """Cases of a queue, the soonest due first; overdue ones carry .overdue."""
    now = now or timezone.now()
    found = Case.objects.select_related("submitter", "claimed_by")
    if which in {"open", "mine", "unclaimed"}:
        found = found.filter(status=Case.Status.OPEN)
    if which == "mine":
        found = found.filter(claimed_by=consultant)
    elif which == "unclaimed":
        found = found.filter(claimed_by__isnull=True)
    elif which == "answered":
        found = found.filter(status=Case.Status.ANSWERED)
    open_first = When_(When(status=Case.Status.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField())
    found = found.order_by(open_first, "due_at" if which != "answered" else "-answered_at")[:500]
    listed = list(found)
    for case in listed:
        case.overdue = case.is_overdue(now)
    return listed


def counts(now=None):
    now = now or timezone.now()
    open_cases = Case.objects.filter(status=Case.Status.OPEN)
    return {"open": open_cases.count(), "overdue": open_cases.filter(due_at__lt=now).count(),
            "unclaimed": open_cases.filter(claimed_by__isnull=True).count()}


def codes_named(text):
    """The catalogue codes a text names, once each, in order."""
    found = (lookup.find(token) for token in written_codes(text))
    return list({code.pk: code for code in found if code is not None}.values())


def linked(text):
    """text as HTML, each code it names linked to its code page."""
    codes = {}

    def link(match):
        token = match.group(1)
        if not looks_like_a_code(token):
            return escape(token)
        if token not in codes:
            codes[token] = lookup.find(token)
        code = codes[token]
        if code is None:
            return escape(token)
        return f'<a href="{code.get_absolute_url()}" title="{escape(code.best_title)}">{escape(token)}</a>'

    pieces, last = [], 0
    for match in CODE_LIKE.finditer(text):
        pieces.append(escape(text[last:match.start()]))
        pieces.append(link(match))
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))


def draft(case):
    """CasePilot's grounded answer to the case's first question, offered to the consultant to start from."""
    first = case.messages.order_by("created_at", "pk").first()
    if first is None:
        return None
    question = " ".join(filter(None, [case.codes_chosen, first.body]))
    try:
        return engine.answer(re.sub(r"\s+", " ", question)[:1000])
    except Exception:  # a helper's failure must not keep the consultant from the case
        log.exception("CasePilot draft failed for case %s", case.pk)
        return None


def workspace(case, consultant):
    written = [part for pair in case.messages.values_list("body", "documentation") for part in pair]
    text = " ".join([case.subject, case.codes_chosen, *written])
    return {"consultant_view": True, "codes": codes_named(text), "draft": draft(case),
            "notes": case.notes.select_related("author"), "audit": case.audit.select_related("actor")[:100],
            "holds": case.claimed_by_id == consultant.pk}
