"""The submitter's side: the CaseConsultant page, sending a case, following it, writing again."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe, require_http_methods, require_POST

from medcode.accounts import ratelimit
from medcode.consult import cases, mailin, mailout, quota, review, roles
from medcode.consult.forms import PHI_KINDS, NewCaseForm, UploadLimit, WriteForm
from medcode.consult.models import Attachment, Case, PendingCase

WRITES_PER_HOUR = 30  # a submitter's messages on their cases: each one notifies a consultant


@require_safe
def home(request):
    user = request.user if request.user.is_authenticated else None
    return render(request, "consult/home.html", {
        "allowance": quota.allowance(user) if user else None,
        "cases": user.consult_cases.order_by("-created_at")[:100] if user else [],
        "address": mailout.consult_address(), "phi_kinds": PHI_KINDS,
        "hours": {plan: quota.answer_hours(plan) for plan in ("free", "subscriber")},
        "monthly": {plan: settings.MEDCODE_CONSULT["MONTHLY"][plan] for plan in ("free", "subscriber")},
        "consultant": roles.may_work(user),
    })


def _with_upload_limit(view):
    """Files are limited while the request is read, so the CSRF check must come after (Django's docs)."""

    @csrf_exempt
    def limited(request, *args, **kwargs):
        request.upload_too_big = False
        request.upload_handlers.insert(0, UploadLimit(request))
        return csrf_protect(view)(request, *args, **kwargs)

    return limited


@login_required
@_with_upload_limit
@require_http_methods(["GET", "HEAD", "POST"])
def new(request):
    allowance = quota.allowance(request.user)
    form = NewCaseForm(request.POST or None, request.FILES or None, upload_too_big=request.upload_too_big)
    if request.method == "POST" and allowance.plan and allowance.remaining and form.is_valid():
        try:
            case = cases.open_case(request.user, form.draft(), via=Case.Via.WEB)
        except cases.Refused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"Case #{case.number} is sent. We emailed you a receipt; "
                                      f"the answer is due by {case.due_at:%a %b %-d, %-I:%M %p}.")
            return redirect(case)
    return render(request, "consult/new.html", {"form": form, "allowance": allowance,
                                                "address": mailout.consult_address()})


def readable_case(request, number):
    case = get_object_or_404(Case.objects.select_related("submitter", "claimed_by"), pk=number)
    if not roles.may_read(request.user, case):
        raise Http404("No such case")
    return case


@never_cache
@login_required
@require_safe
def case(request, number):
    case = readable_case(request, number)
    context = {"case": case, "thread": case.messages.prefetch_related("attachments").select_related("author"),
               "form": WriteForm()}
    if roles.may_work(request.user):
        cases.audit(request.user, "viewed", case)
        context.update(review.workspace(case, request.user))
    return render(request, "consult/case.html", context)


@login_required
@_with_upload_limit
@require_POST
def write(request, number):
    case = readable_case(request, number)
    if case.submitter_id != request.user.pk:
        raise Http404("Only the submitter writes here; consultants reply from the workspace.")
    allowed, _ = ratelimit.hit(f"consult-write:{request.user.pk}", WRITES_PER_HOUR, 3600)
    if not allowed:
        messages.error(request, f"At most {WRITES_PER_HOUR} messages an hour: write again later.")
        return redirect(case)
    form = WriteForm(request.POST, request.FILES, upload_too_big=request.upload_too_big)
    if not form.is_valid():
        return render(request, "consult/case.html", {"case": case, "thread": case.messages.all(), "form": form},
                      status=400)
    cases.add_message(case, request.user, form.draft(), via=Case.Via.WEB)
    messages.success(request, "Your message is on the case; the consultant is told.")
    return redirect(case)


@never_cache
@login_required
@require_safe
def attachment(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("message__case"), pk=pk)
    case = attachment.message.case
    if not roles.may_read(request.user, case):
        raise Http404("No such file")
    if roles.may_work(request.user):
        cases.audit(request.user, "opened file", case, attachment.filename)
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    # A sandboxed PDF shows blank in browsers' viewers: PDFs and documents download.
    inline = attachment.content_type in {"image/png", "image/jpeg", "text/plain"}
    response["Content-Disposition"] = content_disposition_header(not inline, attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """An emailed case from an unauthenticated sender: its account holder sends it on or discards it."""
    pending = get_object_or_404(PendingCase, token=token[:64], user=request.user)
    expired = pending.expires_at() < timezone.now()
    if request.method == "POST" and pending.status == PendingCase.Status.WAITING and not expired:
        if request.POST.get("action") == "send":
            outcome = mailin.confirm(pending)
            if outcome.case is not None:
                messages.success(request, f"Case #{outcome.case.number} is sent to a consultant.")
                return redirect(outcome.case)
            messages.error(request, f"The case was not opened: {outcome.detail or outcome.kind}.")
        else:
            mailin.discard(pending)
            messages.success(request, "The message is discarded.")
        return redirect("consult:home")
    message = None
    if pending.status == PendingCase.Status.WAITING and not expired:
        try:
            message = mailin.parse(bytes(pending.raw))
        except mailin.Unreadable:
            message = None
    return render(request, "consult/confirm.html", {"pending": pending, "message": message, "expired": expired})
