from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from medcode.codes import fiscal, lookup, systems
from medcode.codes.loaders import cpt
from medcode.codes.models import Code, Release


@require_safe
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


@require_safe
def system_index(request, system):
    code_system = systems.get(system)
    if code_system is None or code_system.slug != system:
        raise Http404("No such code set")
    return render(request, "codes/system.html", {
        "system": code_system,
        "cpt_words": _cpt_words() if code_system.key == systems.CPT else None,
        "roots": lookup.roots(code_system.key),
        "releases": Release.objects.filter(system=code_system.key).order_by("-effective_date"),
    })


def not_found(request, raw, system=None):
    suggestions = lookup.near(raw, system.key if system else None)
    return render(request, "codes/not_found.html", {
        "query": raw[:40], "system": system, "suggestions": suggestions,
        "newer": fiscal.not_held(raw, system.key if system else None, timezone.localdate()),
    }, status=404)


@require_safe
def go(request):
    """The code box: any written form of a code opens its page."""
    raw = request.GET.get("q", "").strip()[:100]
    if not raw:
        return redirect(reverse("codes:home"))
    found = lookup.find(raw, request.GET.get("system") or None)
    if found:
        return redirect(found.get_absolute_url())
    return not_found(request, raw)


def page_not_found(request, exception=None):
    return render(request, "codes/not_found.html", {"query": "", "suggestions": []}, status=404)


def _cpt_words():
    """How much of CPT medcode has words for, per category, from the catalogue as loaded."""
    rows = {}
    for code, extra, summary in Code.objects.filter(system=systems.CPT, kind=Code.Kind.CODE).values_list(
            "code", "extra", "summary"):
        row = rows.setdefault(cpt.category(code), {"codes": 0, "labelled": 0, "described": 0})
        row["codes"] += 1
        row["labelled"] += bool(extra.get("label"))
        row["described"] += bool(summary)
    return [{"category": name, **rows[name]} for name in ("Category I", "Category II", "Category III", "PLA", "MAAA")
            if name in rows]
