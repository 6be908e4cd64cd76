"""A member's CMS-HCC risk score, factor by factor: the library computes, medcode explains.

`score` runs hccinfhir's `calculate_raf` with the payment year's files and turns its answer into what
an auditor reads: each diagnosis and the HCCs it maps to, the HCCs a hierarchy dropped and which HCC
dropped them, every coefficient summed (demographic cell, HCCs, interactions, the HCC count) with its
share of the score, and the payment score when the reader gives the model's normalization factor (and,
for the Part C models, the Medicare Advantage coding pattern adjustment): the library carries neither.
"""

import re
from dataclasses import dataclass, field

from hccinfhir.model_calculate import calculate_raf
from hccinfhir.model_coefficients import get_coefficent_prefix

from medcode.codes import systems
from medcode.riskadjust import tables

SEGMENTS = {  # the coefficient prefixes, in words
    "CNA_": "community, not dual, aged", "CND_": "community, not dual, disabled",
    "CFA_": "community, full-benefit dual, aged", "CFD_": "community, full-benefit dual, disabled",
    "CPA_": "community, partial-benefit dual, aged", "CPD_": "community, partial-benefit dual, disabled",
    "INS_": "long-term institutional", "NE_": "new enrollee",
    "SNPNE_": "new enrollee in a chronic condition special needs plan (C-SNP)",
    "DI_": "ESRD dialysis", "DNE_": "ESRD dialysis, new enrollee", "GI_": "ESRD functioning graft, institutional",
    "GNE_": "ESRD functioning graft, new enrollee",
    "Rx_CE_LowAged_": "community, low income, aged", "Rx_CE_LowNoAged_": "community, low income, not aged",
    "Rx_CE_NoLowAged_": "community, not low income, aged", "Rx_CE_NoLowNoAged_": "community, not low income, not aged",
    "Rx_CE_LTI_": "long-term institutional", "Rx_NE_Lo_": "new enrollee, low income",
    "Rx_NE_NoLo_": "new enrollee, not low income", "Rx_NE_LTI_": "new enrollee, long-term institutional",
}
# Removals the library's model logic makes beyond the hierarchy tables (model_hierarchies.apply_hierarchies).
MODEL_RULES = {
    ("V28", "223"): "dropped by the library's V28 logic, which keeps HCC 223 only beside HCC 221, 222, 224, 225 or 226",
    **{("ESRD-V24", hcc): "the library's ESRD V24 logic leaves out HCCs 134 to 137 (kidney disease)"
       for hcc in ("134", "135", "136", "137")},
    ("ESRD-V21", "134"): "the library's ESRD V21 logic leaves out HCC 134 (dialysis status)",
}
COUNT = re.compile(r"D(\d+)P?").fullmatch
DEMOGRAPHIC_INTERACTION = ("NMCAID_", "MCAID_", "LTI_", "OriginallyDisabled_", "Originally_ESRD_", "LTIMCAID")


@dataclass
class Factor:
    name: str  # the model's variable: "F65_69", "HCC38", "DIABETES_HF_V28", "D3"
    kind: str  # "demographic", "hcc", "interaction" or "count"
    words: str
    coefficient: float
    share: float = 0.0  # of the raw score


@dataclass
class HccLine:
    hcc: str
    label: str
    diagnoses: list  # the codes (shown form) that map to it
    coefficient: float | None
    kept: bool
    dropped_by: list = field(default_factory=list)  # the HCCs that removed it by hierarchy
    rule: str = ""  # a removal no hierarchy row explains


@dataclass
class DiagnosisLine:
    code: str
    shown: str
    hccs: list  # after the model's age/sex edits
    known: bool = True  # in the catalogue or valid by the Medicare Code Editor


@dataclass
class Score:
    model: tables.Model
    year: tables.PaymentYear
    member: object
    raw: float
    factors: list
    hccs: list
    diagnoses: list
    segment: str
    category: str
    payment: float | None = None
    normalization: float | None = None
    coding_adjustment: float | None = None

    @property
    def kept(self):
        return [line for line in self.hccs if line.kept]

    @property
    def dropped(self):
        return [line for line in self.hccs if not line.kept]

    @property
    def demographic_only(self):
        """A new enrollee's score is the demographic cell: the diagnoses do not enter it."""
        return self.segment in ("NE_", "SNPNE_", "DNE_", "GNE_") or self.segment.startswith("Rx_NE_")

    @property
    def segment_code(self):
        return self.segment.rstrip("_")

    @property
    def segment_words(self):
        return SEGMENTS.get(self.segment, self.segment.rstrip("_"))

    @property
    def source(self):
        return (f"CMS-HCC tables for payment year {self.year.year} ({self.year.mapping}, {self.year.hierarchies}, "
                f"{self.year.coefficients}{', proposed' if self.year.proposed else ''}), {tables.package()}")


class ScoreError(ValueError):
    """A model or year the library's files cannot score."""


def score(codes, member, model_key="V28", year=2026, normalization=None, coding_adjustment=None):
    """codes: ICD-10-CM codes in stored form (no dot)."""
    year, model = _choose(model_key, year)
    result = _calculate(codes, member, model, year)
    raw = round(result.risk_score, 3)
    factors = _factors(result, model, raw)
    hccs = _hcc_lines(result, model, year)
    mapped = {}
    for hcc, diagnoses in result.cc_to_dx.items():
        for code in diagnoses:
            mapped.setdefault(code, []).append(hcc)
    lines = [DiagnosisLine(code, systems.display(systems.ICD10CM, code), sorted(mapped.get(code, []), key=int))
             for code in dict.fromkeys(codes)]
    found = Score(model, year, member, raw, factors, hccs, lines, get_coefficent_prefix(result.demographics, model.name),
                  result.demographics.category or "")
    if normalization:
        # The MA coding pattern adjustment is a Part C adjustment: Part D (RxHCC) scores do not take it.
        found.normalization = normalization
        found.coding_adjustment = (coding_adjustment or 0.0) if model.family != "RxHCC" else 0.0
        found.payment = round(raw * (1 - found.coding_adjustment) / normalization, 3)
    return found


