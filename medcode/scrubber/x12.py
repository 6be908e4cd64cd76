"""Read X12 837P professional claims (005010X222A1) into scrubber Claims.

    read_837p(data, name, max_bytes=DEFAULT_MAX_BYTES) -> Iterator[Claim]
        A generator: nothing is read, and nothing raised, until the first claim is asked for.
    Reader(data, name, max_bytes=DEFAULT_MAX_BYTES)
        The same with the file's warnings: checks the ISA when made, yields the claims when
        iterated (once), and lists in `reader.warnings` (str) what is wrong with the envelope.

Three kinds of trouble, each message naming the segment ID and its 1-based position:
- BatchError, the file cannot be read as 837P: over max_bytes, empty, not X12, an ISA that is
  not 106 fixed-width characters, not 5010, a group or transaction set that is not 837P
  005010X222A1 (an 837I, a 270), a segment outside a transaction set, an empty segment
  mid-file. Claims yielded before it stand; the caller decides whether the batch does.
- Warnings, every claim still read: SE, GE or IEA counts and control numbers that disagree,
  missing trailers, bytes after the last segment terminator.
- Claim.problems, the claim yielded all the same and the next one read as usual: its units,
  a pointer past its diagnoses, over 12 diagnoses or 50 lines, a malformed code or date.

pyx12's RawX12File and not its X12Reader: X12Reader builds a Segment/Composite/Element object
graph per segment, about 2,500 ten-line claims/s before any claim is assembled. RawX12File, the
tokenizer under it (ISA delimiters, segment splitting), runs ~18,000/s; the SE01, GE01, IEA01
count and control number checks X12Reader makes are made here (the tests compare the two).
The envelope and the subscriber and patient loops are read by x12_envelope.Envelope837, which
the 837I reader (x12i.py) shares; this module reads the 837P claim loops (2300, 2400).
"""

import re
from collections.abc import Iterator

from .claim import MAX_DIAGNOSES, MAX_LINES, Claim, ServiceLine
from .x12_envelope import (
    DEFAULT_MAX_BYTES,
    ENDS_CLAIM,
    ENVELOPE,
    ISA_WIDTHS,
    LEADING_BLANKS,
    PADDING,
    Envelope837,
    Person,
    day_from,
    first_day,
)

__all__ = [
    "DEFAULT_MAX_BYTES", "ENDS_CLAIM", "ENVELOPE", "ISA_WIDTHS", "LEADING_BLANKS", "OTHER_VERSIONS", "PADDING",
    "VERSION", "Person", "Reader", "day_from", "describe", "first_day", "read_837p", "whole_number",
]  # fmt: skip

VERSION = "005010X222A1"  # 837P health care claim: professional, with its errata
# Named in the error so that whoever sent the wrong kind of file sees which kind it was.
OTHER_VERSIONS = {
    "005010X223A2": "837I institutional claim",
    "005010X224A2": "837D dental claim",
    "005010X279A1": "270/271 eligibility inquiry",
    "005010X221A1": "835 remittance advice",
    "005010X222": "837P before its errata (A1)",
}
CLAIM_SEGMENTS = frozenset({"HI", "LX", "SV1"})
CLAIM_DATES = frozenset({"431", "434", "472"})  # onset of illness, statement, service

procedure_code = re.compile(r"[A-Z0-9]{5}").fullmatch
modifier_code = re.compile(r"[A-Z0-9]{2}").fullmatch
diagnosis_code = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}").fullmatch  # ICD-10-CM: 3 to 7, no dot


def read_837p(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Claim]:
    """The claims of an 837P file; Reader gives its envelope warnings too."""
    yield from Reader(data, name, max_bytes)


def describe(version):
    known = OTHER_VERSIONS.get(version)
    return f"version {version!r}" + (f" ({known})" if known else "")


def whole_number(text):
    """A quantity as an int (X12 writes decimals: "2", "2.0"), or None."""
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


