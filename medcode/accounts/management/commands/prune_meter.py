from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from medcode.accounts import metering, ratelimit
from medcode.accounts.models import CodeView


class Command(BaseCommand):
    help = "Delete code-page views of past metering windows and expired rate-limit counters (run daily from cron)."

    def handle(self, *args, **options):
        start, _ = metering.window_bounds(timezone.localdate())
        # Guest views are kept one day past the window: the per-address ceiling counts today's.
        views, _ = CodeView.objects.filter(window__lt=min(start, timezone.localdate() - timedelta(days=1))).delete()
        counters = ratelimit.prune()
        self.stdout.write(f"deleted {views} old code-page views and {counters} expired counters")
