"""JSON API of the reference sections and tools, metered like the pages they mirror."""

import datetime as dt
from datetime import date

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from medcode.accounts import api_gates
from medcode.codes import systems
from medcode.codes.api import code_or_404
from medcode.common.api import MAX_OFFSET, AccessOut, Error, access_out
from medcode.common.http import mark_private
from medcode.reference import changes, claims, fees, metered, modifiers, ncci, payment, sections
from medcode.reference.models import DataRelease

codes_router = Router()  # mounted under /api/codes
router = Router()  # mounted under /api/reference
ERRORS = {400: Error, 401: Error, 402: Error, 404: Error, 429: Error}


class ReleaseOut(Schema):
    kind: str
    name: str
    label: str
    effective_date: date
    rows: int
    source: str


def _release(release):
    return release and {"kind": release.kind, "name": release.get_kind_display(), "label": release.label,
                        "effective_date": release.effective_date, "rows": release.rows, "source": release.source}


def _open(request, response, system, code):
    """The code, once metering has unlocked it for the caller; 402 with the counter otherwise."""
    found = code_or_404(system, code)
    if found.system not in {systems.CPT, systems.HCPCS, systems.ICD10CM} or found.is_group:
        raise HttpError(404, f"{found.display_code} has no reference sections")
    return found, api_gates.open_code(request, response, found)


def _run(request, response, tool, lines):
    return api_gates.run_tool(request, response, tool, claims.known_codes(lines))


class PtpEditOut(Schema):
    column1: str
    column2: str
    effective_date: date | None = Field(description="null: the loaded copy of the release does not give it")
    deletion_date: date | None
    prior_1996: bool | None = Field(description="in existence before 1996; null: not given by the loaded copy")
    modifier_indicator: int
    modifier_meaning: str
    rationale: str


class NcciOut(Schema):
    access: AccessOut | None
    release: ReleaseOut | None = Field(None, description="null: PTP edits are not loaded")
    setting: str
    role: str
    status: str
    count: int
    offset: int
    limit: int
    edits: list[PtpEditOut]


@codes_router.get("/{system}/{code}/ncci", response={200: NcciOut, **ERRORS}, summary="NCCI PTP edits of a code")
def get_ncci(request: HttpRequest, response: HttpResponse, system: str, code: str,
             setting: str = Query("practitioner", pattern="^(practitioner|hospital)$"),
             role: str = Query("column1", pattern="^(column1|column2)$"),
             status: str = Query("active", pattern="^(active|deleted|all)$"),
             other: str = Query("", max_length=5, pattern="^[0-9A-Za-z]*$", description="other code starts with"),
             on: date | None = Query(None, alias="date", description="date of service; today by default"),
             offset: int = Query(0, ge=0, le=MAX_OFFSET), limit: int = Query(100, ge=1, le=1000)):
    found, access = _open(request, response, system, code)
    day = on or date.today()
    release = ncci.ptp_releases(day).get(setting)
    edits = ncci.ptp_edits(release, found.code, role=role, status=status, day=day, other=other) if release else []
    return {"access": access_out(access), "release": _release(release), "setting": setting, "role": role,
            "status": status, "count": len(edits) if isinstance(edits, list) else edits.count(),
            "offset": offset, "limit": limit,
            "edits": [{**{f: getattr(e, f) for f in ("column1", "column2", "effective_date", "deletion_date",
                                                      "prior_1996", "modifier_indicator")},
                       "rationale": str(e.rationale), "modifier_meaning": e.modifier_meaning}
                      for e in edits[offset:offset + limit]]}


class MueOut(Schema):
    setting: str
    release: ReleaseOut
    units: int | None = Field(None, description="null: no MUE for the code in this setting")
    indicator: int | None
    indicator_meaning: str
    rationale: str


@codes_router.get("/{system}/{code}/mue", response={200: list[MueOut], **ERRORS}, summary="MUEs of a code")
def get_mue(request: HttpRequest, response: HttpResponse, system: str, code: str,
            on: date | None = Query(None, alias="date")):
    found, _ = _open(request, response, system, code)
    return [{"setting": setting, "release": _release(release), "units": edit and edit.units,
             "indicator": edit and edit.indicator, "indicator_meaning": edit.indicator_meaning if edit else "",
             "rationale": edit.rationale if edit else ""}
            for setting, edit, release in ncci.mue_for(found.code, on or date.today())]


