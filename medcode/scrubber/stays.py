"""Inpatient stays of an 837I file through the batch path: each grouped to its MS-DRG and edited,
reported in the claim report's shape (a status and findings) with the grouping beside it.
"""

import gc

from medcode.codes import fiscal, systems
from medcode.inpatient import grouper, report
from medcode.scrubber.check import SEVERITIES, ClaimReport, Finding


class StayGrouper:
    """Groups stays one after another (the grouper and the code editor cache what they read)."""

    def check(self, stay) -> ClaimReport:
        day = stay.discharge_date
        checked = ClaimReport(stay.claim_id, stay.source, [day] if day else [])
        if stay.problems:
            checked.unreadable = list(stay.problems)
            return checked
        grouping = grouper.group(stay)
        checked.grouping = report.as_dict(grouping)
        checked.releases = {"MS-DRG": grouping.version.name, "Medicare Code Editor": f"FY{fiscal.fiscal_year(day)}"}
        rule = grouping.version.label
        found = checked.findings
        if grouping.returned:
            found.append(Finding("drg", "deny", [], [], f"{grouping.return_words}.", rule))
        elif grouping.grouped:
            hac = (f"; a hospital-acquired condition changed it from initial DRG {grouping.initial.shown}"
                   if grouping.hac_changed else "")
            found.append(Finding("drg", "info", [], [], f"MS-DRG {grouping.final.shown} {grouping.final.title}, "
                                 f"MDC {grouping.final.mdc}{hac}.", rule))
        else:
            found.append(Finding("drg", "deny", [], [], f"Not grouped (DRG {grouping.final.shown}): "
                                 f"{grouping.return_words}.", rule))
        if grouping.version_note:
            found.append(Finding("drg", "info", [], [], grouping.version_note, rule))
        for code in grouping.invalid_codes:
            found.append(Finding("invalid", "deny", [], [code], f"{code} is not a valid code in "
                                 f"{grouping.version.name}.", rule))
        invalid = set(grouping.invalid_codes)
        for system, code in ([(systems.ICD10CM, d.code) for d in stay.diagnoses]
                             + [(systems.ICD10PCS, c) for c in stay.procedures]):
            shown = systems.display(system, code)
            if shown in invalid:
                replaced = fiscal.check(system, code, day)
                if replaced.replacements:
                    found.append(Finding("fiscal", "info", [], [shown], replaced.message, replaced.source))
        for d in grouping.diagnoses[1:]:
            if d.hac_removed:
                found.append(Finding("hac", "warn", [], [d.shown], f"{d.shown} ({'; '.join(d.hacs)}) not present on "
                                     f"admission: not counted as a {d.severity} for the final DRG.", rule))
            elif d.counted:
                found.append(Finding("cc-mcc", "info", [], [d.shown], f"{d.shown} counts as the {d.severity}.", rule))
        for code, words in grouping.mce_edits:
            found.append(Finding("mce", "warn", [], [code], f"{code}: {words}.", "Medicare Code Editor"))
        found.sort(key=lambda f: SEVERITIES.index(f.severity))
        return checked


def group_all(stays):
    """The reports of stays, in their order."""
    checker = StayGrouper()
    # Tens of thousands of kept reports make the cyclic garbage collector rescan them again and again
    # (a third of the time); they hold no cycles, so it waits until the batch is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return [checker.check(stay) for stay in stays]
    finally:
        if collecting:
            gc.enable()
