"""Read X12 837I institutional claims (005010X223A2) into inpatient Stays for the MS-DRG grouper.

    read_837i(data, name, max_bytes=DEFAULT_MAX_BYTES) -> Iterator[Stay]
        A generator: nothing is read, and nothing raised, until the first stay is asked for.
    Reader837I(data, name, max_bytes=DEFAULT_MAX_BYTES)
        The same with the file's warnings: checks the ISA when made, yields the stays when
        iterated (once), and lists in `reader.warnings` (str) what is wrong with the envelope.

What each claim (CLM, loop 2300) gives its Stay:
- claim_id: CLM01; source: "name claim N (segment K)", K the CLM's position in the file.
- sex and age: the DMG of the patient (2010CA) when the claim is under a patient level (HL*23),
  else the subscriber's (2010BA); a patient level without a DMG does not borrow the
  subscriber's. DMG03 F or M, anything else "U". The age in whole years at the admission
  date (DTP*435, DT CCYYMMDDHHMM or D8), or without one at the statement period's first day.
- discharge_date: the last day of the statement period (DTP*434, RD8 CCYYMMDD-CCYYMMDD).
- discharge_status: the patient status CL103 ("01" -> 1).
- bill_type: CLM05-1, the facility type code (the type of bill's first two digits, "11").
- HI composites: ABK the principal diagnosis, ABJ the admitting one, ABF the other diagnoses
  and then ABN external causes (in file order, across HI segments) the secondary ones, each
  with its present-on-admission indicator (HIxx-9: Y, N, U, W; "1" or blank read as none);
  BBR the principal procedure, then BBQ the others (ICD-10-PCS; their dates are not read).
  Codes are upper-cased and lose a dot. APR (reason for visit), DR, HCPCS procedures (BP,
  BO), value, condition, occurrence and treatment codes are not read, nor service lines
  (LX, SV2 and the rest of loop 2400).

Three kinds of trouble, each message naming the segment ID and its 1-based position (the
envelope is x12_envelope.Envelope837's, shared with the 837P reader in x12.py):
- BatchError, the file cannot be read as 837I: over max_bytes, empty, not X12, an ISA that is
  not 106 fixed-width characters, not 5010, a group or transaction set that is not 837I
  005010X223A2 (an 837P, a 270), a segment outside a transaction set, an empty segment
  mid-file. Stays yielded before it stand; the caller decides whether the batch does.
- Warnings, every stay still read: SE, GE or IEA counts and control numbers that disagree,
  missing trailers, bytes after the last segment terminator, an HI or CL1 before any CLM.
- Stay.problems, the stay yielded all the same (not to be grouped) and the next one read as
  usual: a malformed or missing code, date, POA indicator or patient status, an ICD-9 code,
  no principal diagnosis, over 25 diagnoses or 25 procedures, an age that cannot be worked
  out or is below 0 or over 124.
"""

import re
from collections.abc import Iterator

from medcode.inpatient.stay import (
    MAX_DIAGNOSES,
    MAX_PROCEDURES,
    POA_VALUES,
    Diagnosis,
    Stay,
)

from .x12_envelope import (
    DEFAULT_MAX_BYTES,
    PADDING,
    Envelope837,
    Person,
    day_from,
    day_range,
)

VERSION = "005010X223A2"  # 837I health care claim: institutional, with its errata
# Named in the error so that whoever sent the wrong kind of file sees which kind it was.
OTHER_VERSIONS = {
    "005010X222A1": "837P professional claim",
    "005010X224A2": "837D dental claim",
    "005010X279A1": "270/271 eligibility inquiry",
    "005010X221A1": "835 remittance advice",
    "005010X223A1": "837I before its second errata (A2)",
    "005010X223": "837I before its errata (A1, A2)",
}
CLAIM_SEGMENTS = frozenset({"HI", "CL1", "LX"})
DIAGNOSES = {"ABK": "principal", "ABJ": "admitting", "ABF": "other", "ABN": "external cause"}
PROCEDURES = {"BBR": "principal", "BBQ": "other"}
ICD9 = frozenset({"BK", "BJ", "BF", "BN", "BR", "BQ"})  # their ICD-9-CM counterparts
POA = {value: value for value in POA_VALUES} | {"1": "", "": ""}
DATES = {"434": "statement period", "435": "admission date"}

diagnosis_code = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}").fullmatch  # ICD-10-CM: 3 to 7, no dot
procedure_code = re.compile(r"[0-9A-HJ-NP-Z]{7}").fullmatch  # ICD-10-PCS: 7, no I or O


def read_837i(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Stay]:
    """The stays of an 837I file; Reader837I gives its envelope warnings too."""
    yield from Reader837I(data, name, max_bytes)


