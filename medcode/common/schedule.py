"""Periodic jobs. Each app registers its own from its AppConfig.ready() (as pretix does), and
`medcode worker` starts whatever is due, so no feature app imports another to be scheduled.

A daily job is queued once its hour (local time) has come; `claim_day` lets the first of several
workers run it and the others skip it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from medcode.common.models import DailyRun


@dataclass(frozen=True)
class DailyJob:
    name: str
    task: object  # a django_tasks Task, enqueued with the day as an ISO date
    hour: Callable[[], int]  # local hour from which it may run; read when checked, so settings may change


_daily: dict[str, DailyJob] = {}


def daily(name, task, *, hour):
    """Register a job run once a day from `hour()` o'clock; registering a name again replaces it."""
    _daily[name] = DailyJob(name, task, hour)


def jobs():
    return list(_daily.values())


def start_if_due(name, now=None):
    """Queue one daily job if its hour has come and nobody ran it today; True if queued."""
    job = _daily[name]
    local = timezone.localtime(now or timezone.now())
    if local.hour < job.hour() or DailyRun.objects.filter(job=name, day=local.date()).exists():
        return False
    job.task.enqueue(local.date().isoformat())
    return True


def enqueue_due(now=None):
    """What the worker starts on its own: every registered job whose time has come. Returns their names."""
    return [job.name for job in jobs() if start_if_due(job.name, now)]


def claim_day(job, day_iso):
    """True for the first caller of a job on a day: two workers must not both send a daily email."""
    try:
        with transaction.atomic():
            DailyRun.objects.create(job=job, day=day_iso)
    except IntegrityError:
        return False
    return True
