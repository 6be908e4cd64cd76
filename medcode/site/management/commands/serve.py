import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from medcode.codes.models import Code


class Command(BaseCommand):
    help = ("Run medcode on http://127.0.0.1:8000 (migrates first; warns when no code data is loaded), "
            "with a `medcode worker` for background work beside it.")

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="do not start a worker (one runs elsewhere)")

    def handle(self, addrport, no_worker=False, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not Code.objects.exists():
            self.stderr.write("No code data loaded yet: run `medcode load-data`.")
        worker = None
        if not no_worker and "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
            # Mail about cases leaves through the task queue: without a worker it would wait.
            worker = subprocess.Popen([sys.executable, "-m", "medcode.cli", "worker", "--parent", str(os.getpid())])
        # SIGTERM would end the server without unwinding: make it an exit, so the worker is stopped too.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        try:
            # Django's server is fine for one coder or a small team; see README for gunicorn.
            call_command("runserver", addrport, use_reloader=False, use_threading=True)
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:  # a task still running: do not leave it behind
                    worker.kill()
