from django.http import HttpResponse
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from medcode.accounts.api_auth import RateLimited
from medcode.assistant import conversation as talk
from medcode.assistant import limits
from medcode.assistant.forms import MAX_QUESTION
from medcode.common.api import Error

router = Router()


class AskIn(Schema):
    question: str = Field(..., min_length=1, max_length=MAX_QUESTION)
    codes: list[str] = Field([], max_length=10, description="codes the conversation is about so far, as in an "
                             "earlier answer's `codes` (\"icd10cm:S72001A\"): a follow-up question is about them")


class CitationOut(Schema):
    label: str
    url: str


class FactOut(Schema):
    text: str
    citation: CitationOut | None


class AskOut(Schema):
    question: str
    answer: str = Field(..., description="the whole answer as text")
    facts: list[FactOut] = Field(..., description="each sentence of medcode's own answer and its source")
    citations: list[CitationOut]
    codes: list[str] = Field(..., description="system:code of the codes the answer is about")
    engine: str = Field(..., description="medcode (its own engine) or llm:<model>")
    notice: str = ""
    questions_left_today: int


@router.post("/ask", response={200: AskOut, 400: Error, 403: Error, 429: Error}, summary="Ask CasePilot a coding question")
def ask(request, response: HttpResponse, body: AskIn):
    """A grounded answer: every fact cites the code page or data it came from, and every code in it
    is in the catalogue. Questions per day follow the plan. Facts from a code's metered sections
    (edits, units, fees, instructions) use one of the reader's code-page views, as the page does."""
    # A cross-site post with the reader's session cookie is refused by ApiReader (CSRF).
    if not body.question.strip():
        raise HttpError(400, "question: write a question")
    allowed, retry_after, left = limits.take(request, request.auth)
    if not allowed:
        limit = limits.daily_limit(request.auth)
        raise RateLimited(limit, retry_after, f"daily limit of {limit} questions reached; retry in {retry_after} s")
    context = talk.codes_from([tuple(pair.split(":", 1)) for pair in body.codes if ":" in pair])
    answer = talk.ask(request, request.auth, body.question, context)
    return {
        "question": answer.question, "answer": answer.text, "engine": answer.engine, "notice": answer.notice,
        "facts": [{"text": f.text, "citation": f.cite and {"label": f.cite.label, "url": f.cite.url}} for f in answer.facts],
        "citations": [{"label": c.label, "url": c.url} for c in answer.citations],
        "codes": [f"{c.system}:{c.code}" for c in answer.codes], "questions_left_today": left,
    }
