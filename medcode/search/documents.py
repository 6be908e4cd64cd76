"""The text each code is found by: its descriptors, and the words coders use for it.

Titles alone miss most plain-language queries, so a code's document also holds
- ICD-10-CM: every alphabetic-index path that leads to it or to a category above it
  ("Fracture traumatic hip" reaches S72.0-), with `see` cross-references followed once
  ("Abdominalgia" → "Pain, abdominal");
- ICD-10-PCS: the index paths that name its table ("Appendectomy" → 0DTJ);
- its inclusion terms, and for CPT medcode's own label, keywords and outline headings.
"""

import csv
import gzip
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from medcode.codes import systems
from medcode.codes.models import Code, CodeNote
from medcode.search.models import IndexEntry, SearchDocument
from medcode.search.query import fold

DATA = Path(__file__).resolve().parent / "data"
QUALIFIER = " >> "  # separates a table entry's site or drug from its column, in index paths
DOCUMENTS_VERSION = 4  # bump when documents are built differently: load-data then rebuilds the index
ICD10CM_INDEX = DATA / "icd10cm_index_2025_flat_derived.csv.gz"
ICD10PCS_INDEX = DATA / "icd10pcs_index_2025.xml.gz"
ICD10CM_NEOPLASMS = DATA / "icd10cm_neoplasm_2025.xml.gz"
ICD10CM_DRUGS = DATA / "icd10cm_drug_2025.xml.gz"
ICD10CM_EXTERNAL_CAUSES = DATA / "icd10cm_eindex_2025.xml.gz"
DRUG_COLUMNS = {
    "2": "(poisoning) (accidental) (unintentional) (overdose) (ingestion)",
    "3": "poisoning intentional self-harm (suicide attempt) (overdose)",
    "4": "poisoning assault",
    "5": "poisoning undetermined",
    "6": "adverse effect (side effect) (reaction) (allergic) (correct drug properly administered)",
    "7": "underdosing (missed doses) (noncompliance)",
}
# The Table of Neoplasms' columns, in the words a query uses; parenthesised words are optional.
NEOPLASM_COLUMNS = {
    "2": "Neoplasm (malignant) (primary) (cancer) (carcinoma) (tumor)",
    "3": "Neoplasm (malignant) (secondary) (metastatic) (metastasis) (cancer) (spread)",
    "4": "Neoplasm (carcinoma) in situ",
    "5": "Neoplasm (benign) (tumor) (growth)",
    "6": "Neoplasm (uncertain behavior)",
    "7": "Neoplasm (unspecified behavior) (mass) (tumor) (growth)",
}
HEADINGS = {Code.Kind.CHAPTER, Code.Kind.BLOCK, Code.Kind.SECTION, Code.Kind.BODY_SYSTEM, Code.Kind.RANGE}
_PARENTHESES = re.compile(r"[()]")


def icd10cm_index_terms(path=ICD10CM_INDEX):
    """{code without dot or dash: [index path, …]} from the flattened alphabetic index."""
    terms, coded, sees, stack, names = {}, {}, {}, [], []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            level = int(row["Level"] or 0)
            # Nonessential modifiers ("(hysterical)") are words coders use too; they keep their
            # parentheses so ranking can tell them from the words an entry requires.
            stack[level:] = [f"{row['Term']} {row['NonEssModif'] or ''}".strip()]
            names[level:] = [row["Term"]]
            key = _path_key(names)
            code = (row["Code"] or "").replace(".", "").rstrip("-").upper()
            if code:
                terms.setdefault(code, []).append(" > ".join(stack))
                coded.setdefault(key, code)
            elif row["See"]:
                sees[key] = (" > ".join(stack), names[0], row["See"])
    for text, main_term, target in sees.values():
        code = _follow(target, main_term, coded, sees)
        if code:
            terms.setdefault(code, []).append(text)
    tables = [
        table_entries(ICD10CM_NEOPLASMS, NEOPLASM_COLUMNS, skip_main_term=True),
        table_entries(ICD10CM_DRUGS, DRUG_COLUMNS),
        external_cause_entries(),
    ]
    for entries in tables:
        for code, text in entries:
            terms.setdefault(code, []).append(text)
    return terms


