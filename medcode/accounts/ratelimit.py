"""Fixed-window counters in the database, shared by every server process."""

import time

from django.db import connection, transaction

from medcode.accounts.models import RateBucket


def hit(key, limit, period_seconds, now=None):
    """Count one hit on key; return (allowed, seconds until the window resets)."""
    now = time.time() if now is None else now
    window = int(now // period_seconds)
    ends = (window + 1) * period_seconds
    table = connection.ops.quote_name(RateBucket._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        # One statement, atomic on both SQLite and PostgreSQL, however many workers hit it.
        cursor.execute(
            f"INSERT INTO {table} (bucket_key, window_no, hits, expires_at) VALUES (%s, %s, 1, %s) "
            f"ON CONFLICT (bucket_key, window_no) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [f"{key}|{period_seconds}"[:120], window, int(ends)],
        )
        hits = cursor.fetchone()[0]
    return hits <= limit, max(1, int(ends - now))


def prune(now=None):
    """Delete counters whose window has ended; returns how many."""
    now = time.time() if now is None else now
    deleted, _ = RateBucket.objects.filter(expires_at__lt=int(now)).delete()
    return deleted