class Reader(Envelope837):
    """One 837P file: iterate it once for its claims, then read its `warnings`."""

    KIND, VERSION, OTHER_VERSIONS, CLAIM_SEGMENTS = "837P", VERSION, OTHER_VERSIONS, CLAIM_SEGMENTS

    def __init__(self, data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES):
        super().__init__(data, name, max_bytes)
        self.claim: Claim | None = None
        self.line: ServiceLine | None = None
        self.line_positions: list[list[int]] = []  # per line kept: [LX position, SV1 position or 0]
        self.lines_seen = self.clm_position = 0
        self.person: Person | None = None  # whose DMG the current claim's age and sex come from

    def __iter__(self) -> Iterator[Claim]:
        return super().__iter__()

    def handlers(self):
        return {"LX": self.lx, "SV1": self.sv1, "DTP": self.dtp, "CLM": self.clm, "HI": self.hi}

    # Loop 2300, the claim, and its 2400 service lines.

    def clm(self, fields, position):
        _, claim_id, _, _, _, facility, *_ = fields + PADDING
        self.claim_count += 1
        claim = Claim(claim_id=claim_id, source=f"{self.name} claim {self.claim_count} (segment {position})")
        if not claim_id:
            claim.problems.append(f"CLM at segment {position}: no claim identifier (CLM01)")
        place = facility.partition(self.component)[0]
        if len(place) == 2 and place.isascii() and place.isdigit():
            claim.place_of_service = place
        else:
            claim.problems.append(f"CLM at segment {position}: place of service (CLM05-1) {place!r} is not 2 digits")
        self.person = person = self.claim_person()
        if person is not None:
            claim.sex = person.sex if person.sex in ("F", "M") else None
            claim.problems.extend(person.problems)
            if person.sex not in ("F", "M", "U", ""):
                claim.problems.append(f"DMG at segment {person.position}: sex (DMG03) {person.sex!r} is not F, M or U")
        self.claim, self.line, self.line_positions = claim, None, []
        self.lines_seen, self.clm_position = 0, position

    def hi(self, fields, position):
        claim, where = self.claim, f"HI at segment {position}"
        for composite in fields[1:]:
            qualifier, _, rest = composite.partition(self.component)
            if qualifier not in ("ABK", "ABF", "BK", "BF"):
                continue  # condition, occurrence, value codes; anesthesia procedures
            code = rest.partition(self.component)[0].upper().replace(".", "")
            if qualifier in ("BK", "BF"):
                claim.problems.append(f"{where}: {code!r} is an ICD-9-CM diagnosis ({qualifier}), not ICD-10-CM")
            elif qualifier == "ABK" and claim.diagnoses:
                claim.problems.append(f"{where}: a second principal diagnosis (ABK) {code!r}")
            elif qualifier == "ABF" and not claim.diagnoses:
                claim.problems.append(f"{where}: diagnosis {code!r} (ABF) before the principal one (ABK)")
            if len(claim.diagnoses) == MAX_DIAGNOSES:
                claim.problems.append(f"{where}: diagnosis {code!r} is past the {MAX_DIAGNOSES} a claim carries")
                return
            if not diagnosis_code(code):
                claim.problems.append(f"{where}: diagnosis {code!r} is not an ICD-10-CM code")
            claim.diagnoses.append(code)  # even when bad: SV107 pointers count positions

    def lx(self, fields, position):
        claim = self.claim
        self.lines_seen += 1
        self.line = None
        if self.lines_seen > MAX_LINES:
            if self.lines_seen == MAX_LINES + 1:
                claim.problems.append(f"LX at segment {position}: more than {MAX_LINES} service lines")
            return
        written = fields[1] if len(fields) > 1 else ""
        number = int(written) if written.isascii() and written.isdigit() else 0
        if number != self.lines_seen:
            claim.problems.append(f"LX at segment {position}: line number {written!r}, not {self.lines_seen}")
        self.line = ServiceLine(number=self.lines_seen, code="")
        claim.lines.append(self.line)
        self.line_positions.append([position, 0])

    def sv1(self, fields, position):
        line, claim = self.line, self.claim
        if line is None or self.line_positions[-1][1]:
            if line is not None or self.lines_seen <= MAX_LINES:  # not a line past MAX_LINES
                claim.problems.append(f"SV1 at segment {position}: no LX of its own before it")
            return
        self.line_positions[-1][1] = position
        _, procedure, charge, basis, quantity, _, _, pointers, *_ = fields + PADDING
        problems, where = claim.problems, f"SV1 at segment {position} (line {line.number})"
        qualifier, _, procedure = procedure.partition(self.component)
        code, *modifiers = procedure.upper().split(self.component)[:5]  # SV101-7 is a description
        if qualifier != "HC":
            problems.append(f"{where}: code qualifier (SV101-1) {qualifier!r} is not HC (CPT/HCPCS)")
        if not procedure_code(code):
            problems.append(f"{where}: procedure code (SV101-2) {code!r} is not 5 letters or digits")
        line.code, line.modifiers, line.charge = code, [modifier for modifier in modifiers if modifier], charge
        for modifier in line.modifiers:
            if not modifier_code(modifier):
                problems.append(f"{where}: modifier {modifier!r} is not 2 letters or digits")
        if basis != "UN":
            problems.append(f"{where}: unit basis (SV103) {basis!r} is not UN (units; minutes are not read)")
        units = whole_number(quantity)
        if units is None or units < 1:
            problems.append(f"{where}: units (SV104) {quantity!r} is not a whole number of 1 or more")
        else:
            line.units = units
        for pointer in pointers.split(self.component) if pointers else ():
            if pointer.isascii() and pointer.isdigit():
                line.pointers.append(int(pointer))
            else:
                problems.append(f"{where}: diagnosis pointer (SV107) {pointer!r} is not a number")
        if len(line.pointers) > 4:
            problems.append(f"{where}: {len(line.pointers)} diagnosis pointers (SV107), at most 4")

    def dtp(self, fields, position):
        _, qualifier, form, text, *_ = fields + PADDING
        claim, line = self.claim, self.line
        if claim is None or (qualifier != "472" if line else qualifier not in CLAIM_DATES):
            return  # dates the scrubber does not use: 2430 adjudication, 2300 accident, ...
        if line is None and self.lines_seen:
            return  # a line past MAX_LINES
        try:
            day = first_day(form, text)
        except ValueError as error:
            claim.problems.append(f"DTP at segment {position}: date {qualifier}: {error}")
            return
        if line is not None:
            line.day = day
        elif qualifier == "472":
            claim.day = day

    def finish(self):
        """The claim read so far, with what can only be checked once all of it has been read."""
        claim, self.claim, self.line = self.claim, None, None
        problems, count = claim.problems, len(claim.diagnoses)
        if not count:
            problems.append(f"CLM at segment {self.clm_position}: no diagnosis (HI with ABK)")
        if not claim.lines:
            problems.append(f"CLM at segment {self.clm_position}: no service line (LX, SV1)")
        for line, (lx_position, sv1_position) in zip(claim.lines, self.line_positions):
            if not sv1_position:
                problems.append(f"LX at segment {lx_position}: line {line.number} has no SV1")
            for pointer in line.pointers:
                if not 1 <= pointer <= count:
                    problems.append(f"SV1 at segment {sv1_position} (line {line.number}): diagnosis pointer "
                                    f"{pointer}, but the claim has {count} diagnoses")  # fmt: skip
            if line.day is None and claim.day is None:
                problems.append(f"LX at segment {lx_position}: line {line.number} has no date of service (DTP*472)")
        served = claim.day or next((line.day for line in claim.lines if line.day), None)
        birth = self.person.birth if self.person else None
        if birth and served:
            claim.age = served.year - birth.year - ((served.month, served.day) < (birth.month, birth.day))
            if claim.age < 0:
                problems.append(f"DMG at segment {self.person.position}: born {birth}, after the service on {served}")
                claim.age = None
        return claim
