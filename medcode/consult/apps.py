from django.apps import AppConfig
from django.conf import settings


class ConsultConfig(AppConfig):
    name = "medcode.consult"
    label = "consult"
    verbose_name = "CaseConsultant"

    def ready(self):
        # Here, not at the top: tasks and the schedule import models, which load after this module.
        from medcode.common import schedule
        from medcode.consult import tasks

        schedule.daily("overdue-digest", tasks.overdue_digest, hour=lambda: settings.MEDCODE_CONSULT["DIGEST_HOUR"])