def raw_score(codes, member, model_key, year):
    """The score alone: what the what-ifs and batches compare."""
    year, model = _choose(model_key, year)
    return round(_calculate(codes, member, model, year).risk_score, 3)


def payment_year(year_number):
    year = tables.YEAR.get(year_number)
    if year is None:
        raise ScoreError(f"Payment year {year_number}: medcode holds {', '.join(str(y.year) for y in tables.YEARS)}.")
    return year


def _choose(model_key, year_number):
    year = payment_year(year_number)
    model = tables.MODEL.get(model_key)
    if model is None:
        raise ScoreError(f"Model {model_key!r}: use one of {', '.join(tables.MODEL)}.")
    if model.key not in year.scored:
        raise ScoreError(f"{model.title} has no coefficients for payment year {year.year} in {tables.package()}; "
                         f"it scores {', '.join(tables.MODEL[k].title for k in year.scored)} for that year.")
    return year, model


def _calculate(codes, member, model, year):
    return calculate_raf(list(codes), model_name=model.name, dx_to_cc_mapping=tables.mapping(year.mapping),
                         hierarchies_mapping=tables.hierarchies(year.hierarchies),
                         coefficients_mapping=tables.coefficients(year.coefficients),
                         labels_mapping=tables.labels(), is_chronic_mapping=tables.chronic(),
                         edits_mapping=tables.edits(), **member.arguments())


def _factors(result, model, raw):
    factors = []
    for name, value in result.coefficients.items():
        if name.isdigit():
            factor = Factor(f"{model.prefix.upper()}{name}", "hcc", tables.label(model, name), value)
        elif COUNT(name):
            count = COUNT(name).group(1)
            factor = Factor(name, "count", f"{count}{'+' if name.endswith('P') else ''} payment HCCs", value)
        elif name == result.demographics.category or name.startswith(DEMOGRAPHIC_INTERACTION):
            factor = Factor(name, "demographic", _demographic_words(name), value)
        else:
            factor = Factor(name, "interaction", _interaction_words(name, model), value)
        factor.share = round(value / raw, 3) if raw else 0.0
        factors.append(factor)
    order = {"demographic": 0, "hcc": 1, "interaction": 2, "count": 3}
    return sorted(factors, key=lambda f: (order[f.kind], -f.coefficient))


def _demographic_words(name):
    """F65_69 -> "female, age 65 to 69"; NMCAID_NORIGDIS_NEF67 -> "new enrollee, female, age 67, not Medicaid,
    not originally disabled"; any other variable as the model names it."""
    found = re.fullmatch(r"(?:(N?MCAID)_(N?ORIGDIS)_)?(NE)?([FM])(\d+)(?:_(\d+|GT))?", name)
    if not found:
        return name.replace("_", " ").lower()
    medicaid, disabled, new, sex, low, high = found.groups()
    ages = f"{low} and over" if high == "GT" else (f"{low} to {high}" if high else low)
    words = [*(["new enrollee"] if new else []), "female" if sex == "F" else "male", f"age {ages}"]
    if medicaid:
        words.append("Medicaid" if medicaid == "MCAID" else "not Medicaid")
    if disabled:
        words.append("originally disabled" if disabled == "ORIGDIS" else "not originally disabled")
    return ", ".join(words)


# The parts of the models' interaction variable names, in words; a name with a part not listed here is
# shown as the model writes it.
PARTS = {
    "DIABETES": "diabetes", "HF": "heart failure", "CHF": "congestive heart failure", "KIDNEY": "kidney disease",
    "gRenal": "kidney disease group", "CHR_LUNG": "chronic lung disorder", "gCopdCF": "chronic lung disorder group",
    "CARD_RESP_FAIL": "cardio-respiratory failure", "gSubUseDisorder": "substance use disorder group",
    "gSubstanceUseDisorder": "substance use disorder group", "gPsych": "psychiatric group",
    "DISABLED": "disabled", "CANCER": "cancer", "NEURO": "neurological", "ULCER": "ulcer",
}
_PART = re.compile(r"HCC\d+|" + "|".join(sorted(map(re.escape, PARTS), key=len, reverse=True)))


def _interaction_words(name, model):
    bare = re.sub(r"_V2[48]$", "", name)
    parts = _PART.findall(bare)
    if "_".join(parts) != bare:
        return name
    words = [f"HCC {p[3:]} ({tables.label(model, p[3:])})" if p.startswith("HCC") else PARTS[p] for p in parts]
    return " × ".join(words)


def _hcc_lines(result, model, year):
    kept = set(result.hcc_list)
    lines = []
    for hcc in sorted(result.cc_to_dx, key=int):
        diagnoses = sorted(systems.display(systems.ICD10CM, code) for code in result.cc_to_dx[hcc])
        line = HccLine(hcc, tables.label(model, hcc), diagnoses, result.coefficients.get(hcc), hcc in kept)
        if not line.kept:
            line.dropped_by = [p for p in tables.trumped_by(year, model, hcc) if p in kept]
            if not line.dropped_by:
                line.rule = MODEL_RULES.get((model.key, hcc), "")
        lines.append(line)
    return lines
