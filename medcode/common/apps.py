from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The shared base below every feature app: it imports none of them (docs/architecture.md)."""

    name = "medcode.common"
    label = "common"
    verbose_name = "medcode shared base"
