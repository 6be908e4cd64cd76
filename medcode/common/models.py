from django.db import models


class DailyRun(models.Model):
    """A periodic job done for a day (CaseConsultant's digest, CareerCenter's alerts), so two
    workers do not both run it."""

    job = models.CharField(max_length=40)
    day = models.DateField()

    class Meta:
        # The model moved here from CaseConsultant; its table and constraint keep their names.
        db_table = "consult_dailyrun"
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="dailyrun_job_day")]


class WorkerHeartbeat(models.Model):
    """When each `medcode worker` last looked at the queue: /healthz says whether one is alive."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    seen_at = models.DateTimeField()
