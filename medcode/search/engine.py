"""Case2Code: one entry point for every kind of query, and the index it reads.

A code, prefix or range is looked up in the catalogue. Words go to the lexical
backend and, when installed, the semantic index; the two rankings are fused with
reciprocal rank fusion, and a specific query prefers billable codes over headings.
"""

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from medcode.codes import fiscal, systems
from medcode.codes.loaders import cpt
from medcode.codes.models import Code, Release
from medcode.riskadjust import codefacts as riskadjust
from medcode.search import lexical, pcs, semantic
from medcode.search.documents import DATA, DOCUMENTS_VERSION, build_documents, build_index_entries
from medcode.search.models import IndexEntry, IndexState, SearchDocument
from medcode.search.query import all_words, fold, parse

# Fusion constants, set with bench/search_quality.py on bench/queries (recall@5 moved less
# than 0.01 across K 5..60 and weights 0.5..2, so these are not fitted to single queries).
# The PCS builder's weight matters more: 0.5 and 1.5 each found 3 to 6 fewer of 90 PCS queries.
RRF_K = 10
LEXICAL_WEIGHT, INDEX_WEIGHT, SEMANTIC_WEIGHT, PCS_WEIGHT = 1.0, 2.0, 1.0, 1.0
EVERY_WORD_BONUS = 0.03  # holding every word the user said beats a better rank on some of them
BILLABLE_BONUS = 0.03
CANDIDATES = 100
EXCLUSIVE = [frozenset({"left", "right", "bilateral"}), frozenset({"initial", "subsequent", "sequela"})]
AGREEMENT_BONUS = 0.06
# The words PCS approaches are told apart by ("Via Natural or Artificial Opening Endoscopic").
APPROACH_WORDS = frozenset("open percutaneous endoscopic natural external".split())
_WITHOUT = re.compile(r"\bw/o\b|\bw/out\b", re.IGNORECASE)


@dataclass
class Hit:
    code: Code
    score: float
    matched: list = field(default_factory=list)
    path: list = field(default_factory=list)  # ancestor Codes, root first
    via: str = "words"  # "code", "words", "meaning" or "words+meaning"
    validity: object = None  # codes.fiscal.Validity when the code is not valid in today's fiscal year (FY2027)
    hccs: list = field(default_factory=list)  # with the HCC filter: the HCCs the diagnosis maps to


@dataclass
class Results:
    query: object
    hits: list
    mode: str  # "code", "lexical" or "hybrid"
    notice: str = ""
    corrections: dict = field(default_factory=dict)
    took_ms: float = 0.0


HCC_POOL = 4  # with the HCC filter, rank this many times the results asked for, then keep the mapped ones


def search(text, system=None, billable=False, include_deleted=False, chapter=None, limit=20, semantic_search=True,
           hcc=None):
    """hcc: a risk adjustment model key ("V28"): only ICD-10-CM codes that map to one of its payment HCCs."""
    started = time.perf_counter()
    if hcc:
        mapped = riskadjust.payment_codes(hcc)
        found = search(text, systems.ICD10CM, True, include_deleted, chapter, min(limit * HCC_POOL, 200), semantic_search)
        found.hits = [hit for hit in found.hits if hit.code.code in mapped][:limit]
        for hit in found.hits:
            hit.hccs = mapped[hit.code.code]
        found.took_ms = (time.perf_counter() - started) * 1000
        return found
    query = parse(text)
    filters = {"system": system, "billable": billable, "include_deleted": include_deleted, "chapter": chapter}
    results = None
    if query.kind in ("code", "range"):
        hits = _code_hits(query, filters, limit)
        if hits:
            results = Results(query, hits, "code")
        else:
            query = query.as_words()
    if results is None:
        results = _word_results(query, filters, limit, semantic_search)
    _decorate(results.hits, results.query)
    changed = fiscal.for_codes([hit.code for hit in results.hits], timezone.localdate())
    for hit in results.hits:
        hit.validity = changed.get(hit.code.pk)
    results.took_ms = (time.perf_counter() - started) * 1000
    return results


def suggest(text, system=None, limit=8):
    """Fast completions while typing: codes by prefix, or words with the last one as a prefix."""
    query = parse(text)
    filters = {"system": system}
    if query.kind in ("code", "range"):
        hits = _code_hits(query, filters, limit)
        if hits:
            return hits
        query = query.as_words()
    if not query.groups:
        return []
    # The last word is still being typed: it matches as a prefix. No spelling fixes, no meaning half.
    return _word_results(query, filters, limit, semantic_search=False, typing=not text.endswith(" ")).hits


def _prior(code, query):
    return 1.0 if code is not None and code.billable and query.specific else 0.0