def _title(element):
    title = element.find("title")
    return " ".join(" ".join(title.itertext()).split()) if title is not None else ""


def _code(text):
    return (text or "").strip().replace(".", "").rstrip("-").upper()


def table_entries(path, columns, skip_main_term=False):
    """(code, entry text) for every cell of the Table of Neoplasms or the Table of Drugs, the
    column after QUALIFIER: "colon >> Neoplasm (malignant) (primary) …", "Acetaminophen >> adverse
    effect …". Only the part before it is matched: the column words repeat on 50,000 entries."""
    with gzip.open(path, "rb") as handle:
        root = ET.parse(handle).getroot()

    def walk(term, trail):
        here = trail + [_title(term)]
        site = here[1:] if skip_main_term else here
        for cell in term.findall("cell"):
            code, column = _code(cell.text), columns.get(cell.get("col"))
            if column and code and code[0].isalpha():
                yield code, " > ".join(site) + QUALIFIER + column
        for child in term.findall("term"):
            yield from walk(child, here)

    for main_term in root.iter("mainTerm"):
        yield from walk(main_term, [])


def external_cause_entries(path=ICD10CM_EXTERNAL_CAUSES):
    """(code, "Fall > on ice or snow") for every coded path of the external cause index."""
    with gzip.open(path, "rb") as handle:
        root = ET.parse(handle).getroot()

    def walk(term, trail):
        here = trail + [_title(term)]
        for code in term.findall("code"):
            if _code(code.text):
                yield _code(code.text), " > ".join(here)
        for child in term.findall("term"):
            yield from walk(child, here)

    for main_term in root.iter("mainTerm"):
        yield from walk(main_term, [])


def _path_key(names):
    # Deeper levels are cited by their first words: "femur, femoral" is "see ..., femur".
    return "|".join([names[0].lower()] + [n.split(",")[0].split(" (")[0].strip().lower() for n in names[1:]])


def _follow(target, main_term, coded, sees, hops=4):
    """The code a see-reference ends at. "see Fracture, femur, neck" written under
    "Fracture, traumatic" means that main term, so it is tried first."""
    parts = [part.strip() for part in target.split(",")]
    keys = []
    if main_term.lower().startswith(parts[0].lower()):
        keys.append(_path_key([main_term] + parts[1:]))
    keys += [_path_key([", ".join(parts[:i])] + parts[i:]) for i in range(1, len(parts) + 1)]
    for key in keys:
        if key in coded:
            return coded[key]
        if key in sees and hops:
            _, next_main, next_target = sees[key]
            return _follow(next_target, next_main, coded, sees, hops - 1)
    return None


def icd10pcs_index_terms(path=ICD10PCS_INDEX, uses=None):
    """{table prefix or full code: [index path, …]} from the PCS index. `uses`, if given, is
    filled with the index's "use" entries: {axis value, lower case: [the words that mean it]}
    ("Esophagus, Lower" ← "Abdominal esophagus")."""
    terms = {}

    def walk(element, trail):
        title = element.findtext("title")
        here = trail + [title.strip()] if title else trail
        for child in element:
            if child.tag in ("term", "mainTerm"):
                walk(child, here)
            elif child.tag in ("code", "codes", "tab"):
                terms.setdefault(child.text.strip().upper(), []).append(" ".join(here))
            elif child.tag in ("see", "use"):
                target = (child.text or "").strip()
                if child.tag == "use" and uses is not None and here:
                    uses.setdefault(target.lower(), []).append(here[0])
                for code in child.findall("codes") + child.findall("code") + child.findall("tab"):
                    terms.setdefault(code.text.strip().upper(), []).append(" ".join(here + [target]))

    with gzip.open(path, "rb") as handle:
        root = ET.parse(handle).getroot()
    for letter in root.findall("letter"):
        for main_term in letter.findall("mainTerm"):
            walk(main_term, [])
    return terms


