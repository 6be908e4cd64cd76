from django.apps import AppConfig


class ConsultConfig(AppConfig):
    name = "medcode.consult"
    label = "consult"
    verbose_name = "CaseConsultant"
