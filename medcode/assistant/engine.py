"""CasePilot's default engine: answers composed from medcode's own data, offline.

Read the question (reading.py), gather the facts each intent asks for (facts.py), and say
them, each with its citation. Codes come only from the catalogue: the question's own codes,
Case2Code candidates, or the rows of the data files.
"""

import re
import time
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from medcode.assistant import drg, facts, risk
from medcode.assistant.facts import Citation, Fact
from medcode.assistant.reading import read
from medcode.codes import systems
from medcode.search import engine as search

CANDIDATES = 3
_HINT_WORDS = re.compile(r"\b([jgeklqz][- ]code|medicare|patient)\b", re.IGNORECASE)
_FILLER = re.compile(
    r"\b(what(?:'s| is)?|which|the|a|an|code|codes|for|icd-?10(?:-?cm|-?pcs)?|cpt|hcpcs|dx|diagnosis|procedure|"
    r"is|do|i|use|to|how|should|bill|billing|please|there)\b|[?]", re.IGNORECASE)
_SYSTEM_HINTS = [(re.compile(pattern, re.IGNORECASE), key) for pattern, key in (
    (r"\b(icd-?10-?pcs|pcs)\b", systems.ICD10PCS),
    (r"\b(icd-?10(-?cm)?|diagnosis|dx|z[- ]code)\b", systems.ICD10CM),
    (r"\b(hcpcs|[jgeklq][- ]code)\b", systems.HCPCS),
    (r"\bcpt\b", systems.CPT),
)]
_QUESTION_WORDS = re.compile(
    r"\b(describe|description|mean|meaning|means|explain|tell|me|about|does|stand|valid|billable|that|it|this|"
    r"me|can|you|define|definition|look|up|pcs|icd|cm|cpt|hcpcs)\b", re.IGNORECASE)
_GUIDELINE_WORDS = re.compile(r"\b(guidelines?|guidance|rules?|coding|official|are|on|about)\b", re.IGNORECASE)
ALTERNATIVE_SCORE = 0.9  # another candidate is named only when it ranks this close to the first


@dataclass
class Answer:
    question: str
    facts: list = field(default_factory=list)
    codes: list = field(default_factory=list)  # Codes the answer is about, for a follow-up question
    engine: str = "medcode"
    took_ms: float = 0.0
    prose: str = ""  # a language model's wording of the facts, when one is configured and passed the check
    notice: str = ""

    @property
    def text(self):
        return self.prose or " ".join(fact.text for fact in self.facts)

    @property
    def citations(self):
        return list(dict.fromkeys(fact.cite for fact in self.facts if fact.cite))


def answer(question, context_codes=(), day=None):
    started = time.perf_counter()
    day = day or timezone.localdate()
    reading = read(question, context_codes)
    result = Answer(question, codes=list(reading.codes))
    asks_about_a_code = reading.intents - {"find", "compare"} or not _other_words(question, reading.unknown)
    if reading.unknown and not reading.codes and asks_about_a_code:
        result.facts.append(Fact(
            "That code is not found in medcode's catalogue (CPT, HCPCS Level II, ICD-10-CM, ICD-10-PCS): check how it "
            "is written, or search for it in words.", Citation("Case2Code", reverse("search:search"))))
    elif not reading.codes and reading.modifiers:
        for token in reading.modifiers:
            result.facts += facts.modifier(token)
    elif not reading.codes and re.search(r"\bmod(ifier)?s?\b", question, re.IGNORECASE):
        result.facts += facts.modifiers_for(question) or [_dont_know()]
    elif not reading.codes and "guideline" in reading.intents:
        words = " ".join(_GUIDELINE_WORDS.sub(" ", _FILLER.sub(" ", question)).split())
        result.facts += facts.headings(words) if words else []
        result.facts.append(_dont_know("medcode does not hold the official coding guidelines' text."))
    elif not reading.codes:
        result.facts += _find(question, reading, result, day)
    elif "drg" in reading.intents and drg.asks_for_a_stay(question, reading.codes):
        result.facts += drg.stay_facts(reading.codes, question, day)
    else:
        result.facts += _about(reading, day)
    if not result.facts:
        result.facts.append(_dont_know())
    result.took_ms = (time.perf_counter() - started) * 1000
    return result


def _about(reading, day):
    found, codes, intents = [], reading.codes, reading.intents
    for code in codes:
        found += facts.describe(code)
        found += drg.validity(code, day)
    if "drg" in intents:
        for code in codes[:3]:
            found += drg.code_facts(code, day)
    if "hcc" in intents:
        for code in codes[:3]:
            found += risk.code_facts(code, reading.text, day)
    if len(codes) >= 2 and "pair" not in intents and "drg" not in intents and "hcc" not in intents:
        found += facts.difference(codes[0], codes[1])
    if len(codes) >= 2 and ("pair" in intents or reading.modifiers and "compare" not in intents):
        found += facts.pair(codes[0], codes[1], day, reading.modifiers)
    for code in codes[:3]:
        if "addon" in intents or (code.is_addon and "pair" not in intents and not intents - {"addon", "compare"}):
            found += facts.addon_rules(code, day)
        if "billable" in intents or code.system == systems.ICD10CM and not code.billable:
            found += facts.billable(code)
        if "units" in intents:
            found += facts.units(code, day)
        if "global" in intents:
            found += facts.global_period(code, day)
        if "fee" in intents:
            found += facts.fee(code, day)
        if "coverage" in intents:
            found += facts.coverage_of(code)
        if "notes" in intents or code.system == systems.ICD10CM and not intents - {"find", "compare"}:
            found += facts.notes(code)
    for token in reading.modifiers:
        found += facts.modifier(token)
    if "guideline" in intents:
        found.append(_dont_know("medcode does not hold the official guideline text."))
    return list(dict.fromkeys(found))


def _find(question, reading, result, day):
    """No code named: Case2Code's likeliest codes for the words, with their instructions."""
    system = next((key for hint, key in _SYSTEM_HINTS if hint.search(question)), None)
    words = " ".join(_FILLER.sub(" ", _HINT_WORDS.sub(" ", question)).split())
    if not words:
        return []
    hits = search.search(words, system=system, limit=CANDIDATES).hits
    if not hits:
        return []
    hits = [hits[0]] + [hit for hit in hits[1:] if hit.score >= hits[0].score * ALTERNATIVE_SCORE]
    link = Citation("Case2Code: " + words, reverse("search:search") + "?" + _query(words, system))
    found = [Fact("Likeliest codes for those words, from Case2Code (check the code page before you report one):", link)]
    for hit in hits:
        found += facts.describe(hit.code)
    result.codes = [hit.code for hit in hits]
    best = hits[0].code
    if best.system == systems.ICD10CM:
        found += facts.notes(best)[:3]
        if not best.billable:
            found += facts.billable(best)
    if reading.intents & {"units", "global", "fee", "addon"}:
        found += _about(replace(reading, codes=[best]), day)[1:]  # its description is said already
    return found


def _other_words(question, tokens):
    """Words the question says besides the codes it names and filler ("B12 injection J-code")."""
    text = _QUESTION_WORDS.sub(" ", _FILLER.sub(" ", _HINT_WORDS.sub(" ", question)))
    return [word for word in re.findall(r"[\w.]+", text) if word not in tokens and len(word) > 2]


def _query(words, system):
    return urlencode({"q": words, **({"system": systems.SYSTEMS[system].slug} if system else {})})


def _dont_know(lead="medcode does not know the answer to that from its data."):
    return Fact(f"{lead} Search the codes with Case2Code, or ask a certified coder through CaseConsultant.",
                Citation("Case2Code", reverse("search:search")))
