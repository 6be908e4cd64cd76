"""An optional language model that words the default engine's facts more fluently.

Any OpenAI-compatible chat endpoint (llama.cpp server, vLLM, Ollama, a hosted one) named by
MEDCODE_LLM_URL. The model sees only the question and the numbered facts; its reply may name
only codes those facts name, else the default engine's answer is given instead.
"""

import json
import logging
import re
import urllib.request

from django.conf import settings

from medcode.assistant.reading import written_codes

SYSTEM_PROMPT = (
    "You are CasePilot, an assistant for professional medical coders. Answer the question using only the "
    "numbered facts given. After each sentence, cite the facts it uses in brackets, like [1] or [2][3]. Never "
    "name a code, modifier value, amount or rule that the facts do not state. If the facts do not answer the "
    "question, say that medcode does not know. Be brief and plain."
)
log = logging.getLogger(__name__)
_CITED = re.compile(r"\[(\d{1,3})\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


class Refused(Exception):
    """The model could not be reached, or said something the facts do not hold."""

    def __init__(self, detail, reason="named a code the facts do not hold"):
        super().__init__(detail)
        self.reason = reason

    @property
    def notice(self):
        """What the reader is told: never the invented code itself."""
        reason = "could not be reached" if self.__cause__ is not None else self.reason
        return f"The language model {reason}, so this is medcode's own answer."


def configured():
    return bool(settings.MEDCODE_LLM["URL"])


def name():
    return f"llm:{settings.MEDCODE_LLM['MODEL'] or 'default'}"


def codes_in(text):
    return set(written_codes(text).values())


def stream(answer):
    """Yield the model's reply in pieces as it arrives; raise Refused as soon as it names a code
    the facts do not (the caller then shows the default answer)."""
    allowed = codes_in(answer.text)
    numbered = "\n".join(f"[{i}] {fact.text}" for i, fact in enumerate(answer.facts, 1))
    body = {
        "model": settings.MEDCODE_LLM["MODEL"] or "default",
        "stream": True,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Question: {answer.question}\n\nFacts:\n{numbered}"},
        ],
    }
    request = urllib.request.Request(
        settings.MEDCODE_LLM["URL"].rstrip("/") + "/chat/completions", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": "text/event-stream",
                 **({"Authorization": f"Bearer {settings.MEDCODE_LLM['KEY']}"} if settings.MEDCODE_LLM["KEY"] else {})},
    )
    said = ""
    try:
        with urllib.request.urlopen(request, timeout=settings.MEDCODE_LLM["TIMEOUT"]) as response:
            for piece in _pieces(response):
                said += piece
                # Only whole words are checked while the reply streams: "9921" may become "99213".
                complete = said.rsplit(None, 1)[0] if said and not said[-1].isspace() else said
                if invented := codes_in(complete) - allowed:
                    raise _refuse(invented)
                yield piece
    except (OSError, ValueError) as error:  # URLError is an OSError; ValueError: an event not JSON
        raise Refused(f"the language model could not be reached: {error}") from error
    if invented := codes_in(said) - allowed:
        raise _refuse(invented)
    if not said.strip():
        raise Refused("the model said nothing", "said nothing")
    uncited = [sentence for sentence in _SENTENCE_END.split(said.strip()) if not _CITED.search(sentence)]
    if uncited:
        raise Refused(f"sentences without a source: {uncited[:2]}", "left a sentence without its source")


def _refuse(codes):
    log.warning("CasePilot: the language model named %s, which the facts do not; its answer was dropped", sorted(codes))
    return Refused(f"the model named {sorted(codes)}, which the facts do not")


def _pieces(response):
    for raw in response:
        line = raw.decode("utf-8", "replace").strip()
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            return
        event = json.loads(data)
        for choice in event.get("choices", []):
            piece = (choice.get("delta") or {}).get("content") or (choice.get("message") or {}).get("content")
            if piece:
                yield piece


def cited(text, facts):
    """[(piece of text, citation or None)]: the reply with its [n] markers tied to the facts' sources."""
    parts, last = [], 0
    for match in _CITED.finditer(text):
        number = int(match.group(1))
        parts.append((text[last:match.start()], None))
        fact = facts[number - 1] if 0 < number <= len(facts) else None
        parts.append((f"[{number}]", fact.cite if fact else None))
        last = match.end()
    parts.append((text[last:], None))
    return [part for part in parts if part[0]]
