"""Fixed-window counters in the database, shared by every server process."""

import time

from django.db import connection, transaction

from medcode.accounts.models import RateBucket


def _now():
    return time.time()


def _key(key, period_seconds):
    return f"{key}|{period_seconds}"[:120]


def hit(key, limit, period_seconds, now=None):
    """Count one hit on key; return (allowed, seconds until the window resets)."""
    now = _now() if now is None else now
    window = int(now // period_seconds)
    ends = (window + 1) * period_seconds
    table = connection.ops.quote_name(RateBucket._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # One statement, atomic on both SQLite and PostgreSQL, however many workers hit it.
        cursor.execute(
            f"INSERT INTO {table} (bucket_key, window_no, hits, expires_at) VALUES (%s, %s, 1, %s) "
            f"ON CONFLICT (bucket_key, window_no) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [_key(key, period_seconds), window, int(ends)],
        )
        hits = cursor.fetchone()[0]
    return hits <= limit, max(1, int(ends - now))


def count(key, period_seconds, now=None):
    """Hits on key in the current window, without adding one."""
    now = _now() if now is None else now
    bucket = RateBucket.objects.filter(bucket_key=_key(key, period_seconds), window_no=int(now // period_seconds))
    return bucket.values_list("hits", flat=True).first() or 0


def prune(now=None):
    """Delete counters whose window has ended; returns how many."""
    now = _now() if now is None else now
    deleted, _ = RateBucket.objects.filter(expires_at__lt=int(now)).delete()
    return deleted
