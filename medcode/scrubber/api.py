"""The claim scrubber over the JSON API: one claim as JSON, or a file of claims (subscribers)."""

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from medcode.accounts import api_gates, metering
from medcode.common.api import AccessOut, Error, access_out
from medcode.common.http import mark_private
from medcode.reference import claims as line_check
from medcode.scrubber import batch
from medcode.scrubber.check import Scrubber, codes_shown
from medcode.scrubber.claim import (
    MAX_DIAGNOSES,
    MAX_LINES,
    BatchError,
    Claim,
    ServiceLine,
)

router = Router()
ERRORS = {400: Error, 401: Error, 402: Error, 403: Error, 413: Error, 429: Error}


class LineIn(Schema):
    code: str = Field(..., max_length=8)
    modifiers: list[str] = Field(default_factory=list, max_length=4)
    units: int = Field(1, ge=1, le=line_check.MAX_UNITS)
    pointers: list[int] = Field(..., max_length=4, description="1-based places in diagnoses")
    date: dt.date | None = Field(None, description="the line's date of service; the claim's when null")


class ClaimIn(Schema):
    claim_id: str = Field("", max_length=38)
    diagnoses: list[str] = Field(..., min_length=1, max_length=MAX_DIAGNOSES, description="ICD-10-CM, first-listed first")
    lines: list[LineIn] = Field(..., min_length=1, max_length=MAX_LINES)
    date: dt.date | None = Field(None, description="date of service; today by default")
    age: int | None = Field(None, ge=0, le=124)
    sex: str | None = Field(None, pattern="^[FM]$")
    setting: str = Field("practitioner", pattern="^(practitioner|hospital)$")


class FindingOut(Schema):
    kind: str
    severity: str = Field(..., description="deny, warn, info or ok")
    lines: list[int]
    diagnoses: list[str]
    message: str
    rule: str
    detail: str


class ReportOut(Schema):
    access: AccessOut | None
    claim_id: str
    status: str = Field(..., description="deny, warn or clean")
    dates_of_service: list[dt.date]
    findings: list[FindingOut]
    releases: dict


@router.post("/check", response={200: ReportOut, **ERRORS}, summary="Scrub one claim")
def check_claim(request: HttpRequest, response: HttpResponse, claim: ClaimIn):
    """Diagnoses (validity on the date, billable, MCE, Excludes1, code first / use additional), pointers,
    and the procedure lines' NCCI, MUE, add-on and global-period checks. Costs views like the page."""
    mark_private(response, api=True)
    lines = [ServiceLine(n, line.code.strip().upper(), [m.strip().upper() for m in line.modifiers], line.units,
                         line.pointers, line.date) for n, line in enumerate(claim.lines, start=1)]
    checked = Claim(claim.claim_id, [c.replace(".", "").strip().upper() for c in claim.diagnoses], lines,
                    day=claim.date or dt.date.today(), age=claim.age, sex=claim.sex, setting=claim.setting)
    access = api_gates.run_tool(request, response, "claim-scrub", codes_shown(checked))
    report = Scrubber().check(checked)
    return {"access": access_out(access), "claim_id": report.claim_id, "status": report.status,
            "dates_of_service": report.days, "findings": [f.__dict__ for f in report.findings],
            "releases": report.releases}


@router.post("/batch", response={200: dict, **ERRORS}, summary="Scrub a file of claims (837P or CSV)")
def check_batch(request: HttpRequest, response: HttpResponse, file: UploadedFile = File(...)):
    """The report of every claim in an X12 837P (005010X222A1) or CSV file, keyed by claim id. Subscribers
    only. The file is read in memory and not kept; the report is returned, not stored."""
    mark_private(response, api=True)
    if request.auth.plan != metering.SUBSCRIBER:
        raise HttpError(403, "file checks are part of the subscription")
    if file.size > settings.MEDCODE_SCRUBBER_MAX_BYTES:
        raise HttpError(413, f"the file has {file.size:,} bytes; the limit is {settings.MEDCODE_SCRUBBER_MAX_BYTES:,}")
    try:
        result = batch.check_file(file.read(), (file.name or "upload")[:200],
                                  max_bytes=settings.MEDCODE_SCRUBBER_MAX_BYTES)
    except BatchError as exc:
        raise HttpError(400, str(exc)) from None
    return batch.as_json(result)
