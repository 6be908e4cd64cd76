"""The reference sections of a CPT/HCPCS or ICD-10-CM code page, for one date of service.

Each function returns one section as a dataclass; the site's code page renders it with the
section's template and the API serialises it. They run only for a reader the section is unlocked for.
"""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q

from medcode.codes import systems
from medcode.codes.models import Code
from medcode.reference import addons, coverage, fees, freshness, modifiers, ncci, payment
from medcode.reference.models import AddonEdit, CoverageCode, PtpEdit

NCCI_PER_PAGE = 50
ROLES = {"column1": "as column 1 (the code that is paid)", "column2": "as column 2 (the code that is denied)"}
STATUSES = {"active": "Active on the date of service", "deleted": "Deleted before it", "all": "All"}


@dataclass
class Options:
    """What the reader chose on the page: the NCCI filters, the fee locality."""

    setting: str = "practitioner"
    role: str = "column1"
    status: str = "active"
    other: str = ""
    page: int = 1
    locality: str = ""
    principal: str = ""  # ICD-10-CM: the principal diagnosis a CC/MCC is checked against (its CC exclusions)

    @classmethod
    def from_query(cls, query):
        def pick(name, allowed, default):
            value = query.get(name, default)
            return value if value in allowed else default

        page = query.get("ncci_page", "1")
        return cls(
            setting=pick("ncci_setting", ncci.PTP_KINDS, "practitioner"),
            role=pick("ncci_role", ROLES, "column1"),
            status=pick("ncci_status", STATUSES, "active"),
            other="".join(ch for ch in query.get("ncci_code", "")[:5].upper() if ch.isalnum()),
            page=int(page) if page.isdigit() and 0 < int(page) < 100000 else 1,
            locality=query.get("locality", "")[:12],
            principal="".join(ch for ch in query.get("drg_principal", "")[:10].upper() if ch.isalnum())[:7],
        )

    def query(self, day, **changes):
        """The page's query string with some choices changed (for pager links)."""
        values = {
            "date": day.isoformat(), "ncci_setting": self.setting, "ncci_role": self.role,
            "ncci_status": self.status, "ncci_code": self.other, "ncci_page": self.page, "locality": self.locality,
            "drg_principal": self.principal,
        }
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value})


@dataclass
class NcciSection:
    releases: dict  # {setting: release in force}
    release: object  # the release shown, None when PTP edits are not loaded
    options: Options
    day: date
    roles: dict = field(default_factory=lambda: ROLES)
    statuses: dict = field(default_factory=lambda: STATUSES)
    settings: dict = field(default_factory=lambda: {key: ncci.setting_name(key) for key in ncci.PTP_KINDS})
    setting: str = ""
    setting_name: str = ""
    edits: object = None  # a Paginator page of PtpEdit
    count: int = 0
    counts: dict = field(default_factory=dict)  # active edits as column 1 and as column 2
    previous_query: str = ""
    next_query: str = ""
    other_field: str = ""
    freshness: object = None  # freshness.Freshness of the release shown


def ncci_section(code, day, options):
    releases = ncci.ptp_releases(day)
    release = releases.get(options.setting) or next(iter(releases.values()), None)
    section = NcciSection(releases=releases, release=release, options=options, day=day)
    if release is None:
        return section
    setting = next(key for key, r in releases.items() if r == release)
    counts = {role: ncci.ptp_edits(release, code.code, role=role, day=day).count() for role in ROLES}
    edits = ncci.ptp_edits(release, code.code, role=options.role, status=options.status, day=day, other=options.other)
    pages = Paginator(edits, NCCI_PER_PAGE)
    if options.status == "active" and not options.other:
        pages.count = counts[options.role]  # already counted above; each count reads thousands of index entries
    current = pages.get_page(options.page)
    section.setting, section.setting_name = setting, ncci.setting_name(setting)
    section.edits, section.count, section.counts = current, pages.count, counts
    section.previous_query = current.has_previous() and options.query(day, ncci_page=current.number - 1) or ""
    section.next_query = current.has_next() and options.query(day, ncci_page=current.number + 1) or ""
    section.other_field = "column2" if options.role == "column1" else "column1"
    section.freshness = freshness.of_release(release, day)
    return section


@dataclass
class MueLine:
    setting: str  # in words: Practitioner, Outpatient hospital, DME supplier
    edit: object  # MueEdit or None: no MUE for the code in this setting
    release: object


@dataclass
class MueSection:
    mue: list  # [MueLine], one per setting loaded
    day: date


def mue_section(code, day):
    return MueSection([MueLine(ncci.setting_name(setting), edit, release)
                       for setting, edit, release in ncci.mue_for(code.code, day)], day)


@dataclass
class PaymentQuotes:
    setting: str
    national: payment.Quote
    local: payment.Quote | None


@dataclass
class RvuSection:
    release: object  # None: the fee schedule is not loaded
    row: object  # the FeeScheduleRow without payment modifier, None when the code is not in the file
    components: list  # the 26 and TC rows
    locality_choices: list  # [(key, name)] of the localities in force
    locality: object  # the chosen Locality or None
    day: date
    options: Options
    words: dict = field(default_factory=dict)  # the indicators in words
    quotes: list = field(default_factory=list)  # [PaymentQuotes], non-facility then facility


