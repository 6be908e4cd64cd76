"""What a plan gives in CaseConsultant: cases a month and the promised answer time."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from medcode.accounts.metering import FREE, SUBSCRIBER, window_bounds
from medcode.consult.models import Case


@dataclass(frozen=True)
class Allowance:
    plan: str | None  # None: the account cannot send cases (email not verified)
    limit: int
    used: int
    resets_on: object  # the first day of next month

    @property
    def remaining(self):
        return max(self.limit - self.used, 0)


def plan_of(user, today=None):
    if user is None or not user.is_active:
        return None
    if user.active_subscription(today or timezone.localdate()):
        return SUBSCRIBER
    return FREE if user.is_verified else None


def allowance(user, now=None):
    now = now or timezone.now()
    plan = plan_of(user, timezone.localdate(now))
    month, next_month = window_bounds(timezone.localdate(now), "month")
    if plan is None:
        return Allowance(None, 0, 0, next_month)
    start = timezone.make_aware(datetime.combine(month, time.min))
    used = Case.objects.filter(submitter=user, created_at__gte=start).count()
    return Allowance(plan, settings.MEDCODE_CONSULT["MONTHLY"][plan], used, next_month)


def answer_hours(plan):
    return settings.MEDCODE_CONSULT["ANSWER_HOURS"][plan]


def due_at(plan, start=None):
    """start plus the plan's answer time, counting only Monday to Friday hours (local time).

    A case sent on Saturday starts its clock Monday at midnight.
    """
    moment = timezone.localtime(start or timezone.now())
    remaining = timedelta(hours=answer_hours(plan))
    while remaining > timedelta(0):
        if moment.weekday() >= 5:
            moment = _next_midnight(moment)
            continue
        step = min(remaining, _next_midnight(moment) - moment)
        moment += step
        remaining -= step
    return moment


def _next_midnight(moment):
    day = moment.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time.min), moment.tzinfo)
