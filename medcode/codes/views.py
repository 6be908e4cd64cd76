from datetime import date

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_GET

from medcode.accounts import metering
from medcode.codes import lookup, page, systems
from medcode.codes.models import Code, Release
from medcode.reference import sections as reference_sections

CHILDREN_PER_PAGE = 200


@require_GET
def home(request):
    counts = {
        row["system"]: row["n"]
        for row in Code.objects.filter(kind=Code.Kind.CODE).values("system").annotate(n=Count("id"))
    }
    releases = {}
    for release in Release.objects.order_by("effective_date"):
        releases[release.system] = release
    sets = [
        {"system": systems.SYSTEMS[key], "count": counts.get(key, 0), "release": releases.get(key)}
        for key in systems.ORDER
    ]
    return render(request, "codes/home.html", {"sets": sets})


@require_GET
def system_index(request, system):
    code_system = systems.get(system)
    if code_system is None or code_system.slug != system:
        raise Http404("No such code set")
    return render(request, "codes/system.html", {
        "system": code_system,
        "roots": lookup.roots(code_system.key),
        "releases": Release.objects.filter(system=code_system.key).order_by("-effective_date"),
    })


def _not_found(request, raw, system=None):
    suggestions = lookup.near(raw, system.key if system else None)
    return render(request, "codes/not_found.html", {
        "query": raw[:40], "system": system, "suggestions": suggestions,
    }, status=404)


@require_GET
def code_page(request, system, code):
    code_system = systems.get(system)
    if code_system is None:
        raise Http404("No such code set")
    found = lookup.find(code, code_system.key)
    if found is None:
        return _not_found(request, code, code_system)
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
    response = render(request, "codes/code.html", {
        "page": built, "code": found, "children": children, "service_date": day, "access": access,
    })
    # What a code page shows depends on who reads it: no shared cache may keep it.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def _service_date(request):
    try:
        return date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return date.today()


@require_GET
def go(request):
    """The code box: any written form of a code opens its page."""
    raw = request.GET.get("q", "").strip()[:100]
    if not raw:
        return redirect(reverse("codes:home"))
    found = lookup.find(raw, request.GET.get("system") or None)
    if found:
        return redirect(found.get_absolute_url())
    return _not_found(request, raw)


def page_not_found(request, exception=None):
    return render(request, "codes/not_found.html", {"query": "", "suggestions": []}, status=404)
