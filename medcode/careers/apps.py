from django.apps import AppConfig


class CareersConfig(AppConfig):
    name = "medcode.careers"
    label = "careers"
    verbose_name = "CareerCenter"