class QuoteOut(Schema):
    code: str
    modifiers: list[str]
    facility: bool
    locality: str | None
    amount: str | None = Field(None, description="allowed amount in dollars; null when not payable")
    rvus: dict
    steps: list[str]
    problems: list[str]


def _quote(q):
    return {"code": q.code, "modifiers": q.modifiers, "facility": q.facility,
            "locality": q.locality and q.locality.key, "amount": q.amount and str(q.amount),
            "rvus": {k: str(v) for k, v in q.rvus.items()}, "steps": q.steps, "problems": q.problems}


class RvuOut(Schema):
    release: ReleaseOut | None
    rows: list[dict] = Field(..., description="the fee schedule rows: blank, 26, TC and 53 payment modifiers")
    indicators: dict = Field(..., description="status, global period and payment policy indicators in words")
    payment: list[QuoteOut]


@codes_router.get("/{system}/{code}/rvu", response={200: RvuOut, **ERRORS}, summary="RVUs, global days and payment")
def get_rvu(request: HttpRequest, response: HttpResponse, system: str, code: str,
            locality: str = Query("", max_length=12, description="MAC-locality, e.g. 09102-04; blank: national"),
            on: date | None = Query(None, alias="date")):
    found, _ = _open(request, response, system, code)
    day = on or date.today()
    where = fees.locality(locality, day)
    if locality and where is None:
        raise HttpError(400, f"unknown locality {locality!r}; see /api/reference/localities")
    release, rows = fees.rows_for(found.code, day)
    skip = {"id", "release"}
    return {"release": _release(release),
            "rows": [{f.name: str(getattr(r, f.name)) for f in r._meta.fields if f.name not in skip} for r in rows.values()],
            "indicators": fees.words(rows[""]) if "" in rows else {},
            "payment": [_quote(payment.quote(found.code, day=day, locality=where, facility=facility))
                        for facility in (False, True)] if rows else []}


@codes_router.get("/{system}/{code}/modifiers", response={200: list[dict], **ERRORS}, summary="Modifiers for a code")
def get_code_modifiers(request: HttpRequest, response: HttpResponse, system: str, code: str,
                       on: date | None = Query(None, alias="date")):
    found, _ = _open(request, response, system, code)
    section = sections.modifiers_section(found, on or date.today())
    return [{"modifier": m.code, "name": m.name, "why": m.why, "url": reverse("reference:modifier", args=[m.code])}
            for m in section.applicable]


@codes_router.get("/{system}/{code}/coverage", response={200: dict, **ERRORS}, summary="Medicare coverage and crosswalks")
def get_coverage(request: HttpRequest, response: HttpResponse, system: str, code: str):
    found, _ = _open(request, response, system, code)
    crosswalk = sections.crosswalk_section(found, date.today())
    result = {"code_lists_loaded": crosswalk.codes_release is not None,
              "crosswalk": [link.code for link in crosswalk.links]}
    if found.system != systems.ICD10CM:
        articles = sections.coverage_section(found, date.today()).articles
        result["articles"] = [{"article_id": a.id, "display_id": a.doc and a.doc.display_id,
                               "title": a.doc and a.doc.title, "url": a.doc and a.doc.url,
                               "groups": a.groups} for a in articles]
    return result


class ClaimLineIn(Schema):
    code: str = Field(..., max_length=8)
    units: int = Field(1, ge=1, le=claims.MAX_UNITS)
    modifiers: list[str] = Field(default_factory=list, max_length=4)


class ClaimIn(Schema):
    lines: list[ClaimLineIn] = Field(..., min_length=1, max_length=claims.MAX_LINES)
    setting: str = Field("practitioner", pattern="^(practitioner|hospital)$")
    date: dt.date | None = Field(None, description="date of service; today by default")


class FindingOut(Schema):
    kind: str
    severity: str = Field(..., description="deny, warn, ok or info")
    lines: list[int]
    message: str
    detail: str


class ClaimOut(Schema):
    access: AccessOut | None
    date: dt.date
    setting: str
    denials: int
    findings: list[FindingOut]
    releases: dict


