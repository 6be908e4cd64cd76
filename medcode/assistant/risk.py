"""CasePilot's risk adjustment facts: a diagnosis's CMS-HCC in each model, a service's eligibility.

Each fact is what the code page's risk adjustment section shows (riskadjust/), said in a sentence
that names the model, the payment year and the file it comes from.
"""

import re

from medcode.assistant.facts import Fact, page
from medcode.codes import systems
from medcode.riskadjust import codefacts, tables

_MODEL_ASKED = re.compile(r"\b(v ?28|v ?24|rx ?hcc|esrd)\b", re.IGNORECASE)
_KEYS = {"v28": "V28", "v24": "V24", "rxhcc": "RxHCC-V08", "esrd": "ESRD-V24"}


def asked_models(question):
    keys = [_KEYS[m.lower().replace(" ", "")] for m in _MODEL_ASKED.findall(question)]
    return list(dict.fromkeys(keys)) or ["V28", "V24"]


def code_facts(code, question, day):
    if code.system == systems.ICD10CM:
        return _diagnosis(code, question)
    if code.system in (systems.CPT, systems.HCPCS):
        return _service(code, day)
    return [Fact(f"{code.display_code} is an ICD-10-PCS code: risk adjustment models read diagnoses, not inpatient "
                 "procedure codes.", page(code))]


def _diagnosis(code, question):
    cite = page(code, "hcc")
    if not code.billable:
        return [Fact(f"{code.display_code} is a category, not a reportable code: CMS's HCC mappings list only the "
                     "codes below it.", cite, about=code)]
    facts = codefacts.diagnosis_hccs(code.code, True)
    rows = {row.model.key: row for row in facts.rows}
    said = []
    for key in asked_models(question):
        row = rows[key]
        cell = next((c for c in reversed(row.cells) if c.in_file), None)
        if cell is None:
            continue
        where = f"{row.model.title}, payment year {cell.year.year} ({cell.year.mapping}, {tables.package()})"
        prefix = "RxHCC" if row.model.family == "RxHCC" else "HCC"
        if cell.hccs:
            hccs = "; ".join(f"{prefix} {hcc} {label}" for hcc, label in cell.hccs)
            text = f"In {where}, {code.display_code} maps to {hccs}."
            if row.trumped_by:
                text += (f" A hierarchy drops it when the member also has "
                         f"{', '.join(f'{prefix} {h}' for h, _ in row.trumped_by)}.")
        elif cell.newer:
            text = (f"{code.display_code} is newer than the codes of {where} (they stop at FY{cell.year.code_set}): "
                    "medcode cannot say whether it maps to an HCC.")
        else:
            text = f"In {where}, {code.display_code} maps to no payment HCC: it does not raise the risk score."
        said.append(Fact(text + "".join(f" Edit: {edit}." for edit in row.edits) + _weight(row.model, cell.year),
                         cite, about=code))
    if not facts.payment_hcc:
        said.append(Fact(f"{code.display_code} is in no payment HCC of any model or payment year medcode holds "
                         f"({', '.join(str(y.year) for y in tables.YEARS)}).", cite, about=code))
    return said


def _weight(model, year):
    """V24 after 2025: say that the model no longer weighs in CMS's CMS-HCC score."""
    if model.family != "CMS-HCC" or not year.blend:
        return ""
    share = dict(year.blend).get(model.key, 0)
    if share:
        return ""
    had = [(y.year, dict(y.blend)[model.key]) for y in tables.YEARS if model.key in dict(y.blend)]
    before = "; ".join(f"it had {s:.0%} for payment year {y} ({tables.YEAR[y].blend_source})" for y, s in had)
    return f" {model.key} has no share of the CMS-HCC score for payment year {year.year} ({year.blend_source}){'; ' + before if before else ''}."


def _service(code, day):
    facts = codefacts.procedure_eligibility(code.code)
    held = {year: (listed, copy) for year, listed, copy in facts.years}
    year = day.year if day.year in held else max(held)
    listed, copy = held[year]
    source = f"{tables.ELIGIBLE_FILES[year]}, {tables.package()}" + (f"; the package repeats its {copy} list" if copy else "")
    if listed:
        text = (f"{code.display_code} is on CMS's list of risk-adjustment-eligible CPT/HCPCS codes for {year} services "
                f"({source}): a professional or outpatient claim with it can count for risk adjustment, when the claim "
                "type, the provider and the diagnoses qualify too.")
    else:
        text = (f"{code.display_code} is not on CMS's list of risk-adjustment-eligible CPT/HCPCS codes for {year} services "
                f"({source}): the diagnoses of a professional or outpatient claim whose only services are off the list do "
                "not count.")
    return [Fact(text, page(code, "risk"), about=code)]
