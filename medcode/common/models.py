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
