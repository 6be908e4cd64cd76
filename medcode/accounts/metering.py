"""Who may read a code page's reference sections, and the counter they see.

A guest reads GUEST_VIEWS code pages per window, a verified free account
FREE_VIEWS, a subscriber any number. Re-opening a page unlocked in the same
window costs nothing. Guests are recognised by a random id in their session;
because clearing cookies (or sending none) makes a new guest, guest views are
also capped per client address, per day and per window, by a keyed pseudonym
of the address (clients.py). An account whose email is not verified yet reads
as a guest. Deleting an account keeps its views of the current window under a
keyed pseudonym of its email, so re-registering does not refill the quota.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

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
    address: str = ""  # the client address's pseudonym for this window
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
    needed: int = 0  # a refused tool run: the views it would have taken (codes not open yet)

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
    user = request.user if request.user.is_authenticated else None
    visitor = request.session.get(VISITOR_SESSION_KEY, "")
    if user is not None:
        subscription = user.active_subscription(today)
        if subscription:
            return Reader(SUBSCRIBER, user, until=subscription.until)
        if user.is_verified:
            return Reader(FREE, user, visitor=visitor)
    address = clients.address_key(request, window_bounds(today)[0])
    if not visitor:
        return Reader(GUEST, user, visitor=secrets.token_hex(16), address=address, visitor_is_new=True)
    return Reader(GUEST, user, visitor=visitor, address=address)


def email_key(email):
    """Pseudonym under which a deleted account's views of the window are kept."""
    return "e" + clients.keyed_digest("email", email.strip().lower()).hex()[:31]


def forget_account(user, today=None):
    """Before an account is deleted: keep this window's views only as an email pseudonym."""
    start, _ = window_bounds(today or timezone.localdate())
    CodeView.objects.filter(user=user, window__gte=start).update(user=None, visitor=email_key(user.email), address="")


def open_for_request(request, code, reader=None):
    """Open code for the reader behind request (page or API); None for group entries, which are not metered."""
    if code.is_group:
        return None
    return _remember_visitor(request, open_page(reader or reader_for(request), code))


def status(reader, now=None):
    """The counter as it stands, without opening a page."""
    return _decide(reader, None, now or timezone.now(), record=False)


def run_tool(request, tool, codes, reader=None):
    """Let the reader behind request run a tool (claim check, fee calculator) over codes. A run shows
    each code's metered facts (edits, units, fees), so it costs what opening those codes' pages would:
    a view for each code not open yet this window, nothing for those already open; all or nothing."""
    return _remember_visitor(request, _decide(reader or reader_for(request), list(codes), timezone.now(),
                                              record=True, tool=tool))


def _remember_visitor(request, access):
    if access.recorded and access.reader.visitor_is_new:
        request.session[VISITOR_SESSION_KEY] = access.reader.visitor  # the new guest keeps what it unlocked
    return access


def open_page(reader, code, now=None):
    """Open a code page for reader: unlock it if a view is left, and count it."""
    return _decide(reader, [code], now or timezone.now(), record=True)


def _decide(reader, codes, now, record, tool=""):
    """codes: None for the counter alone; else the codes to open together (a page: one; a tool: its codes)."""
    if reader.plan == SUBSCRIBER:
        return Access(reader, True, None, None)
    today = timezone.localdate(now)
    start, next_start = window_bounds(today)
    guest = reader.plan == GUEST
    limit = limits()["GUEST_VIEWS" if guest else "FREE_VIEWS"]
    if guest:
        owner = Q(visitor=reader.visitor, user__isnull=True)
    else:
        owner = Q(user=reader.user) | Q(visitor=email_key(reader.user.email), user__isnull=True)
    with transaction.atomic():
        _serialize(_lock_keys(reader) if record else [])
        in_window = CodeView.objects.filter(window=start)
        wanted = list({code.pk: code for code in codes or [] if not code.is_group}.values())
        opened = set()
        if wanted:
            # A page unlocked as a guest in this session stays open after logging in.
            seen = owner | Q(visitor=reader.visitor, user__isnull=True) if reader.visitor else owner
            opened = set(in_window.filter(seen, code__in=wanted).values_list("code_id", flat=True))
        new = [code for code in wanted if code.pk not in opened]
        mine = in_window.filter(owner)
        used = mine.filter(code__isnull=False).values("code").distinct().count() + mine.filter(code__isnull=True).count()
        remaining = max(0, limit - used)
        if guest:
            remaining = min(remaining, _address_allowance(reader.address, today))
        if codes is None or (wanted and not new) or (not wanted and not tool):
            repeat = bool(wanted) and not new
            return Access(reader, repeat, limit, remaining, next_start, repeat=repeat)
        if len(new) > remaining:
            return Access(reader, False, limit, remaining, next_start, needed=len(new))
        if record:
            CodeView.objects.bulk_create([CodeView(
                user=None if guest else reader.user, visitor=reader.visitor,
                address=reader.address if guest else "", code=code, tool=tool, window=start, viewed_at=now,
            ) for code in new])
        return Access(reader, True, limit, remaining - len(new), next_start, recorded=record and bool(new))


def _address_allowance(address, today):
    """Guest views the client's address may still unlock: per day and per window."""
    here = CodeView.objects.filter(address=address, user__isnull=True)  # the pseudonym is per window
    today_start = timezone.make_aware(datetime.combine(today, time.min))
    today_views = here.filter(viewed_at__gte=today_start, viewed_at__lt=today_start + timedelta(days=1))
    return max(0, min(
        limits()["GUEST_ADDRESS_DAILY_LIMIT"] - today_views.count(),
        limits()["GUEST_ADDRESS_WINDOW_LIMIT"] - here.count(),
    ))


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
