from django.apps import AppConfig


class RiskAdjustConfig(AppConfig):
    name = "medcode.riskadjust"
    label = "riskadjust"
    verbose_name = "Risk adjustment (CMS-HCC)"
