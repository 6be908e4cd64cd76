"""Response headers for what depends on the reader."""

import functools

from django.utils.cache import patch_cache_control, patch_vary_headers


def mark_private(response, *, api=False):
    """What this response holds depends on who asks (plan, views left, their own data): no shared
    cache may keep it, and a browser must ask again. API answers also vary by token."""
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie", "Authorization"] if api else ["Cookie"])
    return response


def private(view):
    """View decorator: mark_private on whatever the view returns."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        return mark_private(view(request, *args, **kwargs))

    return wrapped
