"""Who may read a code page's reference sections, and the counter they see.

A guest reads GUEST_VIEWS code pages per window, a verified free account
FREE_VIEWS, a subscriber any number. Re-opening a page unlocked in the same
window costs nothing. Guests are recognised by a random id in their session;
because clearing cookies makes a new guest, guest views are also capped per
client address per day (by keyed hash, see clients.py). An account whose
email is not verified yet reads as a guest.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from medcode.accounts import clients
from medcode.accounts.models import CodeView

GUEST, FREE, SUBSCRIBER = "guest", "free", "subscriber"
VISITOR_SESSION_KEY = "medcode_visitor"


@dataclass(frozen=True)
class Reader:
    plan: str
    user: object = None
    visitor: str = ""  # the guest id; new (not yet in the session) when visitor_is_new
    address: str = ""  # today's pseudonym of the client address
    visitor_is_new: bool = False
    until: date | None = None  # a subscriber's paid-through date

    @property
    def next_step(self):
        if self.plan == GUEST:
            return "verify" if self.user else "register"
        return "upgrade" if self.plan == FREE else None


@dataclass(frozen=True)
class Access:
    reader: Reader
    unlocked: bool
    limit: int | None  # None: not metered
    remaining: int | None
    resets_on: date | None = None
    repeat: bool = False  # this page was already unlocked in the window
    recorded: bool = False  # this request used up a view

    @property
    def plan(self):
        return self.reader.plan

    @property
    def next_step(self):
        return self.reader.next_step


def limits():
    return settings.MEDCODE_METER


def window_bounds(day, kind=None):
    """(first day, first day of the next window) of the metering window holding day."""
    kind = kind or limits()["WINDOW"]
    if kind == "day":
        return day, day + timedelta(days=1)
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    if kind != "month":
        raise ValueError(f"MEDCODE_METER_WINDOW must be month, week or day, not {kind!r}")
    start = day.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


def reader_for(request, today=None):
    """The reader behind a request: plan, guest id and address pseudonym."""
    today = today or timezone.localdate()
    address = clients.address_key(request, today)
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        subscription = user.active_subscription(today)
        if subscription:
            return Reader(SUBSCRIBER, user, until=subscription.until)
        if user.is_verified:
            return Reader(FREE, user, visitor=_session_visitor(request) or "", address=address)
    visitor = _session_visitor(request)
    if visitor is None:
        # No session (an API client): the address is the only identity there is.
        return Reader(GUEST, user, visitor="a" + address[:31], address=address)
    if not visitor:
        return Reader(GUEST, user, visitor=secrets.token_hex(16), address=address, visitor_is_new=True)
    return Reader(GUEST, user, visitor=visitor, address=address)


def _session_visitor(request):
    session = getattr(request, "session", None)
    if session is None:
        return None
    return session.get(VISITOR_SESSION_KEY, "")


def remember_visitor(request, access):
    """Keep a new guest's id in the session once it has unlocked something."""
    if access.recorded and access.reader.visitor_is_new and hasattr(request, "session"):
        request.session[VISITOR_SESSION_KEY] = access.reader.visitor


def status(reader, today=None):
    """The counter as it stands, without opening a page."""
    return _decide(reader, None, today or timezone.localdate(), record=False)


def open_page(reader, code, today=None):
    """Open a code page for reader: unlock it if a view is left, and count it."""
    return _decide(reader, code, today or timezone.localdate(), record=True)


def _decide(reader, code, today, record):
    if reader.plan == SUBSCRIBER:
        return Access(reader, True, None, None)
    start, next_start = window_bounds(today)
    guest = reader.plan == GUEST
    limit = limits()["GUEST_VIEWS" if guest else "FREE_VIEWS"]
    owner = Q(visitor=reader.visitor, user__isnull=True) if guest else Q(user=reader.user)
    with transaction.atomic():
        _serialize(_lock_keys(reader) if record else [])
        in_window = CodeView.objects.filter(window=start)
        if code is not None:
            seen = owner | Q(visitor=reader.visitor) if reader.visitor else owner
            repeat = in_window.filter(seen, code=code).exists()
        else:
            repeat = False
        used = in_window.filter(owner).values("code").distinct().count()
        remaining = max(0, limit - used)
        if guest:
            ceiling = limits()["GUEST_ADDRESS_DAILY_LIMIT"]
            # The pseudonym changes daily, so matching it counts today's views only.
            used_here = CodeView.objects.filter(address=reader.address, user__isnull=True).count()
            remaining = min(remaining, max(0, ceiling - used_here))
        if code is None or repeat:
            return Access(reader, repeat, limit, remaining, next_start, repeat=repeat)
        if remaining <= 0:
            return Access(reader, False, limit, 0, next_start)
        if record:
            CodeView.objects.create(
                user=None if guest else reader.user, visitor=reader.visitor,
                address=reader.address if guest else "", code=code, window=start,
            )
        return Access(reader, True, limit, remaining - 1, next_start, recorded=record)


def _lock_keys(reader):
    if reader.plan == GUEST:
        return [f"visitor:{reader.visitor}", f"address:{reader.address}"]
    return [f"user:{reader.user.pk}"]


def _serialize(keys):
    """Make concurrent opens by one reader take turns, so parallel requests cannot overspend.

    SQLite needs nothing: medcode opens its transactions IMMEDIATE, which
    already serialises writers. PostgreSQL takes transaction-scoped advisory locks.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(keys):
            number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])
