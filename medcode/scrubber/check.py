"""Scrubbing a whole claim: its diagnoses, its service lines and how they point at each other.

The procedure rules (NCCI PTP, MUE, add-on, global period, fee schedule status) are the claim
line check's (reference.claims), run once per date of service; the diagnosis rules are
scrubber.diagnoses. Every finding names its lines and codes, its severity and the rule and
release behind it; where a release is older than the date of service, the report says so.
"""

from dataclasses import dataclass, field
from datetime import date

from medcode.codes import mce, systems
from medcode.codes.models import Code
from medcode.reference import claims as line_check
from medcode.reference import freshness
from medcode.scrubber import diagnoses
from medcode.scrubber.claim import Claim

SEVERITIES = ("deny", "warn", "info", "ok")
# The release behind each kind of line check finding, by the line check's names for them.
LINE_RULES = {"ptp": "NCCI PTP edits", "mue": "MUE", "addon": "Add-on code edits", "global": "Fee schedule",
              "status": "Fee schedule", "modifier": "Fee schedule"}


@dataclass
class Finding:
    kind: str  # ptp, mue, addon, global, status, modifier, unknown, dx-unknown, dx-header, mce, excludes1, …
    severity: str  # deny, warn, info, ok
    lines: list  # claim line numbers it concerns
    diagnoses: list  # diagnosis codes it concerns, as coders write them
    message: str
    rule: str = ""  # the rule and release it comes from
    detail: str = ""  # why, where the rule gives a reason (an NCCI rationale, an MUE adjudication indicator)


@dataclass
class ClaimReport:
    claim_id: str
    source: str
    days: list  # the dates of service checked
    findings: list = field(default_factory=list)
    releases: dict = field(default_factory=dict)  # {"ICD-10-CM": "FY2026", "NCCI PTP edits": "2024Q3", …}
    unreadable: list = field(default_factory=list)  # why the claim could not be checked
    grouping: dict | None = None  # an inpatient stay's MS-DRG grouping (inpatient.report.as_dict)
    risk_adjustment: dict | None = None  # whether its diagnoses count (riskadjust.encounters), in batches

    @property
    def status(self):
        if self.unreadable:
            return "unreadable"
        severities = {f.severity for f in self.findings}
        return next((s for s in ("deny", "warn") if s in severities), "clean")

    def count(self, severity):
        return sum(1 for f in self.findings if f.severity == severity)


class Scrubber:
    """Checks claims one after another, keeping what it read about codes for the next claim."""

    def __init__(self, *, today=None):
        self.facts = diagnoses.Facts()
        self.lookups = line_check.Lookups()
        self.today = today or date.today()
        self._code_sets = {}

    def check(self, claim: Claim) -> ClaimReport:
        days = sorted({claim.day_of(line) for line in claim.lines if claim.day_of(line)})
        report = ClaimReport(claim.claim_id, claim.source, days)
        if claim.problems:
            report.unreadable = list(claim.problems)
            return report
        if not days:
            days = report.days = [claim.day or self.today]
        self._diagnoses(claim, days[0], report)
        self._pointers(claim, report)
        for day in days:
            self._lines(claim, day, report)
        report.findings.sort(key=lambda f: (SEVERITIES.index(f.severity), f.lines, f.diagnoses))
        return report

    def _code_set(self, day):
        if day not in self._code_sets:  # the releases themselves are read once (freshness.code_set_releases)
            self._code_sets[day] = freshness.of_code_set(systems.ICD10CM, day)
        return self._code_sets[day]

    def _diagnoses(self, claim, day, report):
        code_set = self._code_set(day)
        release_name = f"ICD-10-CM {code_set.label}" if code_set else "ICD-10-CM (not loaded)"
        if code_set:
            report.releases["ICD-10-CM"] = code_set.label
            if code_set.message:
                report.findings.append(Finding("release", "info", [], [], code_set.message, release_name))
        report.releases["Medicare Code Editor"] = f"FY{mce.release_for(day).fiscal_year}"
        if not claim.diagnoses:
            report.findings.append(Finding("dx-missing", "deny", [], [], "The claim has no diagnosis."))
            return
        for found in diagnoses.check(claim.diagnoses, day, self.facts, age=claim.age, sex=claim.sex,
                                     release_name=release_name):
            named = [diagnoses.display(claim.diagnoses[p - 1]) for p in found.positions]
            lines = [line.number for line in claim.lines if set(line.pointers) & set(found.positions)]
            report.findings.append(Finding(found.kind, found.severity, lines, named, found.message, found.rule))

    def _pointers(self, claim, report):
        for line in claim.lines:
            outside = [p for p in line.pointers if not 1 <= p <= len(claim.diagnoses)]
            if not line.pointers:
                report.findings.append(Finding("pointer", "deny", [line.number], [],
                                               f"Line {line.number} ({line.code}) points at no diagnosis."))
            elif outside:
                report.findings.append(Finding("pointer", "deny", [line.number], [],
                                               f"Line {line.number} ({line.code}) points at diagnosis "
                                               f"{', '.join(map(str, outside))}, but the claim lists "
                                               f"{len(claim.diagnoses)}."))

    def _lines(self, claim, day, report):
        lines, refused = [], []
        for line in claim.lines:
            if claim.day_of(line) not in (day, None):
                continue
            try:
                lines.append(line_check.make_line(line.number, line.code, line.units, line.modifiers))
            except line_check.ClaimError as exc:
                refused.append(Finding("line", "deny", [line.number], [], str(exc)))
        report.findings += refused
        if not lines:
            return
        result = line_check.check(lines, setting=claim.setting, day=day, lookups=self.lookups)
        for name, release in result.releases.items():
            if release is not None:
                report.releases[name] = release.label
        for found in result.findings:
            if found.severity == "ok" and found.kind != "ptp":
                continue  # "its primary is on the claim": nothing to act on
            if found.kind == "release" and found.message in {f.message for f in report.findings}:
                continue  # a second date of service repeats the first's note on the same release
            rule = LINE_RULES.get(found.kind, "")
            release = result.releases.get(rule)
            report.findings.append(Finding(found.kind, found.severity, found.lines, [], found.message,
                                           f"{rule} {release.label}" if release else "", found.detail))


def codes_shown(claim):
    """The catalogue codes a check shows facts of: what a run costs (metering.run_tool)."""
    procedures = {line.code for line in claim.lines}
    return list(Code.objects.filter(system__in=[systems.CPT, systems.HCPCS], code__in=procedures)) + \
        list(Code.objects.filter(system=systems.ICD10CM, code__in=set(claim.diagnoses)))


def check_claim(claim, *, today=None):
    return Scrubber(today=today).check(claim)
