"""Who is asking, without keeping who they are.

Metering and throttles need to recognise a client address across requests,
but medcode stores no raw address: only keyed hashes (HMAC with a key derived
from SECRET_KEY) that cannot be reversed without the key.
"""

import hashlib
import hmac
import ipaddress

from django.conf import settings


def client_address(request):
    """The client's address: REMOTE_ADDR, or the hop a trusted proxy recorded."""
    address = request.META.get("REMOTE_ADDR", "") or ""
    hops = settings.MEDCODE_TRUSTED_PROXIES
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return address


def _network(address):
    """An IPv6 client usually holds a whole /64, so that is what identifies it."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)


def keyed_digest(purpose, value):
    """HMAC-SHA256 of value under a key derived from SECRET_KEY and purpose."""
    key = hashlib.sha256(f"medcode.clients.{purpose}|{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).digest()


def address_key(request, period):
    """Pseudonym of the client's network within one metering window (period: its first day).

    Metering keeps these for the window; a fresh salt per window means
    pseudonyms cannot be linked from one window to the next.
    """
    return keyed_digest("window", f"{period.isoformat()}|{_network(client_address(request))}").hex()[:32]


def throttle_key(request):
    """Pseudonym of the client's network for rate-limit counters, which expire within a day."""
    return keyed_digest("throttle", _network(client_address(request))).hex()[:32]


def pseudonymous_address(request):
    """A stable pseudonym shaped like an address, for django-axes' IP field.

    Axes keeps failed log-ins by address in a GenericIPAddressField; handing it
    a unique-local IPv6 address made of a keyed hash keeps lockouts working
    while the table never holds a real address.
    """
    digest = keyed_digest("axes", _network(client_address(request)))
    return str(ipaddress.IPv6Address(b"\xfd" + digest[:15]))


def login_name(request, credentials):
    """The account a log-in attempt is for, as django-axes should count it: emails ignore case."""
    source = credentials if credentials is not None else request.POST
    return (source.get("username") or "").strip().lower()
