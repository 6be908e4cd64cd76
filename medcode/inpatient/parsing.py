"""Reading a stay typed by a coder (the grouper page and the API): codes with their POA indicators."""

import re

from medcode.codes import systems
from medcode.inpatient.stay import MAX_DIAGNOSES, MAX_PROCEDURES, POA_VALUES, Diagnosis

diagnosis_shape = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}").fullmatch  # ICD-10-CM, no dot: 3 to 7 characters
procedure_shape = re.compile(r"[0-9A-HJ-NP-Z]{7}").fullmatch  # ICD-10-PCS: 7 characters, no I or O


class StayError(ValueError):
    """A typed stay medcode cannot read; the message says which code or field."""


def diagnosis(text, what="diagnosis"):
    """"A41.51 Y", "a4151", "R65.21-N" -> Diagnosis; the POA indicator is optional (Y, N, U, W; 1 or blank: none)."""
    parts = [p for p in re.split(r"[\s,;:/-]+", text.strip()) if p]
    if not parts:
        raise StayError(f"The {what} is empty.")
    if len(parts) > 2:
        raise StayError(f"{what.capitalize()} {text.strip()[:24]!r}: write a code and at most a POA indicator.")
    code = systems.normalize(parts[0])
    if not diagnosis_shape(code):
        raise StayError(f"{what.capitalize()} {parts[0][:12]!r} is not an ICD-10-CM code.")
    poa = parts[1].upper() if len(parts) == 2 else ""
    if poa == "1":
        poa = ""
    if poa and poa not in POA_VALUES:
        raise StayError(f"{what.capitalize()} {systems.display(systems.ICD10CM, code)}: POA indicator {poa[:3]!r} "
                        f"is not Y, N, U, W or 1.")
    return Diagnosis(code, poa)


def diagnoses(text):
    """Secondary diagnoses, one per line (or separated by commas when no POA is given)."""
    lines = [line for line in re.split(r"[\n;]+", text or "") if line.strip()]
    if len(lines) == 1 and "," in lines[0]:
        lines = lines[0].split(",")
    found = [diagnosis(line, "secondary diagnosis") for line in lines if line.strip()]
    if len(found) > MAX_DIAGNOSES - 1:
        raise StayError(f"A stay carries at most {MAX_DIAGNOSES - 1} secondary diagnoses; this has {len(found)}.")
    return found


def procedures(text):
    codes = [systems.normalize(c) for c in re.split(r"[\s,;]+", text or "") if c.strip()]
    for code in codes:
        if not procedure_shape(code):
            raise StayError(f"Procedure {code[:12]!r} is not an ICD-10-PCS code (7 characters).")
    if len(codes) > MAX_PROCEDURES:
        raise StayError(f"A stay carries at most {MAX_PROCEDURES} procedures; this has {len(codes)}.")
    return codes
