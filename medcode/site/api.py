"""The JSON API: one NinjaAPI, each app contributing a router, and the code detail the site composes
from them. Schema at /api/openapi.json."""

from datetime import date

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Router, Schema
from ninja.errors import HttpError, ValidationError

from medcode.accounts import metering
from medcode.accounts.api_auth import ApiReader, RateLimited
from medcode.assistant.api import router as assistant_router
from medcode.codes import systems
from medcode.codes.api import CodeSummary, code_or_404, summary
from medcode.codes.api import router as codes_router
from medcode.common.api import AccessOut, Error, access_out
from medcode.common.http import mark_private
from medcode.inpatient.api import router as inpatient_router
from medcode.riskadjust.api import router as riskadjust_router
from medcode.reference import addons
from medcode.reference.api import codes_router as reference_codes_router
from medcode.reference.api import router as reference_router
from medcode.scrubber.api import router as scrubber_router
from medcode.search.api import router as search_router
from medcode.site import page

log = logging.getLogger(__name__)

code_detail_router = Router()


class Note(Schema):
    kind: str
    text: str


class AddonEditOut(Schema):
    edit_type: int
    code: str
    effective_date: date
    deletion_date: date | None = None


class ContrastOut(Schema):
    code: str
    difference: str = Field(..., description="how this neighbour differs, in medcode's words")


class CodeDetail(CodeSummary):
    description: str = Field(..., description="plain-language description")
    label: str | None = Field(None, description="CPT: medcode's own label (the AMA descriptor only comes from a licensee's import)")
    contrasts: list[ContrastOut] = Field(default_factory=list, description="CPT: codes often confused with this one")
    short_title: str
    is_addon: bool
    effective_date: date | None = None
    end_date: date | None = None
    release: str | None = None
    parent: str | None = None
    ancestors: list[CodeSummary]
    child_count: int
    access: AccessOut | None = Field(None, description="metering; null for group entries (chapters, tables)")
    locked_sections: list[str] = Field(default_factory=list, description="reference content withheld from this reader")
    notes: list[Note] | None = Field(None, description="tabular notes; null when locked")
    primary_codes: list[AddonEditOut] | None = Field(None, description="for an add-on code; null when locked")
    extra: dict | None = Field(None, description="set-specific data (HCPCS billing fields, PCS axes); null when locked")


@code_detail_router.get("/{system}/{code}", response={200: CodeDetail, 400: Error, 401: Error, 404: Error, 429: Error},
            summary="One code")
def get_code(request: HttpRequest, response: HttpResponse, system: str, code: str):
    """Metered like a code page: reference content (notes, add-on rules, set-specific data) comes only when unlocked."""
    found = code_or_404(system, code)
    mark_private(response, api=True)  # what it holds depends on the reader
    access = metering.open_for_request(request, found, request.auth)
    # Group entries are not metered, but their notes show inside the locked sections of every code below them.
    locked = not access.unlocked if access is not None else request.auth.plan != metering.SUBSCRIBER
    built = page.build(found, children_limit=0, locked=locked, contents=False)
    detail = {
        **summary(found),
        "description": built.description, "short_title": found.short_title, "is_addon": found.is_addon,
        "label": found.extra.get("label") or None if found.system == systems.CPT else None,
        "contrasts": found.extra.get("contrasts") or [] if found.system == systems.CPT else [],
        "effective_date": found.effective_date, "end_date": found.end_date,
        "release": found.release.version if found.release else None,
        "parent": systems.display(found.system, found.parent) if found.parent else None,
        "ancestors": [summary(a) for a in built.ancestors], "child_count": built.child_count,
        "access": access_out(access),
        "locked_sections": [s.key for s in built.sections if s.locked],
    }
    if not locked:
        primaries = addons.primaries_of(found.code) if found.is_addon else []
        detail.update({
            "notes": [{"kind": n.kind, "text": n.text} for n in found.notes.all()],
            "primary_codes": [
                {"edit_type": e.edit_type, "code": e.primary_code, "effective_date": e.effective_date,
                 "deletion_date": e.deletion_date} for e in primaries
            ],
            "extra": found.extra,
        })
    elif access is None:
        detail["locked_sections"] = ["notes"]
    return detail


api = NinjaAPI(
    auth=ApiReader(),
    title="medcode API",
    version="1",
    description=(
        "Code catalogue: CPT, HCPCS Level II, ICD-10-CM, ICD-10-PCS. Errors are JSON: {\"detail\": message}. "
        "Code details, reference sections and tools are metered like the site's code pages (402 when no view "
        "is left); subscribers send `Authorization: Bearer TOKEN`."
    ),
    urls_namespace="api",
)
api.add_router("/codes", reference_codes_router, tags=["reference sections"])
api.add_router("/codes", code_detail_router, tags=["codes"])
api.add_router("/codes", codes_router, tags=["codes"])
api.add_router("/reference", reference_router, tags=["reference tools"])
api.add_router("/search", search_router, tags=["search"])
api.add_router("/assistant", assistant_router, tags=["CasePilot"])
api.add_router("/claims", scrubber_router, tags=["claim scrubber"])
api.add_router("/drg", inpatient_router, tags=["MS-DRG grouper"])
api.add_router("/hcc", riskadjust_router, tags=["risk adjustment (CMS-HCC)"])


@api.exception_handler(ValidationError)
def invalid_request(request, exc):
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", [])[1:]) or "request"
        problems.append(f"{where}: {error.get('msg', 'invalid value')}")
    return api.create_response(request, {"detail": "; ".join(problems) or "invalid request"}, status=400)


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(request, {"detail": f"the request body is over {limit:,} bytes"}, status=413)


@api.exception_handler(Exception)
def server_error(request, exc):
    """Whatever went wrong inside, an API client gets JSON it can read, never a page of HTML."""
    log.exception("API error on %s %s", request.method, request.path)
    return api.create_response(request, {"detail": "medcode failed on this request; it has been logged"}, status=500)


@api.exception_handler(HttpError)
def http_error(request, exc):
    response = api.create_response(request, {"detail": exc.message}, status=exc.status_code)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response
