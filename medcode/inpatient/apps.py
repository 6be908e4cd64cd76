from django.apps import AppConfig


class InpatientConfig(AppConfig):
    name = "medcode.inpatient"
    label = "inpatient"
    verbose_name = "Inpatient coding (MS-DRG grouper, DRG validation, DRG pages)"