def _inherited(code, index):
    """Index paths naming this code or any code above it (index entries often stop at a category)."""
    found = []
    for size in range(3, len(code) + 1):
        found.extend(index.get(code[:size], ()))
    return found


def build_index_entries():
    """Yield one IndexEntry per ICD-10-CM index path whose code the catalogue has, not deleted."""
    codes = dict(Code.objects.filter(system=systems.ICD10CM).exclude(status=Code.Status.DELETED)
                 .values_list("code", "pk"))
    first_billable = {}
    for code, path in (Code.objects.filter(system=systems.ICD10CM, billable=True)
                       .exclude(status=Code.Status.DELETED)
                       .order_by("seq").values_list("pk", "path")):
        for ancestor in filter(None, path.split("|")):
            first_billable.setdefault(ancestor, code)
    for code, paths in icd10cm_index_terms().items():
        if code not in codes:
            continue
        for path in dict.fromkeys(paths):
            text, _, qualifier = path.partition(QUALIFIER)
            yield IndexEntry(code_id=codes[code], default_id=first_billable.get(code), text=fold(text),
                             qualifier=fold(qualifier))


def build_documents(queryset=None):
    """Yield one SearchDocument per searchable code (headings like chapters are browsed, not searched)."""
    codes = (queryset if queryset is not None else Code.objects.all()).exclude(kind__in=HEADINGS)
    pcs_uses = {}
    indexes = {systems.ICD10CM: icd10cm_index_terms(), systems.ICD10PCS: icd10pcs_index_terms(uses=pcs_uses)}
    inclusions = {}
    for owner, text in CodeNote.objects.filter(
        kind__in=[CodeNote.Kind.INCLUSION, CodeNote.Kind.INCLUDES]
    ).values_list("owner_id", "text"):
        inclusions.setdefault(owner, []).append(text)
    outline = {
        (system, code): title
        for system, code, title in Code.objects.filter(kind__in=HEADINGS).values_list("system", "code", "title")
    }
    parents = set(Code.objects.exclude(parent="").values_list("system", "parent").distinct())
    for code in codes.iterator(chunk_size=5000):
        ancestors = code.ancestor_codes
        label = code.extra.get("label", "")
        title = code.title or label or code.short_title or code.summary
        terms = inclusions.get(code.pk, []) + _inherited(code.code, indexes.get(code.system, {}))
        if code.system == systems.CPT:
            # Without a licensee's CPT file the outline headings are all the words a CPT code has.
            terms += [label, code.summary, *code.extra.get("keywords", [])]
            terms += [outline[(code.system, a)] for a in ancestors if (code.system, a) in outline]
        elif code.system == systems.HCPCS:
            terms.append(code.short_title)
        elif code.system == systems.ICD10PCS:
            # The section and body system name the field ("Imaging", "Gastrointestinal System"); the
            # index's "use" entries give an axis value its other names.
            for _, axis, _, label in code.extra.get("axes", []):
                if axis in ("Section", "Body System"):
                    terms.append(label)
                terms += pcs_uses.get(label.lower(), [])
        yield SearchDocument(
            code_id=code.pk,
            system=code.system,
            billable=code.billable,
            leaf=(code.system, code.code) not in parents,
            active=not code.is_deleted,
            ancestors="|" + "|".join(ancestors) + "|" if ancestors else "",
            # Folded (no accents, lower case): PostgreSQL's english configuration keeps accents,
            # and "Ménière" must be found by "meniere" on both databases.
            title=fold(title),
            terms=fold(" · ".join(dict.fromkeys(t for t in terms if t and t != title))),
        )


def embedding_text(document):
    """What the semantic index encodes for a document: codes that differ only in a detail
    the lexical half reads well (a 7th character, a PCS approach) share one text and one vector."""
    title = document.title
    if document.system == systems.ICD10PCS:
        return title.split(",")[0]
    if document.system == systems.ICD10CM and document.code_id and "," in title and document.leaf:
        head, _, tail = title.rpartition(",")
        if "encounter" in tail or "sequela" in tail:
            return head
    return title
