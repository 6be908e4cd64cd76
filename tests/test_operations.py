"""Running medcode: /healthz for load balancers, the worker's heartbeat, `medcode serve`'s warnings."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from medcode.common import health
from medcode.common.models import WorkerHeartbeat
from medcode.site.management.commands.serve import deploy_warnings

pytestmark = pytest.mark.django_db


def test_healthz_fails_without_a_live_worker_and_passes_with_one(client, settings, monkeypatch):
    from django_tasks_db.management.commands import db_worker

    from medcode.site.management.commands import worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # as `medcode serve` runs
    for module in (db_worker, worker):  # the worker would close this test's transaction
        monkeypatch.setattr(module, "close_old_connections", lambda: None)
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503 and body["status"] == "failing"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"] and body["checks"]["data"]["ok"]
    assert body["checks"]["worker"] == {"ok": False, "detail": "no worker has run"}
    call_command("worker", "--once")  # a pass of the worker beats
    assert client.get("/healthz").status_code == 200
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - health.HEARTBEAT_STALE - timedelta(seconds=1))
    assert client.get("/healthz").json()["checks"]["worker"]["ok"] is False


def test_serve_warns_about_unsafe_or_broken_settings(settings, monkeypatch):
    monkeypatch.delenv("MEDCODE_SECRET_KEY", raising=False)
    postgres = "django.db.backends.postgresql"
    assert any("MEDCODE_SECRET_KEY" in w for w in deploy_warnings("127.0.0.1:8000", engine=postgres))
    monkeypatch.setenv("MEDCODE_SECRET_KEY", "one key for every node")
    assert deploy_warnings("127.0.0.1:8000", engine=postgres) == []
    assert deploy_warnings("127.0.0.1:8000") == []
    settings.DEBUG = True
    assert any("MEDCODE_DEBUG is on" in w for w in deploy_warnings("127.0.0.1:8000"))
    assert deploy_warnings("127.0.0.1:8000", dev=True) == []
    settings.DEBUG = False
    assert any("MEDCODE_ALLOWED_HOSTS" in w for w in deploy_warnings("0.0.0.0:8000"))
    settings.ALLOWED_HOSTS = ["codes.example.org"]
    assert deploy_warnings("0.0.0.0:8000") == []
