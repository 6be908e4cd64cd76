"""What a code page says about risk adjustment: for a diagnosis, its HCC in each model and payment
year the library carries, with the hierarchy around it; for a CPT/HCPCS code, whether CMS lists the
service as one whose diagnoses count for risk adjustment."""

import functools
from dataclasses import dataclass, field
from datetime import date

from medcode.codes import mce
from medcode.riskadjust import tables

SEX_WORDS = {"1": "a man", "2": "a woman"}


@dataclass
class Cell:
    year: tables.PaymentYear
    in_file: bool  # the year's mapping carries the model at all
    hccs: list = field(default_factory=list)  # [(hcc, label)]
    newer: bool = False  # the code is newer than the code set the year's mapping lists


@dataclass
class ModelRow:
    model: tables.Model
    cells: list
    hierarchy_year: tables.PaymentYear | None = None
    trumps: list = field(default_factory=list)  # [(hcc, label)] for the newest mapped year
    trumped_by: list = field(default_factory=list)
    edits: list = field(default_factory=list)  # the model's age/sex edits for this code, in words

    @property
    def mapped(self):
        return any(cell.hccs for cell in self.cells)


@dataclass
class DiagnosisHccs:
    code: str
    rows: list
    billable: bool

    @property
    def payment_hcc(self):
        return any(row.mapped for row in self.rows)

    @property
    def cms_hcc(self):
        """Mapped in a CMS-HCC or ESRD model (Part C), not only in RxHCC (Part D)."""
        return any(row.mapped for row in self.rows if row.model.family != "RxHCC")

    @property
    def sources(self):
        return [f"payment year {y.year}: {y.mapping}, hierarchies {y.hierarchies}" for y in tables.YEARS]


def diagnosis_hccs(code, billable=True):
    """code: stored form (no dot)."""
    return _diagnosis_hccs(code, billable)


@functools.lru_cache(maxsize=2048)
def _diagnosis_hccs(code, billable):
    rows = []
    for model in tables.MODELS:
        cells = []
        for year in tables.YEARS:
            in_file = model.name in tables.models_in_mapping(year.mapping)
            hccs = [(h, tables.label(model, h)) for h in tables.hccs_of(year, model, code)] if in_file else []
            cells.append(Cell(year, in_file, hccs))
        row = ModelRow(model, cells, edits=_edit_words(code, model))
        mapped = [cell for cell in cells if cell.hccs]
        if mapped:
            newest = mapped[-1]
            row.hierarchy_year = newest.year
            for hcc, _ in newest.hccs:
                row.trumps += [(h, tables.label(model, h)) for h in tables.trumps(newest.year, model, hcc)]
                row.trumped_by += [(h, tables.label(model, h)) for h in tables.trumped_by(newest.year, model, hcc)]
        rows.append(row)
    if billable and not any(row.mapped for row in rows):
        for row in rows:
            for cell in row.cells:
                cell.newer = cell.in_file and _newer_than(code, cell.year)
    return DiagnosisHccs(code, rows, billable)


def _newer_than(code, year):
    """True when the code was not yet valid in the fiscal year whose codes the mapping lists."""
    first_day = date(year.code_set - 1, 10, 1)
    return mce.covers(first_day) and not mce.accepts(code, first_day)


def _edit_words(code, model):
    rule = tables.edits().get((code, model.name))
    if rule is None:
        return []
    who = []
    if rule.sex:
        who.append(f"for {SEX_WORDS.get(rule.sex, 'sex ' + rule.sex)}")
    if rule.age_min is not None and rule.age_max is not None:  # the library fires at either bound
        who.append(f"outside ages {rule.age_max + 1} to {rule.age_min - 1}")
    elif rule.age_max is not None:
        who.append(f"at age {rule.age_max} or under")
    elif rule.age_min is not None:
        who.append(f"at age {rule.age_min} or over")
    when = " ".join(who) or "always"
    if rule.action == "override" and rule.cc_override:
        return [f"{when}: maps to HCC {rule.cc_override} ({tables.label(model, rule.cc_override)}) instead"]
    if rule.action == "invalid":
        edit = "Medicare Code Editor age" if rule.edit_type == "mce_age" else f"{rule.edit_type}"
        return [f"{when}: maps to no HCC (the model's {edit} edit)"]
    return [f"{when}: {rule.action}"]


SEARCH_MODELS = ("V28", "V24", "RxHCC-V08")  # Case2Code's filter choices


def newest_year_of(model):
    """The newest payment year whose mapping carries the model."""
    return next(y for y in reversed(tables.YEARS) if model.name in tables.models_in_mapping(y.mapping))


@functools.cache
def payment_codes(model_key):
    """{stored code: [HCC]} of every diagnosis that maps to a payment HCC in the model's newest mapping."""
    model = tables.MODEL[model_key]
    year = newest_year_of(model)
    return {code: sorted(hccs, key=int) for (code, name), hccs in tables.mapping(year.mapping).items()
            if name == model.name}


@dataclass
class Eligibility:
    code: str
    years: list  # [(service year, listed, the earlier year the package repeats for it or None)]

    @property
    def newest(self):
        return self.years[-1]

    @property
    def files(self):
        return [tables.ELIGIBLE_FILES[year] for year, _, _ in self.years]


def procedure_eligibility(code):
    """Whether CMS's list of risk-adjustment-eligible CPT/HCPCS codes, as the library ships it, has the code,
    for each year of service the library has a list for."""
    return Eligibility(code, [(year, code in tables.eligible(year), tables.eligible_copy_of(year))
                              for year in sorted(tables.ELIGIBLE_FILES)])
