"""What the scrubber checks of a claim's diagnoses, from the ICD-10-CM tabular and the MCE.

A diagnosis's facts (is it a code, billable, valid on the date, its Excludes1, "code first" and
"use additional code" notes with the codes they name) are read once per code and kept for the
batch: a billing company's file names the same few hundred diagnoses thousands of times.
"""

import re
from dataclasses import dataclass, field

from medcode.codes import fiscal, mce, systems
from medcode.codes.models import Code, CodeNote

# A code a tabular note names: "(E10.-)", "(Z79.4)", "(U07.1)"; the dash stands for any completion. A range
# of categories ("E08-E13") names every category between its ends.
_NAMED_CODE = re.compile(r"\b([A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?)(?:\.?-)?")
_CATEGORY_RANGE = re.compile(r"\b([A-Z])([0-9]{2})\.?-?\s*-\s*([A-Z])([0-9]{2})\b")
COMPLETIONS_SHOWN = 8


@dataclass
class DiagnosisFacts:
    code: str
    found: Code | None
    completions: list = field(default_factory=list)  # billable codes under a header, first few
    completion_count: int = 0
    excludes1: list = field(default_factory=list)  # [(prefix, note text)] from the code and its ancestors
    code_first: list = field(default_factory=list)  # [(prefixes, note text)]
    use_additional: list = field(default_factory=list)  # [(prefixes, note text)]


def named_prefixes(text):
    """The codes a note names, without dots, as prefixes ("E10.-" -> "E10"; "E08-E13" -> E08 … E13)."""
    found = [match.replace(".", "") for match in _NAMED_CODE.findall(text)]
    for letter, first, other_letter, last in _CATEGORY_RANGE.findall(text):
        if letter == other_letter and int(first) < int(last):
            found += [f"{letter}{number:02d}" for number in range(int(first) + 1, int(last))]
    return list(dict.fromkeys(found))


class Facts:
    """Diagnosis facts for one batch (or one claim), read from the database once per code."""

    def __init__(self):
        self._known = {}

    def of(self, codes):
        missing = [c for c in dict.fromkeys(codes) if c not in self._known]
        if missing:
            self._read(missing)
        return {c: self._known[c] for c in codes}

    def _read(self, codes):
        found = {c.code: c for c in Code.objects.filter(system=systems.ICD10CM, code__in=codes).select_related("release")}
        owners = {}  # ancestor or own code -> the diagnoses it speaks for
        for code in codes:
            row = found.get(code)
            self._known[code] = DiagnosisFacts(code, row)
            if row is not None:
                for owner in [*row.ancestor_codes, code]:
                    owners.setdefault(owner, []).append(code)
        for code in codes:
            facts = self._known[code]
            if facts.found is not None and not facts.found.billable and not facts.found.is_group:
                under = Code.objects.filter(system=systems.ICD10CM, code__startswith=code, billable=True)
                facts.completion_count = under.count()
                facts.completions = list(under.order_by("code").values_list("code", flat=True)[:COMPLETIONS_SHOWN])
        wanted = [CodeNote.Kind.EXCLUDES1, CodeNote.Kind.CODE_FIRST, CodeNote.Kind.USE_ADDITIONAL]
        notes = CodeNote.objects.filter(owner__system=systems.ICD10CM, owner__code__in=list(owners),
                                        kind__in=wanted).order_by("seq").values_list("owner__code", "kind", "text")
        grouped = {}  # a "code first" list ("such as: Alzheimer's (G30.-), …") is one note per item
        for owner, kind, text in notes:
            prefixes = named_prefixes(text)
            if prefixes:  # a note naming no code ("code first any associated condition") cannot be checked
                grouped.setdefault((owner, kind), []).append((prefixes, text))
        for (owner, kind), items in grouped.items():
            for code in owners[owner]:
                facts = self._known[code]
                if kind == CodeNote.Kind.EXCLUDES1:
                    facts.excludes1 += [(prefix, text) for prefixes, text in items for prefix in prefixes]
                else:
                    either = ([p for prefixes, _ in items for p in prefixes], "; ".join(text for _, text in items))
                    (facts.code_first if kind == CodeNote.Kind.CODE_FIRST else facts.use_additional).append(either)


