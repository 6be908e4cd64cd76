from datetime import date

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from medcode.accounts import metering
from medcode.codes import lookup, page, systems
from medcode.codes.models import Code

router = Router()
SYSTEM_KEYS = ", ".join(systems.SYSTEMS[k].slug for k in systems.ORDER)


class Error(Schema):
    detail: str


class CodeSummary(Schema):
    system: str
    code: str = Field(..., description="as coders write it (ICD-10-CM with its dot)")
    kind: str
    title: str
    billable: bool
    status: str
    url: str


class Note(Schema):
    kind: str
    text: str


class AddonEditOut(Schema):
    edit_type: int
    code: str
    effective_date: date
    deletion_date: date | None = None


class AccessOut(Schema):
    plan: str = Field(..., description="guest, free or subscriber")
    unlocked: bool
    remaining: int | None = Field(None, description="code page views left in the window; null: unlimited")
    resets_on: date | None = None
    next_step: str | None = Field(None, description="register, verify or upgrade")


class CodeDetail(CodeSummary):
    description: str = Field(..., description="plain-language description")
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


class CodePageOut(Schema):
    items: list[CodeSummary]
    count: int
    offset: int
    limit: int


def summary(code):
    return {
        "system": systems.SYSTEMS[code.system].slug, "code": code.display_code, "kind": code.kind,
        "title": code.best_title, "billable": code.billable, "status": code.status,
        "url": code.get_absolute_url(),
    }


def _system(system):
    found = systems.get(system)
    if found is None:
        raise HttpError(400, f"unknown code set {system!r}; use one of: {SYSTEM_KEYS}")
    return found


def _code(system, code):
    found = lookup.find(code, _system(system).key)
    if found is None:
        raise HttpError(404, f"{systems.SYSTEMS[_system(system).key].name} code {code[:30]!r} is not in the catalogue")
    return found


@router.get("/{system}/{code}", response={200: CodeDetail, 400: Error, 401: Error, 404: Error, 429: Error},
            summary="One code")
def get_code(request: HttpRequest, response: HttpResponse, system: str, code: str):
    """Metered like a code page: reference content (notes, add-on rules, set-specific data) comes only when unlocked."""
    found = _code(system, code)
    patch_cache_control(response, private=True, no_cache=True)  # what it holds depends on the reader
    patch_vary_headers(response, ["Cookie", "Authorization"])
    access = metering.open_for_request(request, found, request.auth)
    # Group entries are not metered, but their notes show inside the locked sections of every code below them.
    locked = not access.unlocked if access is not None else request.auth.plan != metering.SUBSCRIBER
    built = page.build(found, children_limit=0, locked=locked, contents=False)
    detail = {
        **summary(found),
        "description": built.description, "short_title": found.short_title, "is_addon": found.is_addon,
        "effective_date": found.effective_date, "end_date": found.end_date,
        "release": found.release.version if found.release else None,
        "parent": systems.display(found.system, found.parent) if found.parent else None,
        "ancestors": [summary(a) for a in built.ancestors], "child_count": built.child_count,
        "access": access and {
            "plan": access.plan, "unlocked": access.unlocked, "remaining": access.remaining,
            "resets_on": access.resets_on, "next_step": access.next_step,
        },
        "locked_sections": [s.key for s in built.sections if s.locked],
    }
    if not locked:
        from medcode.reference import addons

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


@router.get("/{system}/{code}/children", response={200: CodePageOut, 400: Error, 404: Error}, summary="Children of a code")
def get_children(request: HttpRequest, system: str, code: str,
                 offset: int = Query(0, ge=0), limit: int = Query(100, ge=1, le=1000)):
    found = _code(system, code)
    children = lookup.children(found)
    return {"items": [summary(c) for c in children[offset:offset + limit]],
            "count": children.count(), "offset": offset, "limit": limit}


@router.get("/{system}", response={200: CodePageOut, 400: Error}, summary="Browse a code set or a range")
def browse(request: HttpRequest, system: str, start: str = Query(None, max_length=24),
           end: str = Query(None, max_length=24), billable: bool | None = None,
           offset: int = Query(0, ge=0), limit: int = Query(100, ge=1, le=1000)):
    """Without start/end: the top of the hierarchy. With them: the codes from start to end, in code order."""
    code_system = _system(system)
    if start is None and end is None:
        queryset = lookup.roots(code_system.key)
    else:
        low = systems.normalize(start or "")
        high = systems.normalize(end or start or "")
        if not low or not high:
            raise HttpError(400, "start and end must be codes")
        if low > high:
            raise HttpError(400, f"start {start!r} comes after end {end!r}")
        # Everything that starts with `end` is in the range too (S72.0 to S72.009 takes S72.009A).
        past_end = high[:-1] + chr(ord(high[-1]) + 1)
        queryset = Code.objects.filter(system=code_system.key, code__gte=low, code__lt=past_end).exclude(
            kind__in=[Code.Kind.CHAPTER, Code.Kind.BLOCK, Code.Kind.SECTION, Code.Kind.BODY_SYSTEM, Code.Kind.RANGE]
        ).order_by("code")
    if billable is not None:
        queryset = queryset.filter(billable=billable)
    return {"items": [summary(c) for c in queryset[offset:offset + limit]],
            "count": queryset.count(), "offset": offset, "limit": limit}
