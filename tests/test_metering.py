"""The metering rules, called without HTTP: plans, repeat views, windows, the address ceiling."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from medcode.accounts import metering
from medcode.accounts.metering import FREE, GUEST, SUBSCRIBER, Reader
from medcode.accounts.models import CodeView
from medcode.codes.models import Code

from tests.factories import make_user

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime(2026, 11, 23, 10, 30))


def at(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))


@pytest.fixture
def codes():
    """Ten real billable codes to open."""
    return list(Code.objects.filter(system="icd10cm", billable=True).order_by("code")[:10])


@pytest.fixture
def limits(settings):
    settings.MEDCODE_METER = {**settings.MEDCODE_METER, "GUEST_VIEWS": 1, "FREE_VIEWS": 5, "WINDOW": "month",
                              "GUEST_ADDRESS_DAILY_LIMIT": 3, "GUEST_ADDRESS_WINDOW_LIMIT": 5}
    return settings.MEDCODE_METER


def guest(visitor="visitor-1", address="address-1", user=None):
    return Reader(GUEST, user, visitor=visitor, address=address)


def test_a_guest_reads_one_page_then_is_locked(codes, limits):
    first = metering.open_page(guest(), codes[0], NOW)
    assert first.unlocked and first.remaining == 0 and first.next_step == "register"
    second = metering.open_page(guest(), codes[1], NOW)
    assert not second.unlocked and second.remaining == 0


def test_reopening_an_unlocked_page_costs_nothing(codes, limits):
    metering.open_page(guest(), codes[0], NOW)
    again = metering.open_page(guest(), codes[0], NOW)
    assert again.unlocked and again.repeat and not again.recorded
    assert CodeView.objects.count() == 1


def test_a_verified_free_account_reads_five_pages_then_must_upgrade(codes, limits):
    reader = Reader(FREE, make_user())
    opened = [metering.open_page(reader, code, NOW) for code in codes[:6]]
    assert [a.unlocked for a in opened] == [True] * 5 + [False]
    assert [a.remaining for a in opened] == [4, 3, 2, 1, 0, 0]
    assert opened[-1].next_step == "upgrade"
    assert metering.open_page(reader, codes[2], NOW).unlocked  # still open: already unlocked this month


def test_free_views_are_per_account_not_per_address(codes, limits):
    first, second = Reader(FREE, make_user("a@example.com")), Reader(FREE, make_user("b@example.com"))
    for code in codes[:5]:
        metering.open_page(first, code, NOW)
    assert metering.open_page(second, codes[0], NOW).unlocked


def test_a_page_unlocked_as_a_guest_stays_open_after_logging_in(codes, limits):
    metering.open_page(guest(visitor="v9"), codes[0], NOW)
    reader = Reader(FREE, make_user(), visitor="v9")
    access = metering.open_page(reader, codes[0], NOW)
    assert access.unlocked and access.repeat and access.remaining == 5


def test_an_unverified_account_reads_as_a_guest(codes, limits):
    user = make_user(verified=False)
    reader = Reader(GUEST, user, visitor="v2", address="address-2")
    assert metering.open_page(reader, codes[0], NOW).unlocked
    locked = metering.open_page(reader, codes[1], NOW)
    assert not locked.unlocked and locked.next_step == "verify"


def test_a_subscriber_is_never_metered(codes, limits):
    reader = Reader(SUBSCRIBER, make_user(subscriber=True))
    assert all(metering.open_page(reader, code, NOW).unlocked for code in codes)
    assert metering.open_page(reader, codes[0], NOW).remaining is None
    assert not CodeView.objects.exists()


def test_the_free_quota_resets_with_the_calendar_month(codes, limits):
    reader = Reader(FREE, make_user())
    for code in codes[:5]:
        metering.open_page(reader, code, at(2026, 11, 30, 23))
    assert not metering.open_page(reader, codes[5], at(2026, 11, 30, 23)).unlocked
    december = metering.open_page(reader, codes[5], at(2026, 12, 1, 0))
    assert december.unlocked and december.remaining == 4 and december.resets_on == date(2027, 1, 1)
    # A page unlocked in November is not free again in December: it costs a view.
    assert metering.open_page(reader, codes[0], at(2026, 12, 1)).remaining == 3


@pytest.mark.parametrize("window, day, start, reset", [
    ("month", date(2026, 2, 14), date(2026, 2, 1), date(2026, 3, 1)),
    ("month", date(2026, 12, 31), date(2026, 12, 1), date(2027, 1, 1)),
    ("week", date(2026, 11, 26), date(2026, 11, 23), date(2026, 11, 30)),
    ("day", date(2026, 11, 26), date(2026, 11, 26), date(2026, 11, 27)),
])
def test_window_bounds(window, day, start, reset):
    assert metering.window_bounds(day, window) == (start, reset)


def test_unknown_window_setting_is_a_clear_error():
    with pytest.raises(ValueError, match="month, week or day"):
        metering.window_bounds(NOW.date(), "fortnight")


def test_new_guests_from_one_address_hit_the_daily_ceiling(codes, limits):
    """Clearing cookies makes a new guest id, but the address pseudonym is the same."""
    opened = [metering.open_page(guest(visitor=f"fresh-{n}"), codes[n], NOW) for n in range(5)]
    assert [a.unlocked for a in opened] == [True, True, True, False, False]
    assert metering.open_page(guest(visitor="fresh-9", address="another-network"), codes[9], NOW).unlocked


def test_the_address_ceiling_holds_per_day_and_per_window(codes, limits):
    limits["GUEST_ADDRESS_DAILY_LIMIT"], limits["GUEST_ADDRESS_WINDOW_LIMIT"] = 2, 5
    unlocked = []
    for day in (2, 3, 4):
        unlocked.append([metering.open_page(guest(visitor=f"d{day}-{n}"), codes[n], at(2026, 11, day)).unlocked
                         for n in range(3)])
    assert unlocked == [[True, True, False], [True, True, False], [True, False, False]]
    # A new window is a new pseudonym: the address starts afresh in December.
    december = guest(visitor="dec", address="address-1-december")
    assert metering.open_page(december, codes[0], at(2026, 12, 1)).unlocked


def test_a_deleted_accounts_views_still_count_when_its_email_registers_again(codes, limits):
    user = make_user("coder@example.com")
    for code in codes[:5]:
        metering.open_page(Reader(FREE, user), code, NOW)
    metering.forget_account(user, NOW.date())
    user.delete()
    assert not CodeView.objects.filter(user__isnull=False).exists()
    again = Reader(FREE, make_user("Coder@Example.com"))
    assert not metering.open_page(again, codes[6], NOW).unlocked
    assert metering.open_page(again, codes[6], at(2026, 12, 1)).unlocked


def test_another_accounts_unlocks_do_not_open_pages_for_me(codes, limits):
    metering.open_page(Reader(FREE, make_user("a@example.com"), visitor="shared"), codes[0], NOW)
    mine = Reader(FREE, make_user("b@example.com"), visitor="shared")
    access = metering.open_page(mine, codes[0], NOW)
    assert not access.repeat and access.remaining == 4


def test_status_reports_the_counter_without_spending_a_view(codes, limits):
    reader = Reader(FREE, make_user())
    metering.open_page(reader, codes[0], NOW)
    assert metering.status(reader, NOW).remaining == 4
    assert metering.status(reader, NOW).remaining == 4
    assert CodeView.objects.count() == 1


def test_limits_come_from_settings(codes, settings):
    settings.MEDCODE_METER = {**settings.MEDCODE_METER, "FREE_VIEWS": 2}
    reader = Reader(FREE, make_user())
    assert [metering.open_page(reader, c, NOW).unlocked for c in codes[:3]] == [True, True, False]
