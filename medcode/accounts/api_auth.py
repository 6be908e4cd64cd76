"""Who calls the JSON API, and how often they may.

A request with `Authorization: Bearer TOKEN` acts as the token's account
(subscribers create tokens); without one it is read like the web site would
read it: a logged-in session's plan, or a guest. Every caller is rate limited:
per token, or per client address.
"""

from django.conf import settings
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from medcode.accounts import clients, metering, ratelimit
from medcode.accounts.models import ApiToken

MINUTE = 60
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class RateLimited(HttpError):
    def __init__(self, limit, retry_after, message=None):
        super().__init__(429, message or f"rate limit of {limit} requests a minute reached; retry in {retry_after} s")
        self.retry_after = retry_after


class ApiReader(HttpBearer):
    """Ninja security scheme: resolves every request to a metering Reader (never refuses a guest)."""

    openapi_description = "Optional: an API token from your account page. Without it requests are metered as a guest."

    def __call__(self, request):
        if "Authorization" not in request.headers:
            # A session cookie would let another site post in the reader's name (spending their views
            # and questions): a write with the cookie needs the CSRF token, or an API token instead.
            if request.method not in SAFE_METHODS and settings.SESSION_COOKIE_NAME in request.COOKIES \
                    and check_csrf(request) is not None:
                raise HttpError(403, "CSRF check failed: send the X-CSRFToken header, or use an API token")
            _throttle(f"api-address:{clients.throttle_key(request)}",
                      settings.MEDCODE_API_RATE_PER_ADDRESS)
            return metering.reader_for(request)
        reader = super().__call__(request)
        if reader is None:
            raise HttpError(401, "Authorization must be 'Bearer TOKEN'")
        return reader

    def authenticate(self, request, token):
        found = ApiToken.objects.live().select_related("user").filter(digest=ApiToken.digest_of(token)).first()
        if found is None or not found.user.is_active:
            raise HttpError(401, "unknown or revoked API token")
        _throttle(f"api-token:{found.pk}", settings.MEDCODE_API_RATE_PER_TOKEN)
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return metering.reader_for(request)


def _throttle(key, limit):
    allowed, retry_after = ratelimit.hit(key, limit, MINUTE)
    if not allowed:
        raise RateLimited(limit, retry_after)
