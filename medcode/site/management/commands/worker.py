"""medcode worker: runs queued background work (mail, notifications) and starts the periodic jobs
the apps registered (medcode.common.schedule): CaseConsultant's overdue digest, CareerCenter's job alerts."""

import os
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker

from medcode.common import health, schedule


class Command(BaseCommand):
    help = "Run queued background work (the database task backend) until stopped; --once empties the queue and exits."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is due now, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at the queue")
        parser.add_argument("--parent", type=int, help="stop when this process (medcode serve) is gone")

    def handle(self, once=False, interval=1.0, parent=None, **options):
        backend = settings.TASKS[DEFAULT_TASK_BACKEND_ALIAS]["BACKEND"]
        if "django_tasks_db" not in backend:
            self.stderr.write(f"The task backend is {backend}: it runs tasks itself, no worker is needed.")
            return
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        worker_id = get_random_string(32)
        last_beat = 0.0
        while self.running and (parent is None or os.getppid() == parent):
            close_old_connections()
            try:
                if time.monotonic() - last_beat >= health.HEARTBEAT_EVERY:
                    health.beat(worker_id)  # /healthz: a worker is alive
                    last_beat = time.monotonic()
                schedule.enqueue_due()
                Worker(queue_names=["*"], interval=0, batch=True, backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                       startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[]).run()
            except DatabaseError as exc:
                # A busy or restarting database (SQLite locked by a long write, PostgreSQL failing
                # over) must not end the worker: queued mail would wait for a restart nobody does.
                self.stderr.write(f"medcode worker: database unavailable ({exc}); trying again")
                if once:
                    raise
            if once:
                return
            time.sleep(interval)

    def _stop(self, signum, frame):
        self.running = False
