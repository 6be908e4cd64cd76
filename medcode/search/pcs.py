"""ICD-10-PCS codes found the way a coder builds one.

The PCS index names a table, often with its body part ("Appendectomy" → 0DTJ, "Colonoscopy"
→ 0DJD8ZZ). Every character the index leaves open is then chosen from the query's words:
"laparoscopic" picks the percutaneous endoscopic approach, "mesh" a synthetic substitute,
"biopsy" the diagnostic qualifier. A value nobody asked for counts against a code by its
words, so "No Device", "No Qualifier" and the shortest body part and approach win when the
query says nothing about them, as a coder would read it.
"""

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

from medcode.codes import systems
from medcode.codes.models import Code
from medcode.search.documents import icd10pcs_index_terms
from medcode.search.lexical import WORD, index_stamp, stem
from medcode.search.query import fold

TABLES = 6  # index targets explored per query: the best few hold the answer when any does
COMMON_ENTRIES = 400  # a word in more index entries than this finds none on its own
# Words an axis value carries that say nothing about the procedure.
_NEUTRAL = frozenset("no none approach device qualifier of and or with via to from the in on".split())
_SIDES_AND_APPROACHES = frozenset(
    "right left bilateral open percutaneous endoscopic laparoscopic arthroscopic thoracoscopic external "
    "via natural or artificial opening".split()
)
_OPEN_AXES = ("Body Part", "Approach", "Device", "Qualifier")  # what the index usually leaves open
# An "-ectomy" with nothing said of how much is the whole organ: Resection before Excision
# (the index lists both; "partial" or "biopsy" say Excision and cover it by their words).
_WHOLE_BEFORE_PART = {"T": 0, "B": 1}


@dataclass(frozen=True)
class _Code:
    pk: int
    code: str
    seq: int
    deleted: bool
    path: str
    words: frozenset  # stems of every axis value and of the index's other names for them
    extra: tuple  # stems of the open axes' values, each counted against the code unless asked for


def match(groups, filters, limit=30):
    """[code_id], best first, for a query's groups; empty unless the query can mean PCS."""
    if not groups or filters.get("system") not in (None, systems.ICD10PCS):
        return []
    groups = [group for group in groups if group]
    stems = [[frozenset(stem(w) for w in alternative) for alternative in group] for group in groups]
    asked = frozenset().union(*(alt for group in stems for alt in group))
    weights = _weights(groups)
    prefixes = _prefixes(groups, weights)
    if not prefixes:
        return []
    built_at = index_stamp()
    seen, ranked = set(), []
    for prefix, entry_words in prefixes:
        for code in _table(prefix[:3], built_at):
            if not code.code.startswith(prefix) or code.pk in seen or not _allowed(code, filters):
                continue
            seen.add(code.pk)
            words = code.words | entry_words
            covered = sum(max(weight, 1.0) * max(len(alt & words) / len(alt) for alt in group)
                          for group, weight in zip(stems, weights))
            extra = sum(1 for word in code.extra if word not in asked)
            ranked.append((-covered, extra, _WHOLE_BEFORE_PART.get(code.code[2], 2), code.seq, code.pk))
    ranked.sort()
    return [row[-1] for row in ranked[:limit]]


def _allowed(code, filters):
    if code.deleted and not filters.get("include_deleted"):
        return False
    chapter = filters.get("chapter")
    return not chapter or chapter in code.path.split("|")


def _weights(groups):
    """How much each group says about the table: rare index words (appendectomy) far more than
    common ones (removal), and words only an approach or side is made of ("open", "right",
    "laparoscopic") nothing: they choose a character, never the table."""
    entries, _, spellings = _index()
    total = len(entries)
    return [
        0.0 if any(set(alt) <= _SIDES_AND_APPROACHES for alt in group)
        else max(math.log(total / (1 + spellings.get(w, 0))) for alt in group for w in alt)
        for group in groups
    ]


def _prefixes(groups, weights):
    """[(code prefix, stems of the index entry naming it)] from the entries covering most of the query.
    A word the entry spells as the user did counts fully, one sharing only its stem half
    ("appendectomy" is not "appendix")."""
    entries, postings, _ = _index()
    lists = [postings.get(stem(word), ()) for group, weight in zip(groups, weights) if weight
             for alternative in group for word in alternative]
    # Entries are found through the query's rarer words: a word in hundreds of entries
    # ("excision", "right") adds candidates that cover little else, and costs milliseconds.
    rare = [found for found in lists if len(found) <= COMMON_ENTRIES] or lists
    candidates = set().union(*rare) if rare else set()
    scored = []
    for number in candidates:
        prefix, spelt, words = entries[number]
        covered = sum(
            weight * max(sum(1 if w in spelt else 0.5 if stem(w) in words else 0 for w in alt) / len(alt)
                         for alt in group)
            for group, weight in zip(groups, weights)
        )
        # At equal coverage: the entry saying least the query did not, then the longer target
        # (it fixes more characters).
        scored.append((-covered, len(words), -len(prefix), prefix, words))
    scored.sort()
    if not scored:
        return []
    best = scored[0][0]
    chosen, seen = [], set()
    for covered, _, _, prefix, words in scored:
        if covered > best * 0.8 or len(chosen) >= TABLES:
            break
        if prefix not in seen:
            seen.add(prefix)
            chosen.append((prefix, words))
    return chosen


@cache
def _index():
    """The PCS index as [(target prefix, its path's words, their stems)], {stem: [entry number]}
    and {word: how many entries hold it}."""
    entries, postings, spellings = [], {}, Counter()
    for prefix, paths in _parsed_index()[0].items():
        for path in dict.fromkeys(paths):
            spelt = frozenset(w for w in WORD.findall(fold(path)) if w not in _NEUTRAL)
            words = frozenset(stem(w) for w in spelt)
            spellings.update(spelt)
            for word in words:
                postings.setdefault(word, []).append(len(entries))
            entries.append((prefix, spelt, words))
    return entries, postings, spellings


@cache
def _other_names():
    """{axis value, lower case: stems of the index's "use" names for it} (PICC → Infusion Device)."""
    return {
        label: frozenset(stem(w) for name in names for w in WORD.findall(fold(name)))
        for label, names in _parsed_index()[1].items()
    }


@cache
def _parsed_index():
    """The PCS index file read once: ({target: [path, …]}, {axis value: [its "use" names]})."""
    uses = {}
    return icd10pcs_index_terms(uses=uses), uses


@lru_cache(maxsize=1024)  # PCS has about 900 tables
def _table(table, built_at):
    """Every code of a PCS table (its first three characters), read once per index build."""
    codes = []
    rows = (Code.objects.filter(system=systems.ICD10PCS, billable=True, code__gte=table,
                                code__lte=table + systems.AFTER_EVERY_CODE)
            .values_list("pk", "code", "seq", "status", "path", "extra"))
    for pk, code, seq, status, path, extra in rows:
        values = [_value_words(axis, label) for _, axis, _, label in extra.get("axes", [])]
        words = frozenset().union(*(matched for matched, _ in values))
        counted = tuple(word for _, own in values for word in own)
        codes.append(_Code(pk, code, seq, status == Code.Status.DELETED, path, words, counted))
    return tuple(codes)


@cache
def _value_words(axis, label):
    """(stems an axis value is matched by, stems counted against a code holding it unasked)."""
    own = tuple(stem(w) for w in WORD.findall(fold(label)) if w not in _NEUTRAL)
    if axis not in _OPEN_AXES:
        return frozenset(own), ()
    return frozenset(own) | _other_names().get(label.lower(), frozenset()), own
