"""Reading the diagnoses a coder types or a program sends: ICD-10-CM codes, checked against what
medcode knows, so a typo is named instead of silently scoring nothing."""

import re
from datetime import date

from medcode.codes import mce, systems
from medcode.codes.models import Code
from medcode.riskadjust import tables

MOST_DIAGNOSES = 200  # a member-year of diagnoses; more is a pasted file, not a member
diagnosis_shape = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}").fullmatch


class DiagnosisError(ValueError):
    """Diagnoses medcode cannot score; the message names them."""


def codes_in(text):
    return [code for part in re.split(r"[\s,;]+", text or "") if (code := systems.normalize(part))]


def diagnoses(raw):
    """raw: text or a list of codes, with or without dots -> stored codes, first mention kept."""
    found = codes_in(raw) if isinstance(raw, str) else [systems.normalize(c) for c in raw if str(c).strip()]
    found = list(dict.fromkeys(found))
    if len(found) > MOST_DIAGNOSES:
        raise DiagnosisError(f"At most {MOST_DIAGNOSES} diagnoses a member; this has {len(found)}.")
    wrong = [code for code in found if not diagnosis_shape(code)]
    if wrong:
        raise DiagnosisError(f"Not ICD-10-CM codes: {', '.join(w[:12] for w in wrong[:5])}.")
    unknown = set(found) - known(found)
    if unknown:
        shown = ", ".join(systems.display(systems.ICD10CM, c) for c in sorted(unknown)[:5])
        raise DiagnosisError(f"medcode knows no ICD-10-CM code {shown}: not in its catalogue, the Medicare Code "
                             f"Editor's lists or the CMS-HCC mappings.")
    return found


def known(codes):
    held = set(Code.objects.filter(system=systems.ICD10CM, code__in=codes).values_list("code", flat=True))
    rest = set(codes) - held
    for code in list(rest):
        mapped = any((code, model.name) in tables.mapping(year.mapping) for year in tables.YEARS for model in tables.MODELS)
        if mapped or _valid_lately(code):
            held.add(code)
    return held


def _valid_lately(code):
    today = date.today()
    return any(mce.covers(day) and mce.accepts(code, day) for day in (today, date(today.year - 1, 10, 1)))
