from django.core.management import call_command
from django.core.management.base import BaseCommand

from medcode.codes.models import Code


class Command(BaseCommand):
    help = "Run medcode on http://127.0.0.1:8000 (migrates first; warns when no code data is loaded)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, addrport, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not Code.objects.exists():
            self.stderr.write("No code data loaded yet: run `medcode load-data`.")
        # Django's server is fine for one coder or a small team; see README for gunicorn.
        call_command("runserver", addrport, use_reloader=False, use_threading=True)