@dataclass
class DiagnosisFinding:
    kind: str  # dx-unknown, dx-header, dx-date, dx-fiscal, mce, excludes1, code-first, use-additional, pointer
    severity: str  # deny, warn, info
    positions: list  # 1-based places of the diagnoses it concerns
    message: str
    rule: str  # what rule and release it comes from


def display(code):
    return systems.display(systems.ICD10CM, code)


def check(diagnoses, day, facts, *, age=None, sex=None, release_name=""):
    """Findings on a claim's diagnosis list (no dots, first-listed first) for a date of service."""
    known = facts.of(diagnoses)
    found = []
    valid = []
    for position, code in enumerate(diagnoses, start=1):
        fact = known[code]
        row = fact.found
        if row is None or row.is_group:
            newer = fiscal.not_held(code, systems.ICD10CM, day) if row is None else None
            if newer is not None:  # a FY2027 code medcode has no file for yet: not an unknown one
                found.append(DiagnosisFinding("dx-fiscal", "info", [position], newer.not_held_message, newer.source))
                continue
            found.append(DiagnosisFinding("dx-unknown", "deny", [position],
                                          f"{display(code)} is not an ICD-10-CM code.", release_name))
            continue
        if not row.billable:
            more = f" and {fact.completion_count - len(fact.completions)} more" \
                if fact.completion_count > len(fact.completions) else ""
            choices = ", ".join(display(c) for c in fact.completions)
            what = "needs its 7th character" if _needs_seventh(code, fact.completions) \
                else "is a header (category or subcategory), not a billable code"
            found.append(DiagnosisFinding("dx-header", "deny", [position],
                                          f"{display(code)} {what}: report one of {choices}{more}.", release_name))
            continue
        if (row.effective_date and day < row.effective_date) or (row.end_date and day > row.end_date):
            when = f"valid {row.effective_date or '…'} to {row.end_date or '…'}"
            found.append(DiagnosisFinding("dx-date", "deny", [position],
                                          f"{display(code)} is not valid on {day:%Y-%m-%d} ({when}).", release_name))
            continue
        if row.release_id and fiscal.beyond(row.release.effective_date, day):
            validity = fiscal.check(systems.ICD10CM, code, day)
            if not validity.valid:
                found.append(DiagnosisFinding("dx-fiscal", "deny", [position],
                                              f"{validity.message[:-1]} for a date of service of {day:%Y-%m-%d}.",
                                              validity.source))
                continue
        valid.append((position, code))
    found += _mce(valid, day, age, sex)
    found += _excludes1(valid, known, release_name)
    found += _notes(valid, known, release_name)
    return found


def _needs_seventh(code, completions):
    """True when every billable code under it is it, X placeholders to six characters, and a 7th."""
    stem = code.ljust(6, "X")
    return len(code) < 7 and bool(completions) and all(len(c) == 7 and c[:6] == stem for c in completions)


# The MCE edits inpatient claims, and its age and sex conflicts ask for a check rather than deny; a
# manifestation or external cause code listed first breaks an ICD-10-CM convention on any claim.
MCE_SEVERITY = {"AGE_CONFLICT": "warn", "SEX_CONFLICT": "warn", "MANIFESTATION_AS_PDX": "deny",
                "E_CODE_AS_PDX": "deny", "WRONG_PROCEDURE_PERFORMED": "warn"}
# Inpatient admission edits say nothing about a visit's first-listed diagnosis.
MCE_SKIPPED = {"QUESTIONABLE_ADMISSION", "UNACCEPTABLE_PDX", "REQUIRES_SDX", "UNSPECIFIED",
               "MEDICARE_IS_SECONDARY_PAYER"}


