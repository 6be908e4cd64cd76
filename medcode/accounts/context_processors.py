from django.conf import settings


def limits(request):
    """The plan limits that page texts quote ("Register free account to get 5 more views")."""
    return {
        "free_views": settings.MEDCODE_METER["FREE_VIEWS"],
        "guest_views": settings.MEDCODE_METER["GUEST_VIEWS"],
        "meter_window": settings.MEDCODE_METER["WINDOW"],
        "login_cooloff_minutes": round(settings.AXES_COOLOFF_TIME * 60),
    }
