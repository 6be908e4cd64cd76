from django_tasks import task

from medcode.common import schedule
from medcode.scrubber.models import BatchReport


@task()
def purge_reports(day_iso=None):
    """The worker's daily sweep of claim reports past their time (reads and new batches also purge)."""
    if day_iso and not schedule.claim_day("scrubber-purge", day_iso):
        return 0
    return BatchReport.purge()
