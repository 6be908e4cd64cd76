"""Reading a question: the codes and modifiers it names, and what it asks about them."""

import re
from dataclasses import dataclass, field

from medcode.codes import lookup, systems
from medcode.reference import modifiers

# A code as coders type it: 99213, J1100, E11.9, s72001a, 0DTJ4ZZ. Words without a digit are never codes.
CODE_LIKE = re.compile(r"(?<![\w.])([A-Za-z0-9]{3,7}(?:\.[A-Za-z0-9]{1,4})?)(?![\w])")
_MODIFIER_AFTER = re.compile(r"\b(?:modifiers?|mod)\s*-?\s*([A-Za-z0-9]{2})\b(?:\s*(?:and|or|,|/|vs\.?|versus)\s*-?([A-Za-z0-9]{2})\b)?",
                             re.IGNORECASE)
_MODIFIER_BEFORE = re.compile(r"(?:^|\s)-?([A-Za-z0-9]{2})\s+modifiers?\b", re.IGNORECASE)
_PAIRED = re.compile(r"(?<![\w.])-?([A-Za-z0-9]{2})\s*(?:vs\.?|versus|or|/)\s*-?([A-Za-z0-9]{2})(?![\w.])", re.IGNORECASE)
_DASHED = re.compile(r"(?:^|\s)-([0-9]{2}|[A-Z]{2}|[A-Z][0-9])\b")
# Written bare, only modifiers no clinical abbreviation spells (not CT, ED, ER or T1).
_BARE = re.compile(r"\b(X[EPSU]|LT|RT|KX|G[AYZ]|J[WZ]|TC|QW|Q[56]|FA|TA|LC|LD|RC)\b")

INTENT_WORDS = {
    "pair": ("billed with", "bill with", "together", "bundle", "bundled", "ncci", "ptp", "same day", "same session",
             "along with", "report with", "billed on the same", "reported with", "separately"),
    "addon": ("add-on", "addon", "add on", "added to", "primary", "primaries", "report it with", "what do i report", "report this with",
              "used with", "goes with", "go with"),
    "units": ("unit", "mue", "medically unlikely", "how many", "maximum", "max "),
    "global": ("global", "postop", "post-op", "post op", "follow-up days", "follow up days"),
    "fee": ("pay", "fee", "reimburs", "rvu", "allowable", "allowed", "amount", "cost", "price", "worth", "rate", "pfs"),
    "billable": ("billable", "7th", "seventh", "valid", "as is", "specific enough", "complete code",
                 "header"),
    "notes": ("use additional", "code first", "code also", "what else", "excludes", "additional code",
              "also code", "instruction", "notes", "sequenc", "which code goes first", "code goes first"),
    "coverage": ("cover", "lcd", "ncd", "medical necessity", "medically necessary"),
    "guideline": ("guideline", "guidance", "rules for"),
    "drg": ("drg", "mcc", " cc ", " cc?", " cc.", " cc,", "comorbidit", "group to", "groups to", "grouper", "grouping",
            "o.r. procedure", "or procedure", "operating room", "non-o.r."),
    "hcc": ("hcc", "risk adjust", "risk-adjust", "raf ", "raf?", "risk score", "hierarchical condition"),
    "compare": ("difference", " vs", "versus", "compare", " or "),
    "find": ("code for", "which code", "what code", "code to use", "how do i code", "how to code", "icd-10 for",
             "icd 10 for", "cpt for", "hcpcs for", "diagnosis code", "procedure code", "dx code"),
}


# "the V28 HCC", "V24 model": a risk adjustment model's name, not the ICD-10-CM categories V28 and V24.
_RISK_MODEL = re.compile(r"\b(?:CMS-HCC\s+)?V ?2[0-9](?=\s*(?:CMS-)?(?:HCCs?|models?|risk|score|RAF|categor(?:y|ies))\b)|"
                         r"(?<=HCC )V ?2[0-9]\b|(?<=\bin )V ?2[0-9](?=\s*(?:[?!,;)]|$))|\(V ?2[0-9]\)|"
                         r"\bRx ?HCC\s+V0[0-9]\b", re.IGNORECASE)


_TOGETHER = (" bill", " report", " paid", " both", " together", " same ", " with ")


@dataclass
class Reading:
    text: str
    codes: list = field(default_factory=list)  # Code objects, in the order named
    modifiers: list = field(default_factory=list)  # modifier codes, upper case
    unknown: list = field(default_factory=list)  # code-like words no code set holds
    intents: set = field(default_factory=set)


def read(question, context_codes=()):
    """What a question names and asks. `context_codes` are the codes of the conversation so far:
    a follow-up ("and with modifier 59?") is about them."""
    text = " ".join(question.split())
    lowered = f" {text.lower()} "
    said_modifiers = _modifiers(text)
    codes, unknown = [], []
    for token in CODE_LIKE.findall(_RISK_MODEL.sub(" ", text)):
        if not any(ch.isdigit() for ch in token) or token.upper() in said_modifiers:
            continue
        code = lookup.find(token)
        if code is None:
            if looks_like_a_code(token):
                unknown.append(token)
        elif all(c.pk != code.pk for c in codes):
            codes.append(code)
    reading = Reading(text, codes, said_modifiers, unknown)
    reading.intents = {intent for intent, words in INTENT_WORDS.items() if any(w in lowered for w in words)}
    if _RISK_MODEL.search(text):  # "which V28 category?" names a risk adjustment model
        reading.intents.add("hcc")
    if len(codes) >= 2 and "compare" not in reading.intents and any(w in lowered for w in _TOGETHER):
        reading.intents.add("pair")
    if len(codes) == 1 and "pair" in reading.intents:  # "which codes can it be reported with?"
        reading.intents.add("addon")
    if not codes and not unknown and context_codes and (said_modifiers or reading.intents - {"find"}):
        reading.codes = list(context_codes)
        if said_modifiers and len(reading.codes) >= 2:
            reading.intents.add("pair")
    return reading


def written_codes(text):
    """{code-like word of a text: the code it would be}, for words that look like codes."""
    return {token: systems.normalize(token) for token in CODE_LIKE.findall(text) if looks_like_a_code(token)}


def looks_like_a_code(token):
    """A 5-character number, a letter and digits, a dotted ICD code: not "2026" or "10mg"."""
    plain = token.replace(".", "").upper()
    if "." in token and not token[0].isalpha():  # only ICD-10-CM codes carry a dot: 135.61 is money
        return False
    if plain.isdigit():
        return len(plain) == 5
    return bool(re.fullmatch(r"[A-Z][0-9][0-9A-Z]{1,5}|[0-9][0-9A-Z]{6}|[0-9]{4}[A-Z]", plain)) and "MG" not in plain


def _modifiers(text):
    known = set(modifiers.guide()) | set(modifiers.hcpcs_modifiers())
    found = []
    for match in _MODIFIER_AFTER.finditer(text):
        found += [m for m in match.groups() if m]
    found += _MODIFIER_BEFORE.findall(text) + _DASHED.findall(text)
    for first, second in _PAIRED.findall(text):  # "57 vs 25", "76 or 77": two modifiers compared
        if first.upper() in known and second.upper() in known:
            found += [first, second]
    found += _BARE.findall(text)
    return list(dict.fromkeys(m.upper() for m in found if m.upper() in known))
