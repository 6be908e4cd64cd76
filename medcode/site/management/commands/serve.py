import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from medcode.codes.models import Code


LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def deploy_warnings(bind, dev=False, engine=None):
    """What is unsafe or will not work in this configuration, in words, for the start of `medcode serve`."""
    host = bind.rpartition(":")[0] or "127.0.0.1"
    engine = engine or settings.DATABASES["default"]["ENGINE"]
    found = []
    if settings.DEBUG and not dev:
        found.append("MEDCODE_DEBUG is on: error pages show settings and code to anyone. Switch it off in production.")
    if host not in LOOPBACK and set(settings.ALLOWED_HOSTS) <= LOOPBACK | {"testserver"}:
        found.append(f"Listening on {host}, but MEDCODE_ALLOWED_HOSTS names only this machine: other machines get 400. "
                     "Set it to the site's host names.")
    if engine.endswith("postgresql") and not os.environ.get("MEDCODE_SECRET_KEY"):
        found.append("PostgreSQL, but no MEDCODE_SECRET_KEY: this node signs sessions and links with a key of its own "
                     "file, so nodes sharing the database reject each other's. Set the same key on every node.")
    return found


def _cores():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class Command(BaseCommand):
    help = ("Run medcode on http://127.0.0.1:8000 with gunicorn (a production WSGI server: one process per core, "
            "threads in each, access log on stdout, graceful restart on SIGHUP), migrating first, with a "
            "`medcode worker` for background work beside it. --dev runs Django's autoreloading server instead.")

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="do not start a worker (one runs elsewhere)")
        parser.add_argument("--dev", action="store_true", help="Django's development server, reloading on edits")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("MEDCODE_WEB_WORKERS", 0)) or _cores(),
                            help="server processes (default: MEDCODE_WEB_WORKERS, else one per core)")
        parser.add_argument("--threads", type=int, default=int(os.environ.get("MEDCODE_WEB_THREADS", 4)),
                            help="threads per process (default: MEDCODE_WEB_THREADS, else 4)")

    def handle(self, addrport, no_worker=False, dev=False, workers=1, threads=4, **options):
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads take 1 or more")
        bind = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
        call_command("migrate", interactive=False, verbosity=0)
        for warning in deploy_warnings(bind, dev):
            self.stderr.write(f"Warning: {warning}")
        if not Code.objects.exists():
            self.stderr.write("No code data loaded yet: run `medcode load-data`.")
        worker = None
        if not no_worker and "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
            # Mail about cases leaves through the task queue: without a worker it would wait.
            worker = subprocess.Popen([sys.executable, "-m", "medcode.cli", "worker", "--parent", str(os.getpid())])
        # SIGTERM would end the server without unwinding: make it an exit, so the worker is stopped too.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        server = None
        try:
            if dev:
                call_command("runserver", addrport, use_threading=True)
                return
            server = subprocess.Popen([
                sys.executable, "-m", "gunicorn", "medcode.wsgi:application", "--bind", bind,
                "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread",
                "--access-logfile", "-", "--graceful-timeout", "30", "--timeout", "120",
                "--forwarded-allow-ips", os.environ.get("MEDCODE_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            ])
            self.stdout.write(f"medcode on http://{bind}/ (gunicorn, {workers} process(es) × {threads} threads)")
            self.stdout.flush()
            server.wait()
        finally:
            for child, grace in ((server, 30), (worker, 10)):
                if child is not None and child.poll() is None:
                    child.terminate()
                    try:
                        child.wait(timeout=grace)
                    except subprocess.TimeoutExpired:  # a request or task still running: do not leave it behind
                        child.kill()
