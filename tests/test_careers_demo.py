from io import StringIO

import pytest
from django.core.management import call_command

from medcode.careers import demo
from medcode.careers.models import Credential, Employer, Job, Specialty


def _run():
    out = StringIO()
    call_command("demo_jobs", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_jobs_twice_gives_one_set_of_live_placed_jobs():
    first = _run()
    second = _run()
    assert first == second == f"CareerCenter demo: {len(demo.EMPLOYERS)} employers, 36 live jobs.\n"

    employers = Employer.objects.filter(user__email__in=[e["email"] for e in demo.EMPLOYERS.values()])
    assert employers.count() == len(demo.EMPLOYERS)
    assert all(e.is_verified and e.user.is_verified and not e.user.has_usable_password() for e in employers)

    jobs = Job.objects.filter(employer__in=employers)
    assert jobs.count() == 36
    assert Job.objects.live().filter(employer__in=employers).count() == 36
    assert all(job.latitude is not None and job.longitude is not None and job.state for job in jobs)
    assert len({job.state for job in jobs}) >= 15
    assert {job.work_mode for job in jobs} == {"remote", "hybrid", "onsite"}
    paid = [job for job in jobs if job.salary_max is not None]
    assert {job.salary_period for job in paid} == {"hour", "year"}
    assert all(job.yearly_pay for job in paid)
    assert all(job.organisation == job.employer.name for job in jobs)
    assert len({job.posted_at.date() for job in jobs}) > 10

    descriptions = [job.description for job in jobs]
    assert len(set(descriptions)) == len(descriptions)
    assert all(120 <= len(text.split()) <= 250 for text in descriptions)


@pytest.mark.django_db
def test_every_credential_and_specialty_in_the_data_exists():
    _run()
    codes = {code for job in demo.JOBS for code in job["required"] + job["preferred"]}
    slugs = {slug for job in demo.JOBS for slug in job["specialties"]}
    assert Credential.objects.filter(code__in=codes).count() == len(codes)
    assert Specialty.objects.filter(slug__in=slugs).count() == len(slugs)

    jobs = Job.objects.filter(employer__user__email__in=[e["email"] for e in demo.EMPLOYERS.values()])
    assert sum(job.required_credentials.count() for job in jobs) == sum(len(j["required"]) for j in demo.JOBS)
    assert sum(job.preferred_credentials.count() for job in jobs) == sum(len(j["preferred"]) for j in demo.JOBS)
    assert sum(job.specialties.count() for job in jobs) == sum(len(j["specialties"]) for j in demo.JOBS)
    assert Job.specialties.through.objects.filter(job__in=jobs).count() == sum(len(j["specialties"]) for j in demo.JOBS)
