"""Background work of CaseConsultant, run by `medcode worker`: telling consultants about new
cases and messages, and the daily digest of overdue cases.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from medcode.accounts.models import User
from medcode.consult import cases, mailout
from medcode.consult.models import Case, DailyRun, Message


def consultants():
    """Active accounts allowed to work the queue, directly, through a group, or as superusers."""
    permission = cases.answer_permission()
    return User.objects.filter(
        Q(is_superuser=True) | Q(user_permissions=permission) | Q(groups__permissions=permission),
        is_active=True).distinct().order_by("email")


@task()
def notify_consultants(case_pk, message_pk=None):
    """A new case goes to every consultant; a new message on a held case to its consultant only."""
    case = Case.objects.select_related("claimed_by").get(pk=case_pk)
    message = Message.objects.get(pk=message_pk) if message_pk else None
    recipients = [case.claimed_by] if message and case.claimed_by else list(consultants())
    for consultant in recipients:
        mailout.send("notify", consultant.email, "notify", {"message": message, "consultant": consultant},
                     case=case)
    return len(recipients)


@task()
def overdue_digest(day_iso):
    """One email per consultant listing the open cases past their due time; sent once a day."""
    if not claim_day("overdue-digest", day_iso):
        return 0
    overdue = list(Case.objects.filter(status=Case.Status.OPEN, due_at__lt=timezone.now())
                   .select_related("claimed_by", "submitter").order_by("due_at"))
    if not overdue:
        return 0
    recipients = list(consultants())
    for consultant in recipients:
        mailout.send("digest", consultant.email, "digest", {"cases": overdue, "consultant": consultant,
                                                            "now": timezone.now()})
    return len(recipients)


def claim_day(job, day_iso):
    """True for the first caller of a job on a day: two workers must not both send a daily email."""
    try:
        with transaction.atomic():
            DailyRun.objects.create(job=job, day=day_iso)
    except IntegrityError:
        return False
    return True


def start_daily(job, work, now=None):
    """Queue a daily job once its hour (MEDCODE_CONSULT_DIGEST_HOUR, local time) has come; True if queued."""
    from django.conf import settings

    local = timezone.localtime(now or timezone.now())
    if local.hour < settings.MEDCODE_CONSULT["DIGEST_HOUR"] or \
            DailyRun.objects.filter(job=job, day=local.date()).exists():
        return False
    work.enqueue(local.date().isoformat())
    return True


def enqueue_due(now=None):
    """What the worker starts on its own: the overdue digest once the day's hour has come."""
    return start_daily("overdue-digest", overdue_digest, now)
