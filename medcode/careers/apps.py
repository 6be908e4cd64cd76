from django.apps import AppConfig
from django.conf import settings


class CareersConfig(AppConfig):
    name = "medcode.careers"
    label = "careers"
    verbose_name = "CareerCenter"

    def ready(self):
        # Here, not at the top: alerts and the schedule import models, which load after this module.
        from medcode.careers import alerts
        from medcode.common import schedule

        schedule.daily("job-alerts", alerts.send_alerts, hour=lambda: settings.MEDCODE_JOB_ALERT_HOUR)
