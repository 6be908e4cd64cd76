from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from medcode.accounts import metering
from medcode.codes import systems
from medcode.common.http import private
from medcode.inpatient import drgs, grouper, versions, whatif
from medcode.inpatient.forms import StayForm
from medcode.inpatient.models import PrincipalGrouping

PRINCIPALS_SHOWN = 200  # principal diagnoses listed on a DRG page


@require_http_methods(["GET", "HEAD", "POST"])
@private  # what a tool shows depends on who runs it and their allowance
def grouper_page(request):
    if request.method == "POST":
        form = StayForm(request.POST)
    else:  # a link from a code page may fill in a code
        form = StayForm(initial={key: request.GET[key][:40] for key in ("principal", "procedures") if key in request.GET})
    grouping = access = None
    checks = []
    if request.method == "POST" and form.is_valid():
        stay = form.cleaned_data["stay"]
        access = metering.run_tool(request, "drg-grouper", grouper.codes_shown(stay))
        if access.unlocked:
            grouping = grouper.group(stay, form.cleaned_data.get("version"))
            checks = whatif.what_ifs(stay, grouping)
    return render(request, "inpatient/grouper.html", {"form": form, "grouping": grouping, "what_ifs": checks,
                                                      "access": access})


@require_safe
def drg_list(request):
    version = versions.NEWEST
    by_mdc = {}
    rows = PrincipalGrouping.objects.filter(version=version.number, mdc__isnull=False)
    known = {}  # DRG -> the MDC of a principal diagnosis that reaches it alone, with a CC or with an MCC
    for column in ("with_mcc", "with_cc", "alone"):
        known.update(rows.exclude(**{column: None}).values_list(column, "mdc").distinct())
    for number in drgs.numbers(version):
        by_mdc.setdefault(known.get(number), []).append((number, drgs.drg_title(number, version)))
    mdcs = [(mdc, title, by_mdc.get(mdc, [])) for mdc, title in drgs.mdcs(version) if by_mdc.get(mdc)]
    return render(request, "inpatient/drg_list.html", {"version": version, "mdcs": mdcs,
                                                       "other": by_mdc.get(None, [])})


@require_safe
@private  # the principal diagnoses listed are metered grouper facts: subscribers see them
def drg_page(request, number):
    history = drgs.history(number)
    if not history:
        raise Http404(f"No MS-DRG {number} in the versions medcode holds")
    version = versions.NEWEST if drgs.drg_title(number) else history[-1].last
    rows = PrincipalGrouping.objects.filter(version=version.number)
    reached = {"alone": rows.filter(alone=number), "with a CC": rows.filter(with_cc=number),
               "with an MCC": rows.filter(with_mcc=number)}
    counts = {label: qs.count() for label, qs in reached.items()}
    mdc = next((qs.values_list("mdc", flat=True).first() for qs in reached.values() if qs.exists()), None)
    subscriber = metering.reader_for(request).plan == metering.SUBSCRIBER
    principals = []
    if subscriber:
        seen = set()
        for label, qs in reached.items():
            for code in qs.order_by("code").values_list("code", flat=True)[:PRINCIPALS_SHOWN]:
                if code not in seen and len(principals) < PRINCIPALS_SHOWN:
                    seen.add(code)
                    principals.append((systems.display(systems.ICD10CM, code), label))
    return render(request, "inpatient/drg.html", {
        "number": number, "title": drgs.drg_title(number, version), "version": version, "history": history,
        "family": drgs.family(number, version), "mdc": mdc, "mdc_title": drgs.mdc_title(mdc, version) if mdc is not None else "",
        "counts": counts, "total": sum(counts.values()), "principals": principals, "subscriber": subscriber,
        "current": bool(drgs.drg_title(number)),
    })