def _code_hits(query, filters, limit):
    keys = [filters["system"]] if filters.get("system") else (
        systems.candidate_systems(query.code) or list(systems.ORDER))
    base = Code.objects.filter(system__in=keys)
    if filters.get("billable"):
        base = base.filter(billable=True)
    if not filters.get("include_deleted"):
        base = base.exclude(status=Code.Status.DELETED)
    if filters.get("chapter"):
        chapter = filters["chapter"]
        base = base.filter(Q(path=chapter) | Q(path__startswith=f"{chapter}|") | Q(path__contains=f"|{chapter}|"))
    if query.kind == "range":
        # Ranges are written with their last code; anything filed under it belongs in too.
        found = _by_code(base.filter(code__gte=query.code, code__lte=query.range_end + systems.AFTER_EVERY_CODE), keys, limit)
        return [Hit(code, 1.0, via="code") for code in found if "-" not in code.code]
    exact = sorted(base.filter(code=query.code), key=lambda c: keys.index(c.system) if c.system in keys else 9)
    under = _by_code(base.filter(code__gt=query.code, code__lte=query.code + systems.AFTER_EVERY_CODE), keys, limit)
    return [Hit(code, 1.0, via="code") for code in (exact + under)[:limit]]


def _by_code(queryset, keys, limit):
    """Codes in code order, set by set (one index range scan each, no sort of thousands)."""
    found = []
    for key in keys:
        found += list(queryset.filter(system=key).order_by("code")[: limit - len(found)])
        if len(found) >= limit:
            break
    return found


def _word_results(query, filters, limit, semantic_search, typing=False):
    groups, corrections = (query.groups, {}) if typing else lexical.with_corrections(query.groups)
    lexical_found = lexical.match(groups, filters, limit=CANDIDATES, prefix_last=typing)
    index_found = lexical.match_index(groups, filters, prefix_last=typing)
    built_found = [] if typing else pcs.match(groups, filters)
    notice = ""
    meaning = []
    if semantic_search and query.groups:
        notice = semantic.unavailable_reason() or ""
        if not notice:
            meaning = _semantic_candidates(query, filters)
    mode = "hybrid" if meaning or (semantic_search and not notice and query.groups) else "lexical"
    scores, via = {}, {}
    for rank, (code_id, _, every_word) in enumerate(lexical_found):
        scores[code_id] = LEXICAL_WEIGHT / (RRF_K + rank) + (EVERY_WORD_BONUS if every_word else 0)
        via[code_id] = "words"
    for rank, code_id in enumerate(index_found):
        scores[code_id] = scores.get(code_id, 0) + INDEX_WEIGHT / (RRF_K + rank)
        via.setdefault(code_id, "index")
    for rank, code_id in enumerate(built_found):
        scores[code_id] = scores.get(code_id, 0) + PCS_WEIGHT / (RRF_K + rank)
        via.setdefault(code_id, "index")
    for rank, code_id in enumerate(meaning):
        scores[code_id] = scores.get(code_id, 0) + SEMANTIC_WEIGHT / (RRF_K + rank)
        via[code_id] = "words+meaning" if code_id in via else "meaning"
    shortlist = sorted(scores, key=scores.get, reverse=True)[: max(limit * 3, 30)]
    codes = Code.objects.in_bulk(shortlist)
    if filters.get("billable"):  # index entries may end at a category
        codes = {pk: code for pk, code in codes.items() if code.billable}
    said = set(all_words(groups))
    approaches = {frozenset(alt) & APPROACH_WORDS for group in groups for alt in group} - {frozenset()}
    ruled_out = _ruled_out(query.text)
    for code_id in shortlist:
        if code_id in codes:
            scores[code_id] += BILLABLE_BONUS * _prior(codes[code_id], query)
            scores[code_id] += _agreement(said, approaches, codes[code_id], ruled_out)
    ranked = sorted((i for i in shortlist if i in codes), key=lambda i: -scores[i])[:limit]
    hits = [Hit(codes[i], round(scores[i], 5), via=via[i]) for i in ranked]
    return Results(query, hits, mode, notice, corrections)


def _ruled_out(text):
    """The words a query says are absent: "GERD without esophagitis", "w/o complications", "no ascites"."""
    words = lexical.WORD.findall(fold(_WITHOUT.sub(" without ", text)))
    return {after for before, after in zip(words, words[1:]) if before in ("without", "no")}


