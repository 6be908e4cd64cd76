"""Finding jobs: words, filters, sorting. The same JobQuery drives the search page, saved
searches' alerts and their Atom feeds.
"""

import re
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from medcode.careers import geo
from medcode.careers.models import Job

SORTS = {"relevance": "Best match", "date": "Newest", "salary": "Highest pay"}
RADII = [10, 25, 50, 100, 250]
WORD = re.compile(r"[\w+/-]+")


@dataclass
class JobQuery:
    q: str = ""
    modes: list = field(default_factory=list)
    credential: str = ""
    specialty: str = ""
    salary: int | None = None  # yearly floor; hourly pay counts as 2,080 hours
    state: str = ""
    zip: str = ""
    radius: int = 50
    days: int | None = None
    sort: str = "relevance"
    problems: list = field(default_factory=list)

    @classmethod
    def from_params(cls, params):
        """Read the search form's parameters; anything malformed is dropped and said in problems."""
        query, problems = cls(), []
        query.q = " ".join(params.get("q", "").split())[:200]
        query.modes = [mode for mode in params.getlist("mode") if mode in Job.WorkMode.values]
        query.credential = params.get("credential", "")[:12]
        query.specialty = params.get("specialty", "")[:40]
        query.state = params.get("state", "").strip().upper()[:2]
        query.zip = params.get("zip", "").strip()[:5]
        query.salary = _number(params.get("salary", ""), "salary", problems)
        radius = _number(params.get("radius", ""), "radius", problems)
        query.radius = radius if radius in RADII else 50
        query.days = _number(params.get("days", ""), "days", problems, largest=365)
        query.sort = params.get("sort", "relevance") if params.get("sort") in SORTS else "relevance"
        if query.zip and geo.place(query.zip) is None:
            problems.append(f"{query.zip} is not a US ZIP code medcode knows: the distance filter is off.")
        query.problems = problems
        return query

    def params(self):
        """The query as the parameters that rebuild it (for links, pages and saved searches)."""
        found = {key: value for key, value in asdict(self).items() if value not in ("", None, []) and key != "problems"}
        if "modes" in found:
            found["mode"] = found.pop("modes")
        if not self.zip:
            found.pop("radius", None)
        if self.sort == "relevance":
            found.pop("sort", None)
        return found

    def describe(self):
        """Words for a saved search's name: "remote · CPC · orthopedics · 'E/M auditor'"."""
        parts = [f"“{self.q}”" if self.q else "", "/".join(self.modes), self.credential, self.specialty,
                 f"${self.salary:,}+" if self.salary else "", self.state,
                 f"within {self.radius} mi of {self.zip}" if self.zip else "",
                 f"last {self.days} days" if self.days else ""]
        return " · ".join(part for part in parts if part) or "All jobs"


def _number(raw, name, problems, largest=10_000_000):
    raw = str(raw).replace(",", "").replace("$", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:  # never parse "1e1000000" or "Infinity"
        problems.append(f"{name} must be a whole number: {raw[:20]!r} was ignored.")
        return None
    return min(int(raw), largest)


def words(text):
    return [word.lower() for word in WORD.findall(text)][:12]


def search(query, now=None, since=None):
    """Live jobs matching query, as a list in the query's order, each with .score and .miles."""
    now = now or timezone.now()
    jobs = Job.objects.live(now).select_related("employer").prefetch_related(
        "required_credentials", "preferred_credentials", "specialties")
    terms = words(query.q)
    for word in terms:
        jobs = jobs.filter(Q(title__icontains=word) | Q(organisation__icontains=word) | Q(description__icontains=word)
                           | Q(city__icontains=word) | Q(pk__in=_tagged(specialty__name__icontains=word))
                           | _credited(word))
    if query.modes:
        jobs = jobs.filter(work_mode__in=query.modes)
    if query.credential:
        jobs = jobs.filter(_credited(query.credential))
    if query.specialty:
        jobs = jobs.filter(pk__in=_tagged(specialty__slug=query.specialty))
    if query.salary:
        jobs = jobs.filter(yearly_pay__gte=query.salary)
    if query.state:  # remote jobs are open to every state, as to every distance
        jobs = jobs.filter(Q(state=query.state) | Q(work_mode=Job.WorkMode.REMOTE))
    if query.days:
        jobs = jobs.filter(posted_at__gte=now - timedelta(days=query.days))
    if since is not None:
        jobs = jobs.filter(posted_at__gt=since)
    origin = geo.place(query.zip) if query.zip else None
    if origin:
        south, north, west, east = geo.box(origin, query.radius)
        # Remote jobs are anywhere: a distance filter keeps them.
        jobs = jobs.filter(Q(work_mode=Job.WorkMode.REMOTE)
                           | Q(latitude__range=(south, north), longitude__range=(west, east)))
    found = list(jobs)
    kept = []
    for job in found:
        job.miles = None if origin is None or job.latitude is None else \
            geo.miles(origin.latitude, origin.longitude, job.latitude, job.longitude)
        if origin and job.work_mode != Job.WorkMode.REMOTE and (job.miles is None or job.miles > query.radius):
            continue
        job.score = _score(job, terms)
        kept.append(job)
    return sorted(kept, key=_order(query.sort))


def _tagged(**condition):
    """Jobs with a matching specialty, as a subquery: joins per word would multiply rows."""
    return Job.specialties.through.objects.filter(**condition).values("job_id")


def _credited(code):
    """Jobs requiring or preferring a credential, as subqueries."""
    return Q(pk__in=Job.required_credentials.through.objects.filter(credential__code__iexact=code).values("job_id")) \
        | Q(pk__in=Job.preferred_credentials.through.objects.filter(credential__code__iexact=code).values("job_id"))


def _score(job, terms):
    """Title words count most, then specialties and credentials, then the description."""
    if not terms:
        return 0.0
    title, description = job.title.lower(), job.description.lower()
    tags = " ".join([*(s.name.lower() for s in job.specialties.all()),
                     *(c.code.lower() for c in job.required_credentials.all())])
    return sum(3 * (term in title) + 2 * (term in tags) + min(description.count(term), 3) * 0.5 for term in terms)


def _order(sort):
    def posted(job):
        return -(job.posted_at or job.created_at).timestamp()

    if sort == "date":
        return lambda job: (posted(job), job.pk)
    if sort == "salary":
        return lambda job: (-(job.yearly_pay or Decimal(-1)), posted(job))
    return lambda job: (-job.score, posted(job))
