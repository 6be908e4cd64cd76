"""The four code sets medcode knows, and how their codes are written.

Plain module, no Django: parsers, views, search and the CLI all normalise
codes through here so that `s72001a`, `S72.001A` and ` s72.001a ` are one code.
"""

import re
import unicodedata
from dataclasses import dataclass

CPT = "cpt"
HCPCS = "hcpcs"
ICD10CM = "icd10cm"
ICD10PCS = "icd10pcs"

# Codes are digits and capitals: a prefix followed by this sorts after every code starting
# with it, in byte order and in PostgreSQL's locale collations alike (unlike "~"). Lookups
# by prefix use it as a range bound: SQLite's LIKE (startswith) cannot use the code index.
AFTER_EVERY_CODE = "ZZZZZZZZ"


@dataclass(frozen=True)
class CodeSystem:
    key: str
    slug: str
    name: str
    kind: str  # what a code of this set identifies
    pattern: re.Pattern

    def matches(self, normalized):
        return bool(self.pattern.fullmatch(normalized))


SYSTEMS = {
    CPT: CodeSystem(
        CPT, "cpt", "CPT", "procedure",
        # Category I is five digits; II, III, PLA, vaccine and MAAA codes end in a letter.
        re.compile(r"\d{4}[0-9FTUAM]"),
    ),
    HCPCS: CodeSystem(
        HCPCS, "hcpcs", "HCPCS Level II", "procedure, supply or drug",
        # D (dental) codes are ADA CDT and not shipped; I, N, O, W, X, Y, Z are unused.
        re.compile(r"[A-CEGHJ-MP-V]\d{4}"),
    ),
    ICD10CM: CodeSystem(
        ICD10CM, "icd-10-cm", "ICD-10-CM", "diagnosis",
        # The second character is a digit except in the newest categories (QA0, FY2026).
        re.compile(r"[A-Z][0-9A-Z]{2}[0-9A-Z]{0,4}"),
    ),
    ICD10PCS: CodeSystem(
        ICD10PCS, "icd-10-pcs", "ICD-10-PCS", "inpatient procedure",
        re.compile(r"[0-9BCDFGHX][0-9A-HJ-NP-Z]{6}"),
    ),
}
BY_SLUG = {system.slug: system for system in SYSTEMS.values()}
ORDER = [CPT, HCPCS, ICD10CM, ICD10PCS]
CHOICES = [(key, SYSTEMS[key].name) for key in ORDER]  # for forms and model fields

_STRIP = re.compile(r"[\s.\-]")


def get(key_or_slug):
    """The CodeSystem for a key (`icd10cm`) or URL slug (`icd-10-cm`), else None."""
    if not key_or_slug:
        return None
    value = key_or_slug.strip().lower()
    return SYSTEMS.get(value) or BY_SLUG.get(value) or BY_SLUG.get(value.replace("_", "-"))


def normalize(raw):
    """Upper-case, no dots or blanks: the form codes are stored in. Compatibility forms fold first (a
    full-width "Ｅ１１．９" is E11.9) and invisible format characters (a zero-width space pasted from a
    document) go with the blanks."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in _STRIP.sub("", text) if unicodedata.category(ch) != "Cf").upper()


def display(system_key, code):
    """The form coders write: ICD-10-CM takes a dot after the category."""
    if system_key == ICD10CM and len(code) > 3 and code[:3].isalnum() and "-" not in code:
        return f"{code[:3]}.{code[3:]}"
    return code


def candidate_systems(raw):
    """Code sets whose syntax the input fits, most likely first.

    A dotted 7-character code is ICD-10-CM; otherwise several sets can share
    a shape (B20 is ICD-10-CM, BW03ZZZ is PCS), so callers check the catalogue.
    """
    text = (raw or "").strip()
    code = normalize(text)
    if not code:
        return []
    found = [key for key in (CPT, HCPCS, ICD10PCS, ICD10CM) if SYSTEMS[key].matches(code)]
    if "." in text and ICD10CM in found:
        return [ICD10CM]
    if len(code) == 7 and ICD10CM in found and ICD10PCS in found and code[2].isdigit():
        # X58XXXA style: CM external causes have a digit third; PCS X tables a letter.
        found.remove(ICD10CM)
        found.insert(0, ICD10CM)
    return found
