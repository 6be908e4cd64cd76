"""A claim as the scrubber reads it, whatever it came from (the form, an 837P file, a CSV)."""

import re
from dataclasses import dataclass, field
from datetime import date

MAX_DIAGNOSES = 12  # an 837P claim (HI segment) and the CMS-1500 carry at most 12
MAX_LINES = 50  # the 837P allows 50 service lines per claim
MAX_POINTERS = 4  # diagnosis pointers per service line (SV107, box 24E)
POINTER_LETTERS = "ABCDEFGHIJKL"  # the CMS-1500 names the 12 diagnoses A to L


def parse_pointers(text):
    """Diagnosis pointers as coders write them ("A B", "1,2", "ab" is not one): 1-based positions.
    Raises ValueError saying which pointer is wrong."""
    pointers = []
    for token in re.split(r"[\s,;]+", text.strip().upper()):
        if not token:
            continue
        if token in POINTER_LETTERS:
            pointers.append(POINTER_LETTERS.index(token) + 1)
        elif token.isdigit() and 1 <= int(token) <= MAX_DIAGNOSES:
            pointers.append(int(token))
        else:
            raise ValueError(f"diagnosis pointer {token[:8]!r} is not A-L or 1-{MAX_DIAGNOSES}")
    if len(pointers) > MAX_POINTERS:
        raise ValueError(f"a service line points at most at {MAX_POINTERS} diagnoses, not {len(pointers)}")
    return pointers


@dataclass
class ServiceLine:
    number: int  # 1-based, as the claim numbers its lines (LX01 in an 837P)
    code: str  # CPT or HCPCS, upper case
    modifiers: list[str] = field(default_factory=list)
    units: int = 1
    pointers: list[int] = field(default_factory=list)  # 1-based positions in Claim.diagnoses (A=1 … L=12)
    day: date | None = None  # the line's date of service; None: the claim's
    charge: str = ""  # as written; the scrubber does not price lines


@dataclass
class Claim:
    claim_id: str  # the submitter's own identifier (CLM01 in an 837P, claim_id in a CSV)
    diagnoses: list[str] = field(default_factory=list)  # ICD-10-CM, upper case, no dot; the first is first-listed
    lines: list[ServiceLine] = field(default_factory=list)
    day: date | None = None  # the claim's date of service, when lines give none
    age: int | None = None  # in whole years on the date of service
    sex: str | None = None  # "F", "M" or None (unknown)
    place_of_service: str = ""  # two digits (CLM05-1)
    setting: str = "practitioner"  # which NCCI edits apply: practitioner (837P) or hospital
    source: str = ""  # where it was read: "claims.837 claim 3 (segment 41)"
    problems: list[str] = field(default_factory=list)  # what could not be read; a claim with problems is not checked

    def day_of(self, line):
        return line.day or self.day


class BatchError(ValueError):
    """A file the scrubber cannot read at all; the message names the segment or line and position."""
