"""The employer's side (post, edit, close, renew, see applicants) and staff review."""

from functools import wraps

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from medcode.careers import board
from medcode.careers.forms import EmployerForm, JobForm, StatusForm
from medcode.careers.models import Employer, Job


def employer_only(view):
    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        employer = Employer.objects.filter(user=request.user).first()
        if employer is None:
            return redirect("careers:employer_register")
        return view(request, employer, *args, **kwargs)

    return checked


def _own_job(employer, pk):
    """A job of this employer; any other employer's job is a 404, never a 403 that confirms it exists."""
    return get_object_or_404(Job, pk=pk, employer=employer)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def register(request):
    if Employer.objects.filter(user=request.user).exists():
        return redirect("careers:employer")
    if not request.user.is_verified:
        messages.error(request, "Verify your email address first.")
        return redirect("accounts:account")
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        employer = form.save(commit=False)
        employer.user = request.user
        employer.save()
        messages.success(request, "Thanks: medcode staff verify employer accounts, usually within a business day. "
                                  "You can post jobs once verified; each goes live after staff approval.")
        return redirect("careers:employer")
    return render(request, "careers/employer_register.html", {"form": form})


@never_cache
@employer_only
def dashboard(request, employer):
    jobs = employer.jobs.annotate(applicants=Count("applications")).order_by("-created_at")
    return render(request, "careers/employer.html", {"employer": employer, "jobs": jobs, "now": timezone.now()})


@employer_only
@require_http_methods(["GET", "HEAD", "POST"])
def edit_job(request, employer, pk=None):
    job = _own_job(employer, pk) if pk else None
    initial = {"organisation": employer.name} if job is None else \
        {"expires_on": timezone.localdate(job.expires_at)} if not job.is_expired() else {}
    form = JobForm(request.POST or None, instance=job, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if job is None:
                job = board.post(employer, form, form.cleaned_data.get("expires_on"))
                messages.success(request, "Sent for approval: you will get an email when it is live.")
            else:
                was_live = job.status == Job.Status.LIVE
                board.edited(form.save(), form.changed_data, form.cleaned_data.get("expires_on"))
                messages.success(request, "Saved: back with staff for approval." if was_live and
                                 job.status == Job.Status.PENDING else "Saved.")
        except board.BoardError as error:
            messages.error(request, str(error))
        else:
            return redirect("careers:employer")
    return render(request, "careers/job_form.html", {"form": form, "job": job, "employer": employer})


@employer_only
@require_POST
def change_job(request, employer, pk, action):
    job = _own_job(employer, pk)
    if action == "close":
        board.close(job)
        messages.success(request, f"Closed: {job.title} left the search.")
    else:
        board.renew(job)
        messages.success(request, f"Renewed until {timezone.localtime(job.expires_at):%B %-d}"
                         + (" (back to approval)." if job.status == Job.Status.PENDING else "."))
    return redirect("careers:employer")


@never_cache
@employer_only
@require_http_methods(["GET", "HEAD", "POST"])
def applicants(request, employer, pk):
    job = _own_job(employer, pk)
    if request.method == "POST":
        number = request.POST.get("application", "")
        application = get_object_or_404(job.applications, pk=number if number.isdigit() else 0)
        form = StatusForm(request.POST)
        if form.is_valid():
            board.move(application, form.cleaned_data["status"])
            messages.success(request, f"{application.applicant.email}: {application.get_status_display()}.")
        return redirect("careers:applicants", pk=job.pk)
    return render(request, "careers/applicants.html", {
        "job": job, "applications": job.applications.select_related("applicant"), "statuses": StatusForm.base_fields[
            "status"].choices})


def staff_only(view):
    return staff_member_required(view, login_url="accounts:login")


@never_cache
@staff_only
@require_http_methods(["GET", "HEAD", "POST"])
def review(request):
    if request.method == "POST":
        _decide(request)
        return redirect("careers:review")
    return render(request, "careers/review.html", {
        "employers": Employer.objects.filter(verified_at__isnull=True).select_related("user"),
        "jobs": Job.objects.filter(status=Job.Status.PENDING, employer__verified_at__isnull=False)
        .select_related("employer")})


def _decide(request):
    kind, action, pk = request.POST.get("kind"), request.POST.get("action"), request.POST.get("pk", "")
    if not pk.isdigit():
        raise Http404("No such item")
    if kind == "employer" and action == "verify":
        board.verify_employer(get_object_or_404(Employer, pk=pk, verified_at__isnull=True), request.user)
    elif kind == "job" and action in {"approve", "reject"}:
        job = get_object_or_404(Job, pk=pk, status=Job.Status.PENDING)
        if action == "approve":
            board.approve(job, request.user)
        else:
            board.reject(job, request.user, request.POST.get("note", "").strip() or "It does not follow the posting rules.")
    else:
        raise Http404("Unknown decision")
    messages.success(request, "Done.")
