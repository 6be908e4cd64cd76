"""Which claims' diagnoses count for risk adjustment: CMS's encounter filtering, as the hccinfhir
package applies it (its `filter.apply_filter`): an inpatient facility claim counts whole; a professional
or outpatient claim counts when a service line's CPT/HCPCS code is on the year's eligible list.

The batch reports each claim's answer with the CMS-HCC V28 HCCs of its diagnoses, so a risk adjustment
team can see which claims carry value and which carry diagnoses that cannot count.
"""

from dataclasses import dataclass, field

from medcode.codes import systems
from medcode.riskadjust import codefacts, tables

MODEL = "V28"


@dataclass
class Filtering:
    payment_year: int
    counts: bool
    reason: str
    eligible_lines: list = field(default_factory=list)  # line numbers whose service is on the eligible list
    hccs: dict = field(default_factory=dict)  # diagnosis (shown) -> V28 HCCs, for the diagnoses that map

    def as_dict(self):
        return {"payment_year": self.payment_year, "counts": self.counts, "reason": self.reason,
                "eligible_lines": self.eligible_lines, "model": MODEL, "hccs": self.hccs}


def year_for(day):
    return tables.for_day(day) if day else tables.NEWEST


def _hccs(diagnoses, year):
    model = tables.MODEL[MODEL]
    found = {}
    for code in diagnoses:
        hccs = tables.hccs_of(year, model, code) if model.name in tables.models_in_mapping(year.mapping) else []
        if hccs:
            found[systems.display(systems.ICD10CM, code)] = hccs
    return found


def professional(diagnoses, lines, day):
    """lines: [(line number, CPT/HCPCS code)]; day: the claim's date of service."""
    year = year_for(day)
    eligible = [number for number, code in lines if codefacts.eligible_for(code, year)]
    if eligible:
        reason = (f"line{'s' if len(eligible) > 1 else ''} {', '.join(map(str, eligible))} on CMS's risk-adjustment-"
                  f"eligible CPT/HCPCS list for payment year {year.year}")
    else:
        reason = f"no service line on CMS's risk-adjustment-eligible CPT/HCPCS list for payment year {year.year}"
    return Filtering(year.year, bool(eligible), reason, eligible, _hccs(diagnoses, year))


def inpatient(diagnoses, day):
    year = year_for(day)
    return Filtering(year.year, True, "an inpatient facility stay: its diagnoses count without the CPT/HCPCS list",
                     [], _hccs(diagnoses, year))
