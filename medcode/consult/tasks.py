"""Background work of CaseConsultant, run by `medcode worker`: telling consultants about new
cases and messages, and the daily digest of overdue cases.
"""

from django.utils import timezone
from django_tasks import task

from medcode.common import schedule
from medcode.consult import mailout
from medcode.consult.models import Case, Message
from medcode.consult.roles import consultants


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
    if not schedule.claim_day("overdue-digest", day_iso):
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
