"""The coder's side of CareerCenter: search, job pages, applying, applications and alerts."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe, require_http_methods, require_POST

from medcode.careers import alerts, board, markup, search
from medcode.careers.forms import STATES, ApplyForm, SavedSearchForm
from medcode.careers.models import Application, Credential, Job, SavedSearch, Specialty

PER_PAGE = 20
EMPLOYMENT_TYPES = {"full_time": "FULL_TIME", "part_time": "PART_TIME", "contract": "CONTRACTOR",
                    "temporary": "TEMPORARY", "per_diem": "PER_DIEM"}  # schema.org / Google for Jobs values


@require_safe
def jobs(request):
    query = search.JobQuery.from_params(request.GET)
    found = search.search(query)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    params = query.params()
    return render(request, "careers/search.html", {
        "query": query, "page": page, "total": len(found), "params": urlencode(params, doseq=True),
        "modes": Job.WorkMode.choices, "credentials": Credential.objects.all(), "specialties": Specialty.objects.all(),
        "states": STATES, "sorts": search.SORTS, "radii": search.RADII, "days": [1, 3, 7, 14, 30],
        "save_form": SavedSearchForm(initial={"name": query.describe()}),
        "sort_links": [(key, name, urlencode({**params, "sort": key}, doseq=True)) for key, name in search.SORTS.items()],
    })


@require_safe
def job(request, pk, slug=""):
    job = get_object_or_404(Job.objects.select_related("employer"), pk=pk)
    if job.status in (Job.Status.PENDING, Job.Status.REJECTED) and not (_mine(request, job) or request.user.is_staff):
        raise Http404("No such job")
    if slug != job.get_absolute_url().rstrip("/").rsplit("/", 1)[-1]:
        return redirect(job, permanent=True)
    return _job_page(request, job, ApplyForm())


def _mine(request, job):
    return request.user.is_authenticated and job.employer.user_id == request.user.pk


def _job_page(request, job, form, status=None):
    """The job page, also shown again with the application form's errors."""
    mine, live = _mine(request, job), job.is_live()
    description = markup.render(job.description)
    return render(request, "careers/job.html", {
        "job": job, "live": live, "mine": mine, "form": form, "description": description,
        "applied": request.user.is_authenticated and job.applications.filter(applicant=request.user).exists(),
        "json_ld": _json_ld(request, job, description) if live else "",
        "code_sets": [name for key, name in Job.CODE_SETS if key in job.code_sets],
    }, status=status or (200 if live or mine or request.user.is_staff else 410))


def _json_ld(request, job, description):
    """schema.org JobPosting, as Google for Jobs reads it; description is the page's rendered HTML."""
    data = {
        "@context": "https://schema.org/", "@type": "JobPosting", "title": job.title,
        "description": str(description), "datePosted": (job.posted_at or job.created_at).date().isoformat(),
        "validThrough": job.expires_at.isoformat(), "employmentType": EMPLOYMENT_TYPES[job.employment_type],
        "hiringOrganization": {"@type": "Organization", "name": job.organisation,
                               **({"sameAs": job.employer.website} if job.employer.website else {})},
        "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress", "addressLocality": job.city,
                                                      "addressRegion": job.state, "postalCode": job.zip_code,
                                                      "addressCountry": "US"}},
        "experienceRequirements": {"@type": "OccupationalExperienceRequirements",
                                   "monthsOfExperience": job.years_experience * 12},
        "url": request.build_absolute_uri(job.get_absolute_url()),
    }
    if job.work_mode == Job.WorkMode.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": "USA"}
    if job.salary_min or job.salary_max:
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": "USD", "value": {
            "@type": "QuantitativeValue", "unitText": job.salary_period.upper(),
            **({"minValue": float(job.salary_min)} if job.salary_min else {}),
            **({"maxValue": float(job.salary_max)} if job.salary_max else {})}}
    # "</" cannot close the script element early: every "<" is escaped inside the JSON.
    return json.dumps(data).replace("<", "\\u003c")


@login_required
@require_POST
def apply(request, pk):
    job = get_object_or_404(Job.objects.filter(status__in=[Job.Status.LIVE, Job.Status.CLOSED]), pk=pk)
    form = ApplyForm(request.POST, request.FILES)
    if not request.user.is_verified:
        messages.error(request, "Verify your email address before applying.")
    elif form.is_valid():
        try:
            board.apply(job, request.user, form.cleaned_data["resume"], form.cleaned_data["note"])
        except board.BoardError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Applied to {job.title}. Follow its status under My applications.")
            return redirect("careers:applications")
    else:
        return _job_page(request, job, form, status=400)
    return redirect(job)


@never_cache
@login_required
@require_safe
def applications(request):
    return render(request, "careers/applications.html", {
        "applications": request.user.applications.select_related("job", "job__employer")})


@never_cache
@login_required
@require_safe
def resume(request, pk):
    """A résumé: for its applicant and the employer of the job, nobody else (staff included)."""
    application = get_object_or_404(Application.objects.select_related("job__employer"), pk=pk)
    if request.user.pk not in (application.applicant_id, application.job.employer.user_id):
        raise Http404("No such résumé")
    response = HttpResponse(bytes(application.resume), content_type=application.resume_type)
    response["Content-Disposition"] = content_disposition_header(True, application.resume_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def saved_searches(request):
    if request.method == "POST":
        form = SavedSearchForm(request.POST)
        query = search.JobQuery.from_params(request.POST)
        if form.is_valid() and request.user.saved_searches.count() < 20:
            SavedSearch.objects.create(user=request.user, query=query.params(), frequency=form.cleaned_data["frequency"],
                                       name=form.cleaned_data["name"] or query.describe(), last_sent_at=timezone.now())
            messages.success(request, "Saved: new jobs matching it will be emailed to you.")
        else:
            messages.error(request, "Give the search a name of at most 120 characters (20 saved searches at most).")
        return redirect("careers:alerts")
    return render(request, "careers/alerts.html", {"saved": request.user.saved_searches.order_by("-created_at")})


@login_required
@require_POST
def delete_saved_search(request, pk):
    get_object_or_404(SavedSearch, pk=pk, user=request.user).delete()
    messages.success(request, "Saved search deleted.")
    return redirect("careers:alerts")


@csrf_exempt  # RFC 8058 one-click unsubscribe: mail providers POST without a session; the token is the secret
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    saved = get_object_or_404(SavedSearch, token=token)
    if request.method == "POST":
        saved.active = False
        saved.save(update_fields=["active"])
    return render(request, "careers/unsubscribe.html", {"saved": saved})


@require_safe
def feed(request, token):
    saved = get_object_or_404(SavedSearch, token=token)
    found = search.search(alerts.query_of(saved))
    found.sort(key=lambda job: job.posted_at or job.created_at, reverse=True)
    atom = feedgenerator.Atom1Feed(title=f"medcode CareerCenter: {saved.name}",
                                   link=request.build_absolute_uri(reverse("careers:jobs") + "?" +
                                                                   urlencode(saved.query, doseq=True)),
                                   description=saved.name, language="en",
                                   feed_url=request.build_absolute_uri())
    for job in found[:50]:
        atom.add_item(title=f"{job.title} · {job.organisation} · {job.location}",
                      link=request.build_absolute_uri(job.get_absolute_url()),
                      description=markup.plain(job.description, 500), pubdate=job.posted_at,
                      unique_id=request.build_absolute_uri(job.get_absolute_url()))
    return HttpResponse(atom.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")
