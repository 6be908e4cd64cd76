from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "medcode.reference"
    label = "reference"
    verbose_name = "Reference data (NCCI, MUE, fee schedule, coverage)"
