"""What /healthz reports: the database answers, the cache keeps a value, a worker looked at the queue
lately, and code data is loaded. A load balancer takes a node out while any check fails."""

import socket
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

from medcode.common.models import WorkerHeartbeat

HEARTBEAT_EVERY = 30  # seconds between a worker's heartbeats
HEARTBEAT_STALE = timedelta(seconds=HEARTBEAT_EVERY * 4)


@dataclass
class Health:
    checks: dict = field(default_factory=dict)  # name -> (ok, words)

    @property
    def ok(self):
        return all(ok for ok, _ in self.checks.values())


def beat(worker_id, now=None):
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={
        "host": socket.gethostname()[:255], "seen_at": now or timezone.now()})


def check(data_loaded, worker_expected=True, now=None):
    """data_loaded: a callable asking the catalogue (health knows no app above it)."""
    found = Health()
    now = now or timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        found.checks["database"] = (True, connection.vendor)
    except DatabaseError as exc:
        found.checks["database"] = (False, f"{connection.vendor}: {exc}"[:200])
        return found
    probe = f"healthz:{time.monotonic_ns()}"
    cache.set(probe, "1", 10)
    found.checks["cache"] = (cache.get(probe) == "1", cache.__class__.__name__)
    cache.delete(probe)
    if worker_expected:
        last = WorkerHeartbeat.objects.order_by("-seen_at").first()
        alive = last is not None and now - last.seen_at <= HEARTBEAT_STALE
        found.checks["worker"] = (alive, f"last seen {last.seen_at.isoformat()} on {last.host}" if last
                                  else "no worker has run")
    loaded = data_loaded()
    found.checks["data"] = (loaded, "code data loaded" if loaded else "no code data: run `medcode load-data`")
    return found
