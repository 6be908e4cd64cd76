"""The reference sections of a CPT/HCPCS or ICD-10-CM code page, for one date of service.

Each function returns the context of one section template; page.build calls
them only for a reader the section is unlocked for.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from medcode.codes import systems
from medcode.codes.models import Code
from medcode.reference import coverage, fees, modifiers, ncci, payment
from medcode.reference.models import CoverageCode, PtpEdit

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
        )

    def query(self, day, **changes):
        """The page's query string with some choices changed (for pager links)."""
        values = {
            "date": day.isoformat(), "ncci_setting": self.setting, "ncci_role": self.role,
            "ncci_status": self.status, "ncci_code": self.other, "ncci_page": self.page, "locality": self.locality,
        }
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value})


def ncci_section(code, day, options):
    releases = ncci.ptp_releases(day)
    release = releases.get(options.setting) or next(iter(releases.values()), None)
    context = {
        "releases": releases, "release": release, "options": options, "roles": ROLES, "statuses": STATUSES,
        "settings": {key: ncci.setting_name(key) for key in ncci.PTP_KINDS}, "day": day, "go": reverse("codes:go"),
    }
    if release is None:
        return context
    setting = next(key for key, r in releases.items() if r == release)
    counts = {role: ncci.ptp_edits(release, code.code, role=role, day=day).count() for role in ROLES}
    edits = ncci.ptp_edits(release, code.code, role=options.role, status=options.status, day=day, other=options.other)
    pages = Paginator(edits, NCCI_PER_PAGE)
    if options.status == "active" and not options.other:
        pages.count = counts[options.role]  # already counted above; each count reads thousands of index entries
    current = pages.get_page(options.page)
    context.update({
        "setting": setting, "setting_name": ncci.setting_name(setting), "edits": current, "count": pages.count,
        "previous_query": current.has_previous() and options.query(day, ncci_page=current.number - 1),
        "next_query": current.has_next() and options.query(day, ncci_page=current.number + 1),
        "counts": counts, "other_field": "column2" if options.role == "column1" else "column1",
    })
    return context


def mue_section(code, day):
    return {"mue": [
        {"setting": ncci.setting_name(setting), "edit": edit, "release": release}
        for setting, edit, release in ncci.mue_for(code.code, day)
    ], "day": day}


def rvu_section(code, day, options):
    release, rows = fees.rows_for(code.code, day)
    locality = fees.locality(options.locality, day)
    row = rows.get("")
    components = [rows[m] for m in ("26", "TC") if m in rows]
    context = {"release": release, "row": row, "components": components, "locality_options": _options(fees.locality_choices(day), options.locality),
               "locality": locality, "day": day, "options": options}
    if row is None:
        return context
    context["words"] = fees.words(row)
    fee_rows = (release, rows)
    context["quotes"] = [
        {"setting": name,
         "national": payment.quote(code.code, day=day, facility=facility, fee_rows=fee_rows),
         "local": locality and payment.quote(code.code, day=day, facility=facility, locality=locality, fee_rows=fee_rows)}
        for name, facility in (("Non-facility (office)", False), ("Facility (hospital, ASC)", True))
    ]
    return context


def _options(choices, selected):
    """<option> tags for 109 localities: built here, the template loop took a tenth of the page's time."""
    chosen = mark_safe(" selected")
    return format_html_join("", '<option value="{}"{}>{}</option>',
                            ((key, chosen if key == selected else "", name) for key, name in choices))


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
    applicable = [
        {"code": mod, "why": why, "name": guide.get(mod, {}).get("name", "")}
        for mod, why in modifiers.for_code(row, has_bypassable_edits=bypassable)
    ]
    return {"applicable": applicable, "row": row, "ptp_loaded": bool(releases)}


def coverage_section(code, day):
    """CPT/HCPCS: the billing-and-coding articles listing the code, with the diagnosis groups that support it."""
    index, codes = coverage.releases()
    context = {"index": index, "codes_release": codes, "articles": [], "go": reverse("codes:go")}
    if codes is None:
        return context
    article_ids = coverage.articles_listing(code.code, [CoverageCode.List.PROCEDURE])
    docs = coverage.documents(article_ids)
    for article_id in article_ids[:20]:
        groups = coverage.article_groups(article_id, [CoverageCode.List.COVERED, CoverageCode.List.NONCOVERED])
        context["articles"].append({"id": article_id, "doc": docs.get(article_id), "groups": groups})
    context["more"] = max(0, len(article_ids) - 20)
    return context


def crosswalk_section(code, day):
    """CPT/HCPCS -> ICD-10-CM codes that support medical necessity; ICD-10-CM -> CPT/HCPCS codes of its articles."""
    _, codes = coverage.releases()
    context = {"codes_release": codes, "links": [], "direction": "to-icd" if code.system != systems.ICD10CM else "to-procedure"}
    if codes is None:
        return context
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
    context["links"] = [{"code": c, "page": pages.get(c)} for c in wanted[:300]]
    context["count"] = len(wanted)
    context["articles"] = len(article_ids)
    return context

