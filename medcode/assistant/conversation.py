"""Asking with a memory: the codes a follow-up is about, saved turns, and how a turn is shown."""

from django.db import transaction

from medcode.assistant import access, engine, llm
from medcode.assistant.facts import Citation, Fact
from medcode.assistant.models import Conversation, Turn
from medcode.codes.models import Code

GUEST_TURNS = 10  # a guest's conversation lives in the session, this many turns long
SESSION_KEY = "casepilot"


def codes_from(pairs):
    wanted = {(system, code) for system, code in pairs}
    found = {(c.system, c.code): c for c in Code.objects.filter(code__in=[code for _, code in wanted])}
    return [found[tuple(pair)] for pair in pairs if tuple(pair) in found]


def context(request, conversation):
    if conversation is not None:
        return codes_from(conversation.context_codes())
    turns = request.session.get(SESSION_KEY, [])
    return codes_from(turns[-1]["codes"]) if turns else []


def answer_for(request, reader, question, context_codes=()):
    """The default engine's answer, with what the reader's plan opens."""
    return access.gate(request, reader, engine.answer(question, context_codes))


def worded(answer):
    """Have the language model, when one is configured, reword the answer: yield its reply in pieces
    as they arrive, then None if the reply was refused (the answer then stays medcode's own)."""
    if not llm.configured():
        return
    said = ""
    try:
        for piece in llm.stream(answer):
            said += piece
            yield piece
        answer.prose, answer.engine = said, llm.name()
    except llm.Refused as refused:
        answer.notice = refused.notice
        yield None


def ask(request, reader, question, context_codes=()):
    """The answer, reworded by the language model when its wording names no code the facts do not."""
    answer = answer_for(request, reader, question, context_codes)
    for _ in worded(answer):
        pass
    return answer


def record(answer):
    return {
        "question": answer.question, "answer": answer.text, "engine": answer.engine, "notice": answer.notice,
        "facts": [{"text": f.text, "label": f.cite.label if f.cite else "", "url": f.cite.url if f.cite else ""}
                  for f in answer.facts],
        "codes": [[c.system, c.code] for c in answer.codes],
    }


def remember(request, conversation, answer):
    """Keep a turn: in the database for a logged-in reader (returns the conversation), in the session for a guest."""
    turn = record(answer)
    if request.user.is_authenticated:
        with transaction.atomic():
            if conversation is None:
                conversation = Conversation.objects.create(user=request.user, title=answer.question[:120])
            Turn.objects.create(conversation=conversation, question=turn["question"], answer=turn["answer"],
                                facts=turn["facts"], codes=turn["codes"], engine=turn["engine"])
            conversation.save(update_fields=["updated_at"])
        return conversation
    request.session[SESSION_KEY] = (request.session.get(SESSION_KEY, []) + [turn])[-GUEST_TURNS:]
    return None


def turns(request, conversation):
    if conversation is not None:
        return [{"question": t.question, "answer": t.answer, "engine": t.engine, "notice": "", "facts": t.facts,
                 "codes": t.codes} for t in conversation.turns.all()]
    return request.session.get(SESSION_KEY, []) if not request.user.is_authenticated else []


def present(turn):
    """A turn as the page shows it: pieces of text, each citation a numbered link, and the sources."""
    facts = [Fact(f["text"], Citation(f["label"], f["url"]) if f["url"] else None) for f in turn["facts"]]
    sources = list(dict.fromkeys(f.cite for f in facts if f.cite))
    number = {cite: i for i, cite in enumerate(sources, 1)}
    pieces = []
    if turn["engine"] == "medcode":
        for fact in facts:
            pieces.append((fact.text + " ", None, ""))
            if fact.cite:
                pieces.append((f"[{number[fact.cite]}]", fact.cite.url, fact.cite.label))
            pieces.append((" ", None, ""))
    else:
        for text, cite in llm.cited(turn["answer"], facts):
            pieces.append((f"[{number[cite]}]" if cite else text, cite.url if cite else None, cite.label if cite else ""))
    return {**turn, "pieces": pieces, "sources": [(number[c], c.label, c.url) for c in sources]}