def admission_day(form, text):
    """The day of a DTP*435: DT CCYYMMDDHHMM, or D8 CCYYMMDD; ValueError otherwise."""
    if form == "D8":
        return day_from(text)
    if form != "DT":
        raise ValueError(f"date format {form!r} (DTP02) is not DT or D8")
    if len(text) == 12 and text.isascii() and text.isdigit() and int(text[8:10]) < 24 and int(text[10:]) < 60:
        return day_from(text[:8])
    raise ValueError(f"{text!r} is not a CCYYMMDDHHMM date and time")


class Reader837I(Envelope837):
    """One 837I file: iterate it once for its stays, then read its `warnings`."""

    KIND, VERSION, OTHER_VERSIONS, CLAIM_SEGMENTS = "837I", VERSION, OTHER_VERSIONS, CLAIM_SEGMENTS

    def __init__(self, data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES):
        super().__init__(data, name, max_bytes)
        self.claim: Stay | None = None
        self.start_stay(None, 0)

    def __iter__(self) -> Iterator[Stay]:
        return super().__iter__()

    def handlers(self):
        return {"CLM": self.clm, "DTP": self.dtp, "CL1": self.cl1, "HI": self.hi, "LX": self.lx}

    def start_stay(self, stay, position):
        """What is gathered for one stay until finish() puts it together."""
        self.claim, self.clm_position, self.in_lines = stay, position, False
        self.person: Person | None = self.claim_person()  # whose DMG gives the age and sex
        self.person_level = self.level
        self.others: list[Diagnosis] = []  # ABF
        self.external: list[Diagnosis] = []  # ABN
        self.principal_procedure: str | None = None  # BBR
        self.other_procedures: list[str] = []  # BBQ
        self.admitted = self.period = None  # DTP*435's day; DTP*434's (first, last)
        self.seen: set[str] = set()  # "434", "435", "CL1": the segments read once per claim

    # Loop 2300, the claim.

    def clm(self, fields, position):
        claim_id = fields[1] if len(fields) > 1 else ""
        self.claim_count += 1
        stay = Stay(principal=None, claim_id=claim_id, source=f"{self.name} claim {self.claim_count} (segment {position})")
        if not claim_id:
            stay.problems.append(f"CLM at segment {position}: no claim identifier (CLM01)")
        facility = fields[5].partition(self.component)[0] if len(fields) > 5 else ""
        stay.bill_type = facility[:2] if facility[:2].isdigit() else ""
        self.start_stay(stay, position)
        if self.person is not None:
            stay.sex = self.person.sex if self.person.sex in ("F", "M") else "U"
            stay.problems.extend(self.person.problems)

    def dtp(self, fields, position):
        _, qualifier, form, text, *_ = fields + PADDING
        if self.claim is None or self.in_lines or qualifier not in DATES:
            return  # discharge hour (096), service line dates (472), ...
        where = f"DTP at segment {position}: {DATES[qualifier]}"
        if qualifier in self.seen:
            self.claim.problems.append(f"{where}: a second one (DTP*{qualifier}) in the claim")
            return
        self.seen.add(qualifier)
        try:
            if qualifier == "435":
                self.admitted = admission_day(form, text)
            elif form == "RD8":
                self.period = day_range(text)
            else:
                raise ValueError(f"date format {form!r} (DTP02) is not RD8")
        except ValueError as error:
            self.claim.problems.append(f"{where}: {error}")

    def cl1(self, fields, position):
        if self.in_lines:
            return
        status = fields[3] if len(fields) > 3 else ""
        where = f"CL1 at segment {position}"
        if "CL1" in self.seen:
            self.claim.problems.append(f"{where}: a second CL1 in the claim")
        elif status.isascii() and status.isdigit() and len(status) <= 2:
            self.claim.discharge_status = int(status)
        else:
            self.claim.problems.append(f"{where}: patient status (CL103) {status!r} is not a number (2 digits, as 01)")
        self.seen.add("CL1")

    def hi(self, fields, position):
        if self.in_lines:
            return
        stay, component = self.claim, self.component
        problems, where = stay.problems, f"HI at segment {position}"
        for number, composite in enumerate(fields[1:], 1):
            parts = composite.split(component)
            qualifier = parts[0]
            if qualifier in DIAGNOSES:
                code = parts[1].upper().replace(".", "") if len(parts) > 1 else ""
                if not diagnosis_code(code):
                    problems.append(f"{where}: diagnosis {code!r} (HI{number:02d}-2, {qualifier}) is not an ICD-10-CM code")
                written = parts[8] if len(parts) > 8 and qualifier != "ABJ" else ""  # an admitting diagnosis has none
                poa = POA.get(written.upper())
                if poa is None:
                    problems.append(f"{where}: present-on-admission indicator (HI{number:02d}-9) {written!r} of "
                                    f"{code!r} is not Y, N, U, W or 1")  # fmt: skip
                    poa = ""
                self.diagnosis(qualifier, Diagnosis(code, poa), where)
            elif qualifier in PROCEDURES:
                code = parts[1].upper() if len(parts) > 1 else ""
                if not procedure_code(code):
                    problems.append(f"{where}: procedure {code!r} (HI{number:02d}-2, {qualifier}) is not an "
                                    "ICD-10-PCS code (7 letters and digits, no I or O)")  # fmt: skip
                self.procedure(qualifier, code, where)
            elif qualifier in ICD9:
                code = parts[1] if len(parts) > 1 else ""
                problems.append(f"{where}: {code!r} (HI{number:02d}) is an ICD-9 code ({qualifier}), not ICD-10")

    def diagnosis(self, qualifier, diagnosis, where):
        stay = self.claim
        if qualifier == "ABK":
            if stay.principal is None:
                stay.principal = diagnosis
            else:
                stay.problems.append(f"{where}: a second principal diagnosis (ABK) {diagnosis.code!r}")
        elif qualifier == "ABJ":
            if stay.admit_diagnosis is None:
                stay.admit_diagnosis = diagnosis
            else:
                stay.problems.append(f"{where}: a second admitting diagnosis (ABJ) {diagnosis.code!r}")
        else:
            if len(self.others) + len(self.external) == MAX_DIAGNOSES - 1:  # flagged once, at the 26th
                stay.problems.append(f"{where}: diagnosis {diagnosis.code!r} is past the {MAX_DIAGNOSES} a stay "
                                     f"carries (the principal and {MAX_DIAGNOSES - 1} others)")  # fmt: skip
            (self.others if qualifier == "ABF" else self.external).append(diagnosis)

    def procedure(self, qualifier, code, where):
        if qualifier == "BBR" and self.principal_procedure is not None:
            self.claim.problems.append(f"{where}: a second principal procedure (BBR) {code!r}")
            return
        if len(self.other_procedures) + (self.principal_procedure is not None) == MAX_PROCEDURES:
            self.claim.problems.append(f"{where}: procedure {code!r} is past the {MAX_PROCEDURES} a stay carries")
        if qualifier == "BBR":
            self.principal_procedure = code
        else:
            self.other_procedures.append(code)

    def lx(self, fields, position):
        self.in_lines = True  # loop 2400: nothing more for the stay until the next claim

    def finish(self):
        """The stay read so far, with what can only be checked once all of its claim has been read."""
        stay, at = self.claim, f"CLM at segment {self.clm_position}"
        self.claim, problems = None, stay.problems
        stay.secondary = self.others + self.external
        stay.procedures = [self.principal_procedure] if self.principal_procedure is not None else []
        stay.procedures += self.other_procedures
        if stay.principal is None:
            problems.append(f"{at}: no principal diagnosis (HI with ABK)")
        if self.other_procedures and self.principal_procedure is None:
            problems.append(f"{at}: other procedures (BBQ) but no principal procedure (BBR)")
        if self.period is not None:
            stay.discharge_date = self.period[1]
            if self.admitted is not None and self.admitted > self.period[1]:
                problems.append(f"{at}: admitted on {self.admitted} (DTP*435), after the statement period "
                                f"ends on {self.period[1]} (DTP*434)")  # fmt: skip
        elif "434" not in self.seen:
            problems.append(f"{at}: no statement period (DTP*434): the discharge date is unknown")
        if "CL1" not in self.seen:
            problems.append(f"{at}: no CL1: the patient status (CL103) is unknown")
        self.age(stay, at)
        return stay

    def age(self, stay, at):
        """The stay's age in whole years at admission, or a problem saying why there is none."""
        person, problems = self.person, stay.problems
        if self.admitted is not None:
            day, what = self.admitted, "admission"
        elif self.period is not None:
            day, what = self.period[0], "start of the statement period"
        else:
            day = what = None
        if person is None:
            whose = {"22": "the subscriber (loop 2010BA)", "23": "the patient (loop 2010CA)"}.get(self.person_level)
            if whose:
                problems.append(f"{at}: no DMG for {whose}: the age is unknown")
            else:
                problems.append(f"{at}: no subscriber (HL*22) or patient (HL*23) level before it: the age is unknown")
        elif person.birth is None:
            if not person.problems:  # else they said why
                problems.append(f"DMG at segment {person.position}: no birth date (DMG02): the age is unknown")
        elif day is None:
            if not self.seen & DATES.keys():  # else a malformed date said why
                problems.append(f"{at}: no admission date (DTP*435) or statement period (DTP*434) "
                                "to reckon the age at")  # fmt: skip
        else:
            birth = person.birth
            age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
            if age < 0:
                problems.append(f"DMG at segment {person.position}: born {birth}, after the {what} on {day}")
            elif age > 124:
                problems.append(f"DMG at segment {person.position}: born {birth}, {age} years before the {what} "
                                f"on {day}: over 124")  # fmt: skip
            else:
                stay.age = age
