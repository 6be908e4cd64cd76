"""Plain-language ("common language") descriptions built from structured data.

A code with a summary written by medcode shows that text; every other code
gets a description composed from what the code set itself says about it, so
no page is left without one.
"""

from dataclasses import dataclass

from medcode.codes import systems
from medcode.codes.loaders.icd10pcs import definitions
from medcode.codes.models import Code

COVERAGE = {
    "C": "Medicare coverage is left to the judgment of the Medicare contractor",
    "D": "special Medicare coverage instructions apply",
    "I": "Medicare does not pay for it under this code (another code is used for Medicare)",
    "M": "Medicare does not cover it",
    "S": "Medicare does not cover it, by statute",
}


def lower_first(text):
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def describe(code, *, ancestors=(), child_count=0):
    if code.summary:
        return code.summary
    builder = {
        systems.ICD10CM: _icd10cm, systems.ICD10PCS: _icd10pcs,
        systems.HCPCS: _hcpcs, systems.CPT: _cpt,
    }[code.system]
    return builder(code, list(ancestors), child_count)


def _group(code, child_count):
    what = code.get_kind_display().lower()
    return (
        f"This {what} of {code.system_name} groups {child_count:,} entries under "
        f"\u201c{code.best_title}\u201d. Open one below to see its codes."
    )


def _icd10cm(code, ancestors, child_count):
    if code.is_group:
        return _group(code, child_count)
    title = lower_first(code.title)
    parts = []
    if code.billable:
        parts.append(f"{code.display_code} is a billable ICD-10-CM diagnosis code for {title}.")
    elif code.is_deleted:
        parts.append(f"{code.display_code} was an ICD-10-CM code for {title}; it is no longer valid.")
    else:
        parts.append(
            f"{code.display_code} ({title}) is a heading, not a billable code: a claim needs one of "
            f"the {child_count:,} more specific codes under it."
        )
    category = next((a for a in ancestors if a.kind == Code.Kind.CATEGORY), None)
    block = next((a for a in ancestors if a.kind == Code.Kind.BLOCK), None)
    chapter = next((a for a in ancestors if a.kind == Code.Kind.CHAPTER), None)
    if category and category.code != code.code:
        parts.append(f"It falls under category {category.display_code}, {lower_first(category.title)}.")
    if block and chapter:
        parts.append(
            f"The category sits in the block \u201c{block.title}\u201d of chapter {chapter.code}, "
            f"{lower_first(chapter.title.split(' (')[0])}."
        )
    if code.extra.get("seventh_char"):
        parts.append(
            f"Its 7th character, {code.extra['seventh_char']}, records the encounter or outcome: "
            f"{code.extra['seventh_meaning']}."
        )
    return " ".join(parts)


def _icd10pcs(code, ancestors, child_count):
    if code.is_group:
        if code.kind == Code.Kind.TABLE and code.extra.get("definition"):
            return (
                f"Table {code.code} holds the {code.title.lower()} procedures of this body system. "
                f"{code.title} means: {lower_first(code.extra['definition'])}. "
                f"It contains {child_count:,} valid codes."
            )
        return _group(code, child_count)
    axes = {pos: (title, char, label) for pos, title, char, label in code.extra.get("axes", [])}
    terms = definitions()
    section = code.code[0]

    def meaning(pos):
        title, _, label = axes.get(pos, ("", "", ""))
        term = terms.get((section, pos, label.lower()))
        return lower_first(term["definition"]) if term and term.get("definition") else ""

    operation, body_part, approach = axes[3][2], axes[4][2], axes[5][2]
    sentence = (
        f"{code.code} reports a procedure in the {axes[1][2]} section of ICD-10-PCS, "
        f"on the {lower_first(axes[2][2])}: {operation.lower()} of the {lower_first(body_part)}"
    )
    if meaning(3):
        sentence += f" ({operation.lower()} means {meaning(3)})"
    parts = [sentence + "."]
    approach_text = f"The approach is {approach.lower()}"
    if meaning(5):
        approach_text += f": {meaning(5)}"
    parts.append(approach_text + ".")
    for pos in (6, 7):
        title, _, label = axes.get(pos, ("", "", ""))
        if label and not label.startswith("No "):
            parts.append(f"{title}: {label}.")
    return " ".join(parts)


def _hcpcs(code, ancestors, child_count):
    if code.is_group:
        return _group(code, child_count)
    group = ancestors[-1].title if ancestors else ""
    parts = [f"{code.code} is a HCPCS Level II code for {lower_first(code.title)}."]
    if group:
        parts.append(f"It belongs to the {code.code[0]} codes: {lower_first(group)}.")
    if code.is_deleted and code.end_date:
        parts.append(f"It was discontinued: the last date it could be used was {code.end_date:%B %-d, %Y}.")
    return " ".join(parts)


def _cpt(code, ancestors, child_count):
    """For a code with a medcode description, describe() returned it; here the others: a label
    without a description, or a code medcode has no words for yet (it says so rather than guess)."""
    if code.is_group:
        return _group(code, child_count)
    path = " \u203a ".join(a.title for a in ancestors)
    where = path or "the CPT code set"
    label = code.extra.get("label")
    if label:
        text = f"CPT {code.code}, in medcode's words: {lower_first(label.removeprefix('Add-on: '))}. It sits in {where}."
    else:
        text = f"CPT {code.code} is a code in {where}."
    if code.is_addon:
        text += " It is an add-on code: it is reported only together with a primary procedure."
    if label:
        return text + " medcode has no full description of this code yet."
    return text + (" medcode has no description of this code yet: its outline heading above is all medcode can say"
                   " without the licensed CPT descriptor.")


@dataclass(frozen=True)
class Contrast:
    code: Code  # a neighbour coders confuse with this code
    difference: str  # how that neighbour differs, in medcode's words


def contrasts(code):
    """The codes most often confused with a CPT code, each with how it differs (medcode's words);
    a neighbour the catalogue lacks is left out."""
    listed = code.extra.get("contrasts") or []
    found = {c.code: c for c in Code.objects.filter(system=code.system, code__in=[x["code"] for x in listed])}
    return [Contrast(found[x["code"]], x["difference"]) for x in listed if x["code"] in found]
