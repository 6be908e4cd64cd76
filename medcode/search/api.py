from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from medcode.codes import systems
from medcode.common.api import Error
from medcode.search import engine
from medcode.search.query import MAX_CHARS

router = Router()
SYSTEM_SLUGS = ", ".join(systems.SYSTEMS[k].slug for k in systems.ORDER)


class PathStep(Schema):
    code: str
    title: str


class SearchHitOut(Schema):
    system: str
    code: str = Field(..., description="as coders write it")
    title: str
    kind: str
    billable: bool
    status: str
    badge: str = Field(..., description="billable, header or deleted")
    path: list[PathStep] = Field(..., description="the hierarchy above the code, root first")
    matched: list[str] = Field(..., description="words of the query the code's text holds")
    found_by: str = Field(..., description="code, words, index, meaning or words+meaning")
    score: float
    url: str
    fiscal_year_warning: str | None = Field(
        None, description="set when the code is not valid in today's fiscal year (e.g. deleted or expanded in "
                          "FY2027), with its replacements")
    hccs: list[str] | None = Field(None, description="with the hcc filter: the HCCs the diagnosis maps to")


class SearchOut(Schema):
    query: str
    read_as: str = Field(..., description="code, range or words")
    mode: str = Field(..., description="code, lexical or hybrid (words and meaning)")
    semantic: bool = Field(..., description="whether the meaning half took part")
    notice: str | None = Field(None, description="why results are lexical only, when they are")
    corrections: dict[str, str] = Field(..., description="misspelt words and what they were searched as")
    took_ms: float
    results: list[SearchHitOut]


@router.get("", response={200: SearchOut, 400: Error, 429: Error}, summary="Search codes by code, range or words")
def search(
    request: HttpRequest,
    q: str = Query(..., min_length=1, max_length=MAX_CHARS, description="a code, prefix, range or plain words"),
    system: str = Query(None, description=f"one of {SYSTEM_SLUGS}"),
    billable: bool = Query(False, description="billable codes only"),
    include_deleted: bool = Query(False),
    chapter: str = Query(None, max_length=24, description="a chapter, section or range code the results sit under"),
    limit: int = Query(20, ge=1, le=100),
    hcc: str = Query(None, pattern="^(V28|V24|RxHCC-V08)$",
                     description="only ICD-10-CM codes that map to a payment HCC of this model (its newest mapping)"),
):
    key = None
    if system:
        if not systems.get(system):
            raise HttpError(400, f"unknown code set {system[:30]!r}: use one of {SYSTEM_SLUGS}")
        key = systems.get(system).key
    if not q.strip():
        raise HttpError(400, "q: give a code or some words")
    results = engine.search(q, system=key, billable=billable, include_deleted=include_deleted,
                            chapter=chapter, limit=limit, hcc=hcc)
    return {
        "query": results.query.text,
        "read_as": results.query.kind,
        "mode": results.mode,
        "semantic": results.mode == "hybrid",
        "notice": results.notice or None,
        "corrections": results.corrections,
        "took_ms": round(results.took_ms, 1),
        "results": [_hit(hit) for hit in results.hits],
    }


def _hit(hit):
    code = hit.code
    return {
        "system": systems.SYSTEMS[code.system].slug,
        "code": code.display_code,
        "title": code.best_title,
        "kind": code.kind,
        "billable": code.billable,
        "status": code.status,
        "badge": "deleted" if code.is_deleted else ("billable" if code.billable else "header"),
        "path": [{"code": a.display_code, "title": a.best_title} for a in hit.path],
        "matched": hit.matched,
        "found_by": hit.via,
        "score": hit.score,
        "url": code.get_absolute_url(),
        "fiscal_year_warning": hit.validity.message if hit.validity else None,
        "hccs": hit.hccs or None,
    }
