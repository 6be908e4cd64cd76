from datetime import date

from django.core.paginator import Paginator
from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from medcode.accounts import metering
from medcode.codes import lookup, systems
from medcode.codes.models import Code
from medcode.codes.views import not_found
from medcode.common import health
from medcode.common.http import private
from medcode.reference import sections as reference_sections
from medcode.site import page

CHILDREN_PER_PAGE = 200


@require_safe
@private  # what a code page shows depends on who reads it: no shared cache may keep it
def code_page(request, system, code):
    code_system = systems.get(system)
    if code_system is None:
        raise Http404("No such code set")
    found = lookup.find(code, code_system.key)
    if found is None:
        return not_found(request, code, code_system)
    canonical = found.get_absolute_url()
    if request.path != canonical:
        query = request.GET.urlencode()
        return redirect(f"{canonical}?{query}" if query else canonical, permanent=True)
    day = _service_date(request)
    access = metering.open_for_request(request, found)
    built = page.build(found, on=day, children_limit=0, locked=access is not None and not access.unlocked,
                       options=reference_sections.Options.from_query(request.GET))
    children = None  # most codes are leaves: no second count query for them
    if built.child_count:
        paginator = Paginator(lookup.children(found), CHILDREN_PER_PAGE)
        paginator.count = built.child_count  # page.build counted them already
        children = paginator.get_page(request.GET.get("page"))
    return render(request, "site/code.html", {
        "page": built, "code": found, "children": children, "service_date": day, "access": access,
    })


def api_not_found(request):
    return JsonResponse({"detail": "no API endpoint at this address: see /api/docs"}, status=404)


def _service_date(request):
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return date.today()


@require_safe
def healthz(request):
    """200 when this node can serve: database, cache, a live worker (with the database task queue), code data;
    503 naming what failed otherwise. No reader data: safe to expose to a load balancer."""
    worker_expected = "django_tasks_db" in settings.TASKS["default"]["BACKEND"]
    found = health.check(lambda: Code.objects.exists(), worker_expected)
    response = JsonResponse({"status": "ok" if found.ok else "failing",
                             "checks": {name: {"ok": ok, "detail": detail} for name, (ok, detail) in found.checks.items()}},
                            status=200 if found.ok else 503)
    response["Cache-Control"] = "no-store"
    return response
