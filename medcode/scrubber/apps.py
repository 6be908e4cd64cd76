from django.apps import AppConfig


class ScrubberConfig(AppConfig):
    name = "medcode.scrubber"
    label = "scrubber"
    verbose_name = "Claim scrubber (whole claims and 837P batches)"

    def ready(self):
        # Here, not at the top: the task module imports models, which load after this module.
        from medcode.common import schedule
        from medcode.scrubber import tasks

        schedule.daily("scrubber-purge", tasks.purge_reports, hour=lambda: 3)
