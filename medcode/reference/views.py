from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe, require_http_methods

from medcode.accounts import metering
from medcode.common.http import private
from medcode.reference import changes, claims, coverage, freshness, metered, modifiers, payment
from medcode.reference.forms import ClaimCheckForm, FeeForm
from medcode.reference.models import DataRelease


@require_safe
def data_status(request):
    return render(request, "reference/status.html", {"rows": freshness.overview()})


@require_safe
def modifier_list(request):
    return render(request, "reference/modifiers.html", {"modifiers": modifiers.catalogue()})


@require_safe
def modifier_page(request, code):
    if len(code) != 2:
        raise Http404("No such modifier")
    entry, row = modifiers.find(code)
    if entry is None and row is None:
        raise Http404("No such modifier")
    return render(request, "reference/modifier.html", {"code": code.upper(), "entry": entry, "row": row})


@require_safe
def coverage_search(request):
    query = request.GET.get("q", "").strip()[:100]
    index, codes = coverage.releases()
    return render(request, "reference/coverage.html", {
        "query": query, "documents": coverage.search(query) if query else [], "index": index, "codes_release": codes,
    })


@require_http_methods(["GET", "HEAD", "POST"])
@private  # what a tool shows depends on who runs it and their allowance
def claim_check(request):
    form = ClaimCheckForm(request.POST or None)
    result = access = None
    if request.method == "POST" and form.is_valid():
        access = metering.run_tool(request, "claim-check", claims.known_codes(form.cleaned_data["parsed"]))
        if access.unlocked:
            data = form.cleaned_data
            result = claims.check(data["parsed"], setting=data["setting"], day=data["date"])
    return render(request, "reference/claim_check.html", {"form": form, "result": result, "access": access})


@require_http_methods(["GET", "HEAD", "POST"])
@private  # what a tool shows depends on who runs it and their allowance
def fee_calculator(request):
    # A GET only fills the form (links from code pages): a calculation uses a view, so it needs a submit.
    prefill = {key: request.GET[key][:400] for key in ("codes", "locality", "facility") if key in request.GET}
    form = FeeForm(request.POST) if request.method == "POST" else FeeForm(initial=prefill)
    quotes = access = None
    if form.is_bound and form.is_valid():
        access = metering.run_tool(request, "fees", claims.known_codes(form.cleaned_data["lines"]))
        if access.unlocked:
            data = form.cleaned_data
            quotes = payment.quote_claim(
                [(line.code, line.modifiers) for line in data["lines"]], day=data["date"],
                locality=data["locality_row"], facility=data.get("facility") == "1",
            )
    total = sum(q.amount for q in quotes if q.payable) if quotes else None
    return render(request, "reference/fees.html", {"form": form, "quotes": quotes, "total": total, "access": access})


@require_safe
@private  # what a tool shows depends on who runs it and their allowance
def release_changes(request):
    kind = request.GET.get("kind", "")
    releases = list(DataRelease.objects.filter(kind=kind).order_by("effective_date")) if kind in changes.SPECS else []
    by_label = {r.label: r for r in releases}
    old, new = by_label.get(request.GET.get("from", "")), by_label.get(request.GET.get("to", ""))
    if releases and (old is None or new is None) and len(releases) >= 2:
        old, new = old or releases[-2], new or releases[-1]
    code = "".join(ch for ch in request.GET.get("code", "")[:8].upper() if ch.isalnum())
    comparison = error = access = None
    if old and new:
        try:
            comparison = changes.compare(old, new, code=code)
        except changes.CannotCompare as exc:
            error = str(exc)
    listed, access = metered.may_list(request, code) if comparison else (False, None)
    kinds = [(k, DataRelease.Kind(k).label) for k in changes.COMPARABLE]
    return render(request, "reference/changes.html", {
        "kinds": kinds, "kind": kind, "releases": releases, "old": old, "new": new, "code": code,
        "comparison": comparison, "error": error, "listed": listed, "access": access,
    })
