"""DRG validation: the what-ifs a reviewer runs to see what each code is worth to a grouping.

Each what-if changes one thing (a secondary diagnosis left out, another listed diagnosis made
principal, a procedure left out) and groups the stay again under the same version.
"""

from dataclasses import dataclass, replace

from medcode.codes import systems
from medcode.inpatient import grouper, versions


@dataclass(frozen=True)
class WhatIf:
    kind: str  # "without-diagnosis", "as-principal", "without-procedure"
    code: str  # the code it changes, shown form
    change: str  # what was changed, in words
    drg: grouper.Drg
    return_code: str
    changed: bool  # the final DRG differs from the stay's

    @property
    def grouped(self):
        return self.return_code == "OK" and self.drg.number not in (None, 998, 999)


def what_ifs(stay, grouping):
    """Every one-change variant of the stay, in the order a reviewer reads them."""
    version = grouping.version
    found = []
    for index, diagnosis in enumerate(stay.secondary):
        shown = systems.display(systems.ICD10CM, diagnosis.code)
        variant = replace(stay, secondary=stay.secondary[:index] + stay.secondary[index + 1:])
        found.append(_run("without-diagnosis", shown, f"Without {shown}", variant, version, grouping))
    for index, diagnosis in enumerate(stay.secondary):
        shown = systems.display(systems.ICD10CM, diagnosis.code)
        others = [stay.principal] + stay.secondary[:index] + stay.secondary[index + 1:]
        variant = replace(stay, principal=diagnosis, secondary=others)
        found.append(_run("as-principal", shown, f"{shown} as principal", variant, version, grouping))
    for index, code in enumerate(stay.procedures):
        variant = replace(stay, procedures=stay.procedures[:index] + stay.procedures[index + 1:])
        found.append(_run("without-procedure", code, f"Without {code}", variant, version, grouping))
    return found


def _run(kind, code, change, variant, version: versions.Version, grouping):
    result = grouper.raw(variant, version)
    drg = grouper.Drg(result.get("final_drg"), result.get("final_drg_description") or "",
                      result.get("final_mdc"), result.get("final_mdc_description") or "")
    return WhatIf(kind, code, change, drg, result.get("return_code") or "UNGROUPABLE",
                  drg.number != grouping.final.number)
