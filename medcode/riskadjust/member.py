"""A Medicare beneficiary as the CMS-HCC models see one: age, sex and the enrolment facts that pick
the coefficient segment (community or institutional, dual status, new enrollee, ESRD)."""

from dataclasses import dataclass

OREC = {"0": "Old age (OASI)", "1": "Disability (DIB)", "2": "ESRD", "3": "Disability and ESRD"}
# Medicare-Medicaid dual status codes as the library groups them (hccinfhir.constants).
DUAL = {"00": "Not dual", "02": "Full-benefit dual (QMB Plus)", "04": "Full-benefit dual (SLMB Plus)",
        "08": "Other full-benefit dual", "01": "Partial-benefit dual (QMB only)", "03": "Partial-benefit dual (SLMB only)",
        "05": "Partial-benefit dual (QDWI)", "06": "Partial-benefit dual (QI)"}
OLDEST = 124


class MemberError(ValueError):
    """A fact the models cannot take; the message names it."""


@dataclass(frozen=True)
class Member:
    age: int
    sex: str  # "F" or "M"
    orec: str = "0"
    crec: str = ""
    dual: str = "00"
    institutional: bool = False  # long-term institutionalized (90 days or more)
    new_enrollee: bool = False
    snp: bool = False  # in a special needs plan (new enrollee segments)
    low_income: bool = False  # Part D low-income subsidy (RxHCC)
    graft_months: int | None = None  # months since a kidney transplant (ESRD models)

    def __post_init__(self):
        if not isinstance(self.age, int) or not 0 <= self.age <= OLDEST:
            raise MemberError(f"Age {self.age!r}: give whole years from 0 to {OLDEST}.")
        if self.sex not in ("F", "M"):
            raise MemberError("Sex: the CMS-HCC models take F or M.")
        if self.orec not in OREC:
            raise MemberError(f"Original reason for entitlement {self.orec!r}: use 0, 1, 2 or 3.")
        if self.crec not in ("", *OREC):
            raise MemberError(f"Current reason for entitlement {self.crec!r}: use 0, 1, 2, 3 or leave it blank.")
        if self.dual not in DUAL:
            raise MemberError(f"Dual status {self.dual!r}: use one of {', '.join(DUAL)}.")
        if self.graft_months is not None and not 0 <= self.graft_months <= 1200:
            raise MemberError("Months since the kidney transplant: 0 to 1200, or blank.")

    @property
    def esrd(self):
        return self.orec in ("2", "3") or self.crec in ("2", "3")

    def arguments(self):
        """calculate_raf's keyword arguments."""
        return {"age": self.age, "sex": self.sex, "orec": self.orec, "crec": self.crec, "dual_elgbl_cd": self.dual,
                "lti": self.institutional, "new_enrollee": self.new_enrollee, "snp": self.snp,
                "low_income": self.low_income, "graft_months": self.graft_months}

    def summary(self):
        entitled = {"0": "old age", "1": "disability", "2": "ESRD", "3": "disability and ESRD"}[self.orec]
        words = [f"{self.age}-year-old {'woman' if self.sex == 'F' else 'man'}", f"entitled by {entitled}",
                 DUAL[self.dual][0].lower() + DUAL[self.dual][1:], "institutional" if self.institutional else "community"]
        if self.new_enrollee:
            words.append("new enrollee")
        if self.low_income:
            words.append("low-income subsidy")
        return ", ".join(words)