def rvu_section(code, day, options):
    release, rows = fees.rows_for(code.code, day)
    locality = fees.locality(options.locality, day)
    row = rows.get("")
    section = RvuSection(release=release, row=row, components=[rows[m] for m in ("26", "TC") if m in rows],
                         locality_choices=fees.locality_choices(day), locality=locality, day=day, options=options)
    if row is None:
        return section
    section.words = fees.words(row)
    fee_rows = (release, rows)
    section.quotes = [
        PaymentQuotes(name, payment.quote(code.code, day=day, facility=facility, fee_rows=fee_rows),
                      locality and payment.quote(code.code, day=day, facility=facility, locality=locality,
                                                 fee_rows=fee_rows))
        for name, facility in (("Non-facility (office)", False), ("Facility (hospital, ASC)", True))
    ]
    return section


@dataclass
class ApplicableModifier:
    code: str
    why: str
    name: str


@dataclass
class ModifiersSection:
    applicable: list  # [ApplicableModifier]
    row: object  # the fee schedule row the modifiers are derived from, None when the code has none
    ptp_loaded: bool


def modifiers_section(code, day):
    _, rows = fees.rows_for(code.code, day)
    row = rows.get("")
    releases = ncci.ptp_releases(day)
    bypassable = any(
        PtpEdit.objects.filter(release=release, modifier_indicator=1).filter(
            Q(column1=code.code) | Q(column2=code.code)).exists()
        for release in releases.values()
    )
    guide = modifiers.guide()
    applicable = [ApplicableModifier(mod, why, guide.get(mod, {}).get("name", ""))
                  for mod, why in modifiers.for_code(row, has_bypassable_edits=bypassable)]
    return ModifiersSection(applicable, row, bool(releases))


@dataclass
class ArticleListing:
    id: int
    doc: object  # the CoverageDocument, None when the index lacks it
    groups: list  # the article's diagnosis groups (coverage.article_groups)


@dataclass
class CoverageSection:
    index: object  # the coverage index release
    codes_release: object  # the article code lists release; None: not loaded
    articles: list = field(default_factory=list)  # [ArticleListing], at most 20
    more: int = 0  # articles beyond those


def coverage_section(code, day):
    """CPT/HCPCS: the billing-and-coding articles listing the code, with the diagnosis groups that support it."""
    index, codes = coverage.releases()
    section = CoverageSection(index, codes)
    if codes is None:
        return section
    article_ids = coverage.articles_listing(code.code, [CoverageCode.List.PROCEDURE])
    docs = coverage.documents(article_ids)
    for article_id in article_ids[:20]:
        groups = coverage.article_groups(article_id, [CoverageCode.List.COVERED, CoverageCode.List.NONCOVERED])
        section.articles.append(ArticleListing(article_id, docs.get(article_id), groups))
    section.more = max(0, len(article_ids) - 20)
    return section


@dataclass
class CrosswalkLink:
    code: str
    page: object  # the Code when medcode has a page for it


@dataclass
class CrosswalkSection:
    codes_release: object  # None: the article code lists are not loaded
    direction: str  # "to-icd" (procedure page) or "to-procedure" (diagnosis page)
    links: list = field(default_factory=list)  # [CrosswalkLink], at most 300
    count: int = 0
    articles: int = 0


def crosswalk_section(code, day):
    """CPT/HCPCS -> ICD-10-CM codes that support medical necessity; ICD-10-CM -> CPT/HCPCS codes of its articles."""
    _, codes = coverage.releases()
    section = CrosswalkSection(codes, "to-icd" if code.system != systems.ICD10CM else "to-procedure")
    if codes is None:
        return section
    if code.system == systems.ICD10CM:
        article_ids = coverage.articles_listing(code.code, [CoverageCode.List.COVERED])
        linked = CoverageCode.objects.filter(release=codes, article_id__in=article_ids, list=CoverageCode.List.PROCEDURE)
        wanted, target_systems = linked.values_list("code", flat=True).distinct(), [systems.CPT, systems.HCPCS]
    else:
        article_ids = coverage.articles_listing(code.code, [CoverageCode.List.PROCEDURE])
        linked = CoverageCode.objects.filter(release=codes, article_id__in=article_ids, list=CoverageCode.List.COVERED)
        wanted, target_systems = linked.values_list("code", flat=True).distinct(), [systems.ICD10CM]
    wanted = sorted(set(wanted))
    pages = {}
    for target in Code.objects.filter(system__in=target_systems, code__in=wanted[:2000]):
        pages[target.code] = target
    section.links = [CrosswalkLink(c, pages.get(c)) for c in wanted[:300]]
    section.count = len(wanted)
    section.articles = len(article_ids)
    return section


@dataclass
class GlanceSection:
    """A CPT or HCPCS code in a few lines, from the CMS files in force on the day: what its page's
    reference sections say at length (add-on primaries, global period, bilateral and PC/TC rules)."""

    day: date
    release: object  # the fee schedule release, None when not loaded
    primaries: list = field(default_factory=list)  # an add-on code's listed primary codes
    contractor_primaries: bool = False  # CMS leaves (some of) the primaries to the contractor
    addon_release: object = None
    words: dict = field(default_factory=dict)  # fee schedule indicators in words
    row: object = None
    modifiers: list = field(default_factory=list)  # [ApplicableModifier]


def glance_section(code, day):
    release, rows = fees.rows_for(code.code, day)
    row = rows.get("")
    section = GlanceSection(day=day, release=release, row=row, addon_release=addons.release_on(day))
    if code.is_addon:
        edits = addons.primaries_of(code.code, on=day)
        section.primaries = sorted({e.primary_code for e in edits} - {AddonEdit.CONTRACTOR_DEFINED})
        section.contractor_primaries = any(e.edit_type in (2, 3) for e in edits)
    if row is not None:
        section.words = fees.words(row)
        guide = modifiers.guide()
        section.modifiers = [ApplicableModifier(mod, why, guide.get(mod, {}).get("name", ""))
                             for mod, why in modifiers.for_code(row)]
    return section
