from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from medcode.codes import lookup, systems
from medcode.codes.models import Code
from medcode.common.api import MAX_OFFSET, Error

router = Router()
SYSTEM_KEYS = ", ".join(systems.SYSTEMS[k].slug for k in systems.ORDER)


class CodeSummary(Schema):
    system: str
    code: str = Field(..., description="as coders write it (ICD-10-CM with its dot)")
    kind: str
    title: str
    billable: bool
    status: str
    url: str


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


def code_set_or_400(system):
    found = systems.get(system)
    if found is None:
        raise HttpError(400, f"unknown code set {system!r}; use one of: {SYSTEM_KEYS}")
    return found


def code_or_404(system, code):
    found = lookup.find(code, code_set_or_400(system).key)
    if found is None:
        raise HttpError(404, f"{systems.SYSTEMS[code_set_or_400(system).key].name} code {code[:30]!r} is not in the catalogue")
    return found


@router.get("/{system}/{code}/children", response={200: CodePageOut, 400: Error, 404: Error}, summary="Children of a code")
def get_children(request: HttpRequest, system: str, code: str,
                 offset: int = Query(0, ge=0, le=MAX_OFFSET), limit: int = Query(100, ge=1, le=1000)):
    found = code_or_404(system, code)
    children = lookup.children(found)
    return {"items": [summary(c) for c in children[offset:offset + limit]],
            "count": children.count(), "offset": offset, "limit": limit}


@router.get("/{system}", response={200: CodePageOut, 400: Error}, summary="Browse a code set or a range")
def browse(request: HttpRequest, system: str, start: str = Query(None, max_length=24),
           end: str = Query(None, max_length=24), billable: bool | None = None,
           offset: int = Query(0, ge=0, le=MAX_OFFSET), limit: int = Query(100, ge=1, le=1000)):
    """Without start/end: the top of the hierarchy. With them: the codes from start to end, in code order."""
    code_system = code_set_or_400(system)
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