def _mce(valid, day, age, sex):
    if not valid:
        return []
    codes = [code for _, code in valid]
    release = mce.release_for(day)
    rule = f"Medicare Code Editor, {release.name}"
    found = []
    for edit in mce.claim_diagnosis_edits(codes, day, age=age, sex=sex):
        if edit.name in MCE_SKIPPED:
            continue
        position = valid[edit.position - 1][0]
        words = edit.words
        if edit.name in {"AGE_CONFLICT", "SEX_CONFLICT"}:
            patient = f"Age {age}" if edit.name == "AGE_CONFLICT" else f"Sex {sex}"
            ranges = "; ".join(e.words.split(": ", 1)[-1] for e in mce.diagnosis_edits(edit.code, day) if e.name == edit.name)
            words = f"{patient} conflicts with {display(edit.code)} ({ranges}): check the patient's data and the code"
            if edit.code.startswith("P") and edit.name == "AGE_CONFLICT":
                words += "; a perinatal (P) code may be used at any age while the condition persists"
        elif edit.name == "MANIFESTATION_AS_PDX":
            words = f"{display(edit.code)} is a manifestation code: list the underlying condition first"
        elif edit.name == "E_CODE_AS_PDX":
            words = f"{display(edit.code)} is an external cause code (V00-Y99): it may not be listed first"
        else:
            words = f"{display(edit.code)}: {words}"
        found.append(DiagnosisFinding("mce", MCE_SEVERITY.get(edit.name, "info"), [position], words + ".", rule))
    note = mce.coverage_note(day)
    if note:
        found.append(DiagnosisFinding("mce", "info", [], note, rule))
    return found


def _excludes1(valid, known, release_name):
    found = []
    for position, code in valid:
        for other_position, other in valid:
            if other == code:
                continue
            hit = next(((prefix, text) for prefix, text in known[code].excludes1 if other.startswith(prefix)), None)
            if hit and not (other_position < position and _excluded_either_way(known, other, code)):
                found.append(DiagnosisFinding(
                    "excludes1", "warn", sorted([position, other_position]),
                    f"{display(code)} has an Excludes1 note naming {display(hit[0])}: {display(other)} is normally "
                    "not reported with it; report both only when the two conditions are unrelated, or query the "
                    f"provider (note: \u201c{hit[1][:160]}\u201d).", release_name))
    return found


def _excluded_either_way(known, code, other):
    """True when `code` also excludes `other`: the pair is reported once, from the first of the two."""
    return any(other.startswith(prefix) for prefix, _ in known[code].excludes1)


def _notes(valid, known, release_name):
    found = []
    codes = [code for _, code in valid]
    for position, code in valid:
        for prefixes, text in known[code].code_first:
            before = codes[:position - 1]
            if any(c.startswith(p) for c in codes for p in prefixes) and \
                    not any(c.startswith(p) for c in before for p in prefixes):
                found.append(DiagnosisFinding("code-first", "warn", [position],
                                              f"{display(code)}: the condition it says to code first is on the "
                                              f"claim but listed after it (\u201c{text[:160]}\u201d).", release_name))
            elif not any(c.startswith(p) for c in codes for p in prefixes):
                found.append(DiagnosisFinding("code-first", "warn", [position],
                                              f"{display(code)} has a \u201ccode first\u201d note (examples: "
                                              f"{_names(prefixes)}) and no code it names is on the claim: if an "
                                              "underlying condition is documented, code it first "
                                              f"(\u201c{text[:160]}\u201d).", release_name))
        for prefixes, text in known[code].use_additional:
            if not any(c.startswith(p) for c in codes for p in prefixes):
                found.append(DiagnosisFinding("use-additional", "info", [position],
                                              f"{display(code)} says to use an additional code, if it applies: "
                                              f"{_names(prefixes)}; none is on the claim (\u201c{text[:160]}\u201d).",
                                              release_name))
    return found


def _names(prefixes, limit=6):
    shown = [display(p) + ("-" if len(p) < 7 else "") for p in dict.fromkeys(prefixes)]
    return ", ".join(shown[:limit]) + (f" and {len(shown) - limit} more" if len(shown) > limit else "")
