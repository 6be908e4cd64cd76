"""How old each loaded release is for a date of service.

Each publisher releases on a known rhythm (NCCI quarterly, ICD-10 every October 1, …). A release
speaks for dates until its expected successor takes effect; past that, a page, answer or check
says which release it used and that a newer one is due, and names `medcode update-data`.
"""

from dataclasses import dataclass
from datetime import date

from medcode.codes import systems
from medcode.codes.models import Release
from medcode.common.caches import TableCache
from medcode.reference import tables
from medcode.reference.models import DataRelease

Kind = DataRelease.Kind
UPDATE = "run `medcode update-data`"  # what a reader is told to do about an old release


@dataclass(frozen=True)
class Rhythm:
    description: str  # how the publisher releases, in words
    months: tuple  # the months in which a new release takes effect (on the 1st)


QUARTERLY = (1, 4, 7, 10)
RHYTHMS = {
    Kind.PTP_PRACTITIONER: Rhythm("CMS publishes NCCI PTP edits quarterly", QUARTERLY),
    Kind.PTP_HOSPITAL: Rhythm("CMS publishes NCCI PTP edits quarterly", QUARTERLY),
    Kind.MUE_PRACTITIONER: Rhythm("CMS publishes MUEs quarterly", QUARTERLY),
    Kind.MUE_HOSPITAL: Rhythm("CMS publishes MUEs quarterly", QUARTERLY),
    Kind.MUE_DME: Rhythm("CMS publishes MUEs quarterly", QUARTERLY),
    Kind.ADDON: Rhythm("CMS publishes add-on code edits quarterly", QUARTERLY),
    Kind.RVU: Rhythm("the Physician Fee Schedule is set yearly and revised quarterly", QUARTERLY),
    Kind.GPCI: Rhythm("GPCIs are set yearly with the Physician Fee Schedule (January 1)", (1,)),
    Kind.MODIFIERS: Rhythm("HCPCS Level II is updated quarterly", QUARTERLY),
    # The coverage database changes weekly; a month-old download is as fresh as medcode asks.
    Kind.COVERAGE_INDEX: Rhythm("CMS updates the Medicare Coverage Database weekly", tuple(range(1, 13))),
    Kind.COVERAGE_CODES: Rhythm("CMS updates the Medicare Coverage Database weekly", tuple(range(1, 13))),
    systems.ICD10CM: Rhythm("ICD-10-CM takes effect each October 1, with April 1 updates in some years", (10,)),
    systems.ICD10PCS: Rhythm("ICD-10-PCS takes effect each October 1, with April 1 updates in some years", (10,)),
    systems.HCPCS: Rhythm("HCPCS Level II is updated quarterly", QUARTERLY),
}


@dataclass(frozen=True)
class Freshness:
    name: str  # "NCCI PTP edits, practitioner"
    label: str  # the release: "2024Q3", "FY2026"
    effective: date
    successor_due: date  # when the next release was expected to take effect
    day: date  # the date of service asked about
    rhythm: str

    @property
    def stale(self):
        return self.day >= self.successor_due

    @property
    def before_release(self):
        return self.day < self.effective

    @property
    def message(self):
        """One sentence for a page or an answer; empty when the release speaks for the day."""
        if self.before_release:
            return (f"No {self.name} release loaded covers {self.day:%b %-d, %Y}: these are from {self.label}, "
                    f"which took effect {self.effective:%b %-d, %Y}.")
        if not self.stale:
            return ""
        # One sentence naming its release throughout: no part of it reads the same for two kinds of data.
        return (f"{self.name} {self.label} (in effect from {self.effective:%b %-d, %Y}) is the newest loaded, "
                f"but a newer release was due by {self.successor_due:%b %-d, %Y} ({self.rhythm}), so it may "
                f"not speak for {self.day:%b %-d, %Y} ({UPDATE} to load newer releases).")


    @property
    def short(self):
        """For a list of releases: "NCCI PTP edits, practitioner 2024Q3: a newer release was due by Oct 1, 2024"."""
        return f"{self.name} {self.label}: a newer release was due by {self.successor_due:%b %-d, %Y}"


def successor_due(effective, months):
    """The first 1st-of-a-release-month after `effective`."""
    year, month = effective.year, effective.month
    for _ in range(13):
        month += 1
        if month > 12:
            year, month = year + 1, 1
        if month in months:
            return date(year, month, 1)
    raise ValueError("a rhythm needs at least one month")


def of_release(release, day):
    """Freshness of a reference-file release (DataRelease) for a date of service."""
    if release is None:
        return None
    rhythm = RHYTHMS[release.kind]
    return Freshness(release.get_kind_display(), release.label, release.effective_date,
                     successor_due(release.effective_date, rhythm.months), day, rhythm.description)


def of_kind(kind, day):
    """Freshness of the release of a kind in force on a day; None when none is loaded."""
    return of_release(tables.release_for(kind, day), day)


_code_sets = TableCache("medcode.reference.freshness.code_sets", Release)
forget_code_sets = _code_sets.clear


def code_set_releases(system):
    """The releases of a code set, oldest first: read once, kept until the next request or load."""
    return _code_sets.get(system, lambda: list(Release.objects.filter(system=system).order_by("effective_date")))


def of_code_set(system, day):
    """Freshness of the code set release in force on a day (the newest loaded that took effect by then)."""
    releases = code_set_releases(system)
    if not releases:
        return None
    current = [r for r in releases if r.effective_date <= day]
    release = current[-1] if current else releases[0]
    rhythm = RHYTHMS[system]
    return Freshness(systems.SYSTEMS[system].name, release.version, release.effective_date,
                     successor_due(release.effective_date, rhythm.months), day, rhythm.description)


PROCEDURE_KINDS = (Kind.PTP_PRACTITIONER, Kind.PTP_HOSPITAL, Kind.MUE_PRACTITIONER, Kind.MUE_HOSPITAL,
                   Kind.MUE_DME, Kind.ADDON, Kind.RVU, Kind.GPCI, Kind.COVERAGE_INDEX)


def stale_for(kinds, day):
    """The loaded releases of these kinds that a newer release should have replaced by day."""
    found = [of_kind(kind, day) for kind in kinds]
    return [f for f in found if f is not None and f.stale]


@dataclass(frozen=True)
class Loaded:
    """A loaded release of a code set or a reference file, as the status page lists it."""

    label: str
    effective_date: date
    rows: int
    source: str


@dataclass(frozen=True)
class Row:
    name: str
    releases: list  # [Loaded], oldest first
    freshness: Freshness | None  # of the newest, for today


def overview(today=None):
    """Every kind of data medcode can hold, what is loaded and whether a newer release is due."""
    today = today or date.today()
    rows = []
    for system in (systems.ICD10CM, systems.ICD10PCS, systems.HCPCS):
        releases = code_set_releases(system)
        rows.append(Row(systems.SYSTEMS[system].name,
                        [Loaded(r.version, r.effective_date, r.code_count, r.source) for r in releases],
                        of_code_set(system, today) if releases else None))
    loaded = {}
    for release in DataRelease.objects.order_by("effective_date"):
        loaded.setdefault(release.kind, []).append(release)
    for kind, name in Kind.choices:
        releases = loaded.get(kind, [])
        rows.append(Row(name, [Loaded(r.label, r.effective_date, r.rows, r.source) for r in releases],
                        of_release(releases[-1], today) if releases else None))
    return rows
