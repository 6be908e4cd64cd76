from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The top layer: code pages composed from every app's sections, the root URLs and API, and the
    site-wide commands (load-data, import, update-data, serve, worker). Nothing imports it."""

    name = "medcode.site"
    label = "site"
    verbose_name = "medcode site"
