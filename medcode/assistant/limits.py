"""Questions per day by plan. A guest is counted by session and by network, so clearing
cookies does not buy more questions (the same way code-page metering resists it)."""

from django.conf import settings

from medcode.accounts import clients, ratelimit

DAY = 24 * 60 * 60


def daily_limit(reader):
    return settings.MEDCODE_ASSISTANT_DAILY[reader.plan]


def take(request, reader):
    """(allowed, retry after seconds, questions left today) and count this question."""
    limit = daily_limit(reader)
    if reader.user is not None and reader.plan != "guest":
        keys = [f"ask-user:{reader.user.pk}"]
    else:
        if not request.session.session_key:
            request.session.save()
        keys = [f"ask-visitor:{request.session.session_key}", f"ask-address:{clients.throttle_key(request)}"]
    allowed, retry_after = True, 0
    for key in keys:
        ok, wait = ratelimit.hit(key, limit, DAY)
        if not ok:
            allowed, retry_after = False, max(retry_after, wait)
    used = max(ratelimit.count(key, DAY) for key in keys)
    return allowed, retry_after, max(limit - used, 0)
