"""Granting and ending plans: what staff do by hand and a payment webhook would do."""

import calendar
from datetime import date

from django.db import transaction
from django.utils import timezone

from medcode.accounts.models import Subscription, User


class PlanError(Exception):
    pass


def add_interval(day, interval):
    """The same day one month or one year later (the month's last day if it is shorter)."""
    months = 12 if interval == Subscription.Interval.YEARLY else 1
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def set_plan(email, plan, *, until=None, interval=None, note="", today=None):
    """Make email's account a subscriber (until a date) or free; returns the Subscription."""
    today = today or timezone.localdate()
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise PlanError(f"no account with email {email!r}")
    subscription, _ = Subscription.objects.select_for_update().get_or_create(user=user)
    if plan == Subscription.Plan.SUBSCRIBER:
        interval = interval or subscription.interval or Subscription.Interval.MONTHLY
        until = until or add_interval(today, interval)
        if until < today:
            raise PlanError(f"--until {until} is in the past")
        subscription.plan, subscription.status, subscription.interval = plan, Subscription.Status.ACTIVE, interval
        subscription.until = until
        subscription.started_at = subscription.started_at or timezone.now()
    elif plan == Subscription.Plan.FREE:
        subscription.plan, subscription.status = plan, Subscription.Status.CANCELED
        subscription.until = min(subscription.until or today, today)
    else:
        raise PlanError(f"unknown plan {plan!r}: use subscriber or free")
    if note:
        subscription.staff_note = note[:200]
    subscription.save()
    return subscription
