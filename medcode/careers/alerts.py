"""Saved searches: a daily or weekly email of the new jobs matching, and an Atom feed of them."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from medcode.careers import search
from medcode.careers.models import SavedSearch
from medcode.common import mail, schedule

PERIOD = {SavedSearch.Frequency.DAILY: timedelta(days=1), SavedSearch.Frequency.WEEKLY: timedelta(days=7)}


def query_of(saved):
    return search.JobQuery.from_params(_Params(saved.query))


def new_jobs(saved, now=None):
    """Jobs matching the saved search that went live since its last email (or in its period)."""
    now = now or timezone.now()
    since = saved.last_sent_at or now - PERIOD[saved.frequency]
    return sorted(search.search(query_of(saved), now=now, since=since),
                  key=lambda job: job.posted_at or job.created_at, reverse=True)


def due(saved, now):
    return saved.active and (saved.last_sent_at is None or saved.last_sent_at <= now - PERIOD[saved.frequency]
                             + timedelta(hours=1))  # a few minutes' drift must not skip a day


@task()
def send_alerts(day_iso=None):
    """Email every saved search that is due and has new jobs; returns the number of emails."""
    if day_iso and not schedule.claim_day("job-alerts", day_iso):
        return 0
    now, sent = timezone.now(), 0
    for saved in SavedSearch.objects.filter(active=True).select_related("user"):
        if not due(saved, now):
            continue
        jobs = new_jobs(saved, now)
        if jobs:
            _email(saved, jobs)  # queued: a refused address is retried by the mail task, not here
            sent += 1
        saved.last_sent_at = now
        saved.save(update_fields=["last_sent_at"])
    return sent


def _email(saved, jobs):
    unsubscribe = mail.link("careers:unsubscribe", token=saved.token)
    mail.send(saved.user.email, "careers/email/alert.txt",
              {"saved": saved, "jobs": jobs[:50], "more": len(jobs) - 50, "count": len(jobs),
               "jobs_link": mail.link("careers:jobs"), "unsubscribe": unsubscribe},
              headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


class _Params(dict):
    """A saved query read like request.GET."""

    def get(self, key, default=""):
        value = super().get(key, default)
        return str(value) if not isinstance(value, list) else default

    def getlist(self, key):
        value = super().get(key, [])
        return value if isinstance(value, list) else [value]