def _agreement(said, approaches, code, ruled_out=frozenset()):
    """Reward a code saying the side, encounter or PCS approach the query says; punish one saying
    another. Words and meaning both rank "left" and "right" codes alike; a coder never would.
    The same for what the query rules out: "without esophagitis" is K21.9, not "with esophagitis"."""
    sequence = lexical.WORD.findall(fold(code.title))
    words = set(sequence)
    score = 0.0
    pairs = set(zip(sequence, sequence[1:]))
    for absent in ruled_out:
        if ("without", absent) in pairs or ("no", absent) in pairs:
            score += AGREEMENT_BONUS
        elif ("with", absent) in pairs:
            score -= AGREEMENT_BONUS
    for axis in EXCLUSIVE:
        asked, has = axis & said, axis & words
        if asked and has:
            score += AGREEMENT_BONUS if asked & has else -AGREEMENT_BONUS
    approach = _approach(code)
    if approach and approaches:
        score += AGREEMENT_BONUS if approach in approaches else -AGREEMENT_BONUS
    return score


def _approach(code):
    for _, axis, _, label in code.extra.get("axes", ()) if code.system == systems.ICD10PCS else ():
        if axis == "Approach":
            return frozenset(lexical.WORD.findall(fold(label))) & APPROACH_WORDS
    return None


def _semantic_candidates(query, filters):
    found = semantic.search(query.meaning, filters.get("system"), limit=CANDIDATES * 2)
    if not found:
        return []
    ids = [code_id for code_id, _ in found]
    allowed = SearchDocument.objects.filter(code_id__in=ids)
    if filters.get("billable"):
        allowed = allowed.filter(billable=True)
    if not filters.get("include_deleted"):
        allowed = allowed.filter(active=True)
    if filters.get("chapter"):
        allowed = allowed.filter(ancestors__contains=f"|{filters['chapter']}|")
    keep = set(allowed.values_list("code_id", flat=True))
    return [code_id for code_id in ids if code_id in keep][:CANDIDATES]


def _decorate(hits, query):
    """Each hit's hierarchy path and the words of the query it holds."""
    wanted = {}
    for hit in hits:
        for ancestor in hit.code.ancestor_codes:
            wanted.setdefault(hit.code.system, set()).add(ancestor)
    titles = {}
    for key, codes in wanted.items():
        for code in Code.objects.filter(system=key, code__in=codes).only("system", "code", "title", "kind"):
            titles[(key, code.code)] = code
    texts = dict(SearchDocument.objects.filter(code_id__in=[h.code.pk for h in hits])
                 .values_list("code_id", "title")) if query.kind == "words" else {}
    for hit in hits:
        hit.path = [titles[(hit.code.system, a)] for a in hit.code.ancestor_codes if (hit.code.system, a) in titles]
        if query.kind == "words":
            hit.matched = _matched_words(query, texts.get(hit.code.pk, "") + " " + hit.code.title)


def _matched_words(query, text):
    present = set(lexical.WORD.findall(fold(text)))
    stems = {word[:5] for word in present}
    return [word for word in query.words if word in present or (len(word) > 4 and word[:5] in stems)]


def build_index(progress=lambda message: None, with_semantic=None):
    """(Re)build every document, the full-text index, the vocabulary and, if installed, the vectors."""
    started = time.monotonic()
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        IndexEntry.objects.all().delete()
        documents = list(build_documents())
        SearchDocument.objects.bulk_create(documents, batch_size=2000)
        IndexEntry.objects.bulk_create(build_index_entries(), batch_size=5000)
        lexical.rebuild_index()
        IndexState.objects.all().delete()
        IndexState.objects.create(catalogue=catalogue_state(), documents=len(documents))
    lexical.forget_index_stamp()
    progress(f"  indexed {len(documents):,} codes for word search in {time.monotonic() - started:.1f}s")
    if with_semantic is None:
        with_semantic = settings.MEDCODE_SEMANTIC != "off" and semantic.installed()
    if with_semantic:
        started = time.monotonic()
        texts = semantic.build(documents, progress)
        progress(f"  encoded {texts:,} texts for meaning search in {time.monotonic() - started:.1f}s")
    return len(documents)


def catalogue_state():
    """Changes whenever codes are added (a code set, or an RVU or MUE file listing new CPT codes)
    or revised (a code set release), or the files the documents are made of change."""
    latest = Release.objects.order_by("-loaded_at").values_list("loaded_at", flat=True).first()
    sources = hashlib.sha256(str(DOCUMENTS_VERSION).encode())
    for path in sorted(DATA.iterdir()) + [Path(settings.MEDCODE_CODE_DATA_DIR) / cpt.WORDS_FILE]:
        sources.update(path.read_bytes())
    return f"{Code.objects.count()}:{latest}:{sources.hexdigest()[:16]}"[:128]


def is_current():
    state = IndexState.objects.first()
    return state is not None and state.catalogue == catalogue_state()


def refresh(progress=lambda message: None, force=False):
    """Rebuild the index when the catalogue changed since it was built (or when forced)."""
    if force or not is_current():
        build_index(progress)
    else:
        progress("  search index is current")


def bundled_steps(progress, force=False):
    """The step load-data runs after loading the data files."""
    return [("Case2Code search index", lambda: refresh(progress, force=force))]