@router.post("/claim-check", response={200: ClaimOut, **ERRORS}, summary="Claim line check")
def claim_check(request: HttpRequest, response: HttpResponse, claim: ClaimIn):
    """PTP pairs, MUE units, add-on primaries and global-period notes for the lines of one date of service."""
    try:
        lines = [claims.make_line(n, line.code, line.units, line.modifiers) for n, line in enumerate(claim.lines, 1)]
    except claims.ClaimError as exc:
        raise HttpError(400, str(exc)) from None
    access = _run(request, response, "claim-check", lines)
    result = claims.check(lines, setting=claim.setting, day=claim.date or date.today())
    return {"access": access_out(access), "date": result.day, "setting": result.setting, "denials": len(result.denials),
            "findings": [f.__dict__ for f in result.findings],
            "releases": {name: release and release.label for name, release in result.releases.items()}}


@router.get("/fees", response={200: list[QuoteOut], **ERRORS}, summary="Fee calculator")
def fee_calculator(request: HttpRequest, response: HttpResponse,
                   codes: str = Query(..., max_length=400, description="27130-50,99213"),
                   locality: str = Query("", max_length=12), facility: bool = False,
                   on: date | None = Query(None, alias="date")):
    day = on or date.today()
    where = fees.locality(locality, day)
    if locality and where is None:
        raise HttpError(400, f"unknown locality {locality!r}; see /api/reference/localities")
    try:
        lines = claims.parse_code_list(codes)
    except claims.ClaimError as exc:
        raise HttpError(400, str(exc)) from None
    _run(request, response, "fees", lines)
    quotes = payment.quote_claim([(line.code, line.modifiers) for line in lines], day=day, locality=where, facility=facility)
    return [_quote(q) for q in quotes]


@router.get("/releases", response=list[ReleaseOut], summary="Reference files loaded", auth=None)
def releases(request: HttpRequest):
    return [_release(r) for r in DataRelease.objects.order_by("kind", "effective_date")]


@router.get("/localities", response=list[dict], summary="Medicare payment localities (GPCIs)", auth=None)
def localities(request: HttpRequest, on: date | None = Query(None, alias="date")):
    return [{"key": loc.key, "state": loc.state, "name": loc.name, "work_gpci": str(loc.work_gpci),
             "pe_gpci": str(loc.pe_gpci), "mp_gpci": str(loc.mp_gpci)} for loc in fees.localities(on)]


@router.get("/modifiers", response=list[dict], summary="Every modifier", auth=None)
def modifier_list(request: HttpRequest):
    return modifiers.catalogue()


@router.get("/modifiers/{code}", response={200: dict, 404: Error}, summary="One modifier", auth=None)
def modifier_detail(request: HttpRequest, code: str):
    entry, row = modifiers.find(code[:2]) if len(code) == 2 else (None, None)
    if entry is None and row is None:
        raise HttpError(404, f"no modifier {code[:8]!r}")
    return {"code": code.upper(), "guide": entry, "hcpcs": row and {
        "title": row.title, "effective_date": row.effective_date, "termination_date": row.termination_date}}


@router.get("/changes", response={200: dict, 400: Error, 401: Error, 404: Error, 429: Error},
            summary="What changed between two releases")
def release_changes(request: HttpRequest, response: HttpResponse, kind: str, old: str = Query(..., alias="from"), new: str = Query(..., alias="to"),
                    code: str = Query("", max_length=8, pattern="^[0-9A-Za-z.]*$")):
    if kind not in changes.SPECS:
        raise HttpError(400, f"kind must be one of {', '.join(changes.COMPARABLE)}")
    found = {r.label: r for r in DataRelease.objects.filter(kind=kind, label__in=[old, new])}
    missing = [label for label in (old, new) if label not in found]
    if missing:
        raise HttpError(404, f"no {kind} release {', '.join(missing)} is loaded")
    try:
        result = changes.compare(found[old], found[new], code=code.upper().replace(".", ""))
    except changes.CannotCompare as exc:
        raise HttpError(400, str(exc)) from None
    # Counts are public; the values are reference content, metered like the code's page (or subscribers').
    listed, access = metered.may_list(request, result.code, request.auth)
    mark_private(response, api=True)
    lists = {"added": result.added, "removed": result.removed, "changed": result.changed} if listed else \
        {"added": None, "removed": None, "changed": None}
    return {"kind": kind, "from": old, "to": new, "code": result.code, "counts": result.counts,
            "access": access_out(access), **lists}
