from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from medcode.accounts import metering
from medcode.common.http import private
from medcode.scrubber import batch, check
from medcode.scrubber.check import Scrubber
from medcode.scrubber.claim import POINTER_LETTERS, BatchError
from medcode.scrubber.diagnoses import display
from medcode.scrubber.forms import BatchForm, ClaimForm
from medcode.scrubber.models import BatchReport

SHOWN_ON_PAGE = 500  # claims listed on the result page; the downloads hold them all


@require_http_methods(["GET", "HEAD", "POST"])
@private  # what a tool shows depends on who runs it and their allowance
def claim(request):
    form = ClaimForm(request.POST or None)
    report = access = None
    if request.method == "POST" and form.is_valid():
        checked = form.cleaned_data["claim"]
        access = metering.run_tool(request, "claim-scrub", check.codes_shown(checked))
        if access.unlocked:
            report = Scrubber().check(checked)
    diagnoses = [(POINTER_LETTERS[n], display(code)) for n, code in enumerate(checked.diagnoses)] if report else []
    return render(request, "scrubber/claim.html", {"form": form, "report": report, "access": access,
                                                   "diagnoses": diagnoses})


def _subscriber(request):
    return metering.reader_for(request).plan == metering.SUBSCRIBER


@require_http_methods(["GET", "HEAD", "POST"])
@private
def batch_upload(request):
    allowed = request.user.is_authenticated and _subscriber(request)
    form = BatchForm(request.POST or None, request.FILES or None)
    error = None
    if allowed and request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        BatchReport.purge()
        try:
            # Read from the upload Django holds for this request only; medcode keeps no copy of it.
            result = batch.check_file(upload.read(), upload.name[:200], max_bytes=settings.MEDCODE_SCRUBBER_MAX_BYTES)
        except BatchError as exc:
            error = str(exc)
        else:
            saved = BatchReport.objects.create(owner=request.user, name=upload.name[:200],
                                               claims=len(result.reports), report=batch.as_json(result))
            return redirect("scrubber:batch_report", token=saved.token)
    return render(request, "scrubber/batch.html", {"form": form, "allowed": allowed, "error": error,
                                                   "keep_hours": settings.MEDCODE_SCRUBBER_KEEP_HOURS})


def _own_report(request, token):
    BatchReport.purge()
    if not request.user.is_authenticated:
        raise Http404("No such report")
    found = BatchReport.objects.filter(token=token, owner=request.user).first()
    if found is None:
        raise Http404("No such report (reports are deleted after "
                      f"{settings.MEDCODE_SCRUBBER_KEEP_HOURS} hours)")
    return found


@require_safe
@private
def batch_report(request, token):
    saved = _own_report(request, token)
    data = saved.report
    return render(request, "scrubber/batch_report.html", {
        "saved": saved, "data": data, "shown": data["claims"][:SHOWN_ON_PAGE],
        "more": max(0, len(data["claims"]) - SHOWN_ON_PAGE),
    })


@require_safe
@private
def batch_download(request, token, layout):
    if layout not in {"json", "csv"}:
        raise Http404("Reports come as .json or .csv")
    saved = _own_report(request, token)
    stem = saved.name.rsplit(".", 1)[0] or "claims"
    if layout == "json":
        response = JsonResponse(saved.report)
    else:
        response = HttpResponse(batch.as_csv(saved.report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_safe_name(stem)}-report.{layout}"'
    return response


def _safe_name(stem):
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in stem)[:80] or "claims"
