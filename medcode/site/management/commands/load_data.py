from django.core.management.base import BaseCommand, CommandError

from medcode.site.loading import load_bundled
from medcode.codes.loaders.base import ImportFailed


class Command(BaseCommand):
    help = "Load every bundled code set and reference file (skips releases already loaded)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="re-apply releases already loaded")

    def handle(self, *args, force=False, **options):
        try:
            load_bundled(progress=lambda message: self.stdout.write(message), force=force)
        except ImportFailed as exc:
            raise CommandError(str(exc)) from exc
