"""ICD-10-CM tabular list (CDC XML) to code records.

The tabular lists codes up to six characters; where a category carries a
7th-character definition, the billable codes are the expansions of its leaves
(placeholder X padding to six characters), as the CDC code list has them.
"""

import importlib.util
import re
from datetime import date
from pathlib import Path

from medcode.codes import systems
from medcode.codes.loaders.base import CodeRecord, ImportFailed, ParsedRelease, read_xml
from medcode.codes.models import Code, CodeNote

NOTE_TAGS = {
    "inclusionTerm": CodeNote.Kind.INCLUSION,
    "includes": CodeNote.Kind.INCLUDES,
    "excludes1": CodeNote.Kind.EXCLUDES1,
    "excludes2": CodeNote.Kind.EXCLUDES2,
    "codeFirst": CodeNote.Kind.CODE_FIRST,
    "useAdditionalCode": CodeNote.Kind.USE_ADDITIONAL,
    "codeAlso": CodeNote.Kind.CODE_ALSO,
    "notes": CodeNote.Kind.NOTE,
    "sevenChrNote": CodeNote.Kind.SEVENTH,
}
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], start=1)}
_SPACES = re.compile(r"\s+")
# "7th characters D and S do not apply to codes in category S06 with 6th
# character 7 - ..., or 8 - ..." (S06): the tabular states the exception in words.
_SEVENTH_EXCEPTION = re.compile(
    r"7th characters? ((?:[A-Z](?:, | and | or )?)+) do(?:es)? not apply to codes in category "
    r"([A-Z0-9]{3}) with 6th character (.*)"
)


def packaged_tabular():
    """The CDC tabular XML shipped inside the simple-icd-10-cm package."""
    # find_spec locates the package without importing it (its import parses the whole XML).
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        raise ImportFailed("the simple-icd-10-cm package is not installed")
    data_dir = Path(spec.submodule_search_locations[0]) / "data"
    found = sorted(data_dir.glob("icd10c*-tabular-*.xml"))
    if not found:
        raise ImportFailed(f"no ICD-10-CM tabular XML in {data_dir}")
    return found[-1]


def release_of(path, version):
    """Fiscal-year version and effective date, from the XML version and file name.

    FY N takes effect on 1 October of N-1; an April update says so in its file
    name (icd10c-tabular-April-1-2026.xml) and takes effect that April.
    """
    name = Path(path).name.lower()
    month = next((number for month, number in MONTHS.items() if month in name), None)
    if month and month < 10:
        return f"FY{version} ({date(int(version), month, 1):%B} {version} update)", date(int(version), month, 1)
    return f"FY{version}", date(int(version) - 1, 10, 1)


def _text(element):
    return _SPACES.sub(" ", "".join(element.itertext())).strip()


def _notes(element):
    notes = []
    for child in element:
        kind = NOTE_TAGS.get(child.tag)
        if kind:
            notes.extend((kind, _text(note)) for note in child.findall("note") if _text(note))
    return notes


def _seventh(element):
    definition = element.find("sevenChrDef")
    if definition is None:
        return None
    return {ext.get("char"): _text(ext) for ext in definition.findall("extension")}


def _seventh_exceptions(element):
    """{6th character: 7th characters not allowed}, from a category's 7th-character notes."""
    excluded = {}
    for _kind, text in _notes(element):
        match = _SEVENTH_EXCEPTION.search(text)
        if match:
            chars = set(re.findall(r"\b[A-Z]\b", match.group(1)))
            for sixth in re.findall(r"(?:^|, or |, | or )([0-9A-Z]) -", match.group(3)):
                excluded.setdefault(sixth, set()).update(chars)
    return excluded


def parse(path, *, version=None, effective_date=None):
    root, digest, file_version = read_xml(path, "ICD10CM.tabular", "an ICD-10-CM tabular list")
    default_version, default_effective = release_of(path, file_version)
    records = []
    seen = set()

    def add(record):
        if record.code in seen:
            raise ImportFailed(f"code {record.code} appears twice", source=path)
        seen.add(record.code)
        records.append(record)

    def walk_diag(diag, parent, inherited_seventh, inherited_exceptions):
        name = (diag.findtext("name") or "").strip()
        code = systems.normalize(name)
        if not systems.SYSTEMS[systems.ICD10CM].matches(code):
            raise ImportFailed(f"{name!r} is not an ICD-10-CM code", source=path)
        seventh = _seventh(diag)
        exceptions = _seventh_exceptions(diag) or inherited_exceptions
        children = diag.findall("diag")
        applicable = seventh or inherited_seventh
        leaf = not children
        needs_seventh = leaf and applicable is not None and len(code) < 7
        kind = Code.Kind.CATEGORY if len(code) == 3 else (
            Code.Kind.CODE if leaf and not needs_seventh else Code.Kind.SUBCATEGORY
        )
        title = _text(diag.find("desc")) if diag.find("desc") is not None else ""
        extra = {"seventh": seventh} if seventh else {}
        add(CodeRecord(
            code=code, kind=kind, title=title, parent=parent,
            billable=leaf and not needs_seventh, notes=_notes(diag), extra=extra,
        ))
        for child in children:
            walk_diag(child, code, applicable, exceptions)
        if needs_seventh:
            base = code.ljust(6, "X")
            excluded = exceptions.get(base[5], set())
            for char, meaning in applicable.items():
                if char in excluded:
                    continue
                add(CodeRecord(
                    code=base + char, kind=Code.Kind.CODE, title=f"{title}, {meaning}",
                    parent=code, billable=True, extra={"seventh_char": char, "seventh_meaning": meaning},
                ))

    for chapter in root.findall("chapter"):
        number = (chapter.findtext("name") or "").strip()
        add(CodeRecord(
            code=number, kind=Code.Kind.CHAPTER, title=_text(chapter.find("desc")),
            notes=_notes(chapter),
        ))
        for section in chapter.findall("section"):
            block = (section.get("id") or "").strip().upper()
            if "-" not in block:  # a one-category block (B10) must not collide with its category
                block = f"{block}-{block}"
            add(CodeRecord(
                code=block, kind=Code.Kind.BLOCK, title=_text(section.find("desc")),
                parent=number, notes=_notes(section),
            ))
            for diag in section.findall("diag"):
                walk_diag(diag, block, None, {})
    if not any(r.billable for r in records):
        raise ImportFailed("the tabular holds no codes (truncated file?)", source=path)
    return ParsedRelease(
        system=systems.ICD10CM,
        version=version or default_version,
        effective_date=effective_date or default_effective,
        source=Path(path).name, sha256=digest, records=records,
    )
