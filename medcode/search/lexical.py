"""Word search over SearchDocument: SQLite FTS5 (bm25) or PostgreSQL full text (ts_rank_cd).

Both backends take the parsed groups of query.py. Codes holding every group come
before codes holding only some; within each, the database's relevance orders,
descriptors weighing more than index entries. A word the index has never seen is
corrected against the indexed vocabulary (pg_trgm on PostgreSQL, difflib on SQLite).
"""

import difflib
import re
from collections import Counter
from functools import cache

from django.db import connection

from medcode.search.models import SearchWord
from medcode.search.query import fold, synonyms

FTS_TABLE = "search_fts"
DOCUMENTS = "search_searchdocument"
ENTRY_FTS_TABLE = "search_entry_fts"
ENTRIES = "search_indexentry"
WORD = re.compile(r"[a-z0-9]+")
_PARENTHESISED = re.compile(r"\([^)]*\)")
_FILLER = frozenset("of the and or in with to by due as a an nec nos".split())
_SUFFIXES = ("s", "es", "ed", "ing", "al", "ic", "ly")
COMMON_WORD_DOCUMENTS = 8000
ENTRY_COMMON_WORD_DOCUMENTS = 40000


def rebuild_index():
    """Refresh the backend's full-text structures and the vocabulary from SearchDocument."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {DOCUMENTS} SET vector = setweight(to_tsvector('english', title), 'A')"
                " || setweight(to_tsvector('english', terms), 'B')"
            )
            cursor.execute(f"UPDATE {ENTRIES} SET vector = to_tsvector('english', text)")
        else:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
            cursor.execute(f"INSERT INTO {ENTRY_FTS_TABLE}({ENTRY_FTS_TABLE}) VALUES ('rebuild')")
    counts = Counter()
    for title, terms in _texts():
        counts.update(set(WORD.findall(fold(f"{title} {terms}"))))
    SearchWord.objects.all().delete()
    # Numbers are kept: "2" is in tens of thousands of documents and must count as common.
    SearchWord.objects.bulk_create((SearchWord(word=word[:64], documents=n) for word, n in counts.items()),
                                   batch_size=5000)


def _texts():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT title, terms FROM {DOCUMENTS}")
        while rows := cursor.fetchmany(5000):
            yield from rows


def vocabulary():
    """{word: number of documents holding it}, reread when any process rebuilt the index."""
    from medcode.search.models import IndexState

    return _vocabulary(IndexState.objects.values_list("built_at", flat=True).first())


@cache
def _vocabulary(built_at):
    _vocabulary.cache_clear()  # one build's words at a time
    return dict(SearchWord.objects.values_list("word", "documents"))


def _rare(groups, common=None):
    common = common or COMMON_WORD_DOCUMENTS
    by_rarity = sorted(groups, key=frequency)
    return [g for g in by_rarity if frequency(g) < common] or by_rarity[:1]


def frequency(group):
    """How many documents the commonest reading of a group could match (an upper bound)."""
    words = vocabulary()
    return max(min(words.get(w, 0) for w in alternative) for alternative in group)


def known(word):
    words = vocabulary()
    if word in words or word.isdigit():
        return True
    return any(word.removesuffix(s) in words or word + s in words for s in _SUFFIXES)


def correct(word):
    """The indexed word closest to a word the index lacks, or None."""
    if len(word) < 4 or word.isdigit() or known(word):
        return None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT word FROM search_searchword WHERE word %% %s AND similarity(word, %s) > 0.4 "
                "ORDER BY similarity(word, %s) DESC, documents DESC LIMIT 1",
                [word, word, word],
            )
            row = cursor.fetchone()
            return row[0] if row else None
    candidates = [w for w in vocabulary() if w[:1] == word[:1] and abs(len(w) - len(word)) <= 3]
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
    return close[0] if close else None


def with_corrections(groups):
    """Groups where each unknown single word also tries its correction, and what the synonyms
    say the correction means ("colonscopy" → colonoscopy, its approach): (groups, {typo: fix})."""
    fixed, corrections = [], {}
    for group in groups:
        extra = []
        for alternative in group:
            if len(alternative) == 1 and (fix := correct(alternative[0])):
                corrections[alternative[0]] = fix
                extra += [(fix,)] + synonyms().get((fix,), [])
        fixed.append(list(dict.fromkeys(group + extra)))
    return fixed, corrections


def match(groups, filters, limit=100, prefix_last=False):
    """[(code_id, score, holds every group)], best first: all groups, then any group, up to `limit`."""
    if not groups:
        return []
    found, seen = [], set()
    attempts = [(groups, " AND ")]
    if len(groups) > 1:
        # Any-word matching over words like "right" or "approach" ranks a third of the index;
        # the rarer words decide the ranking anyway.
        attempts.append((_rare(groups), " OR "))
    typed = groups[-1] if prefix_last else None
    for attempt, joiner in attempts:
        expression = _expression(attempt, joiner, typed)
        for code_id, score in _run(expression, filters, limit):
            if code_id not in seen:
                seen.add(code_id)
                found.append((code_id, score, joiner == " AND "))
        if len(found) >= limit:
            break
    return found[:limit]


def match_index(groups, filters, limit=30, prefix_last=False):
    """[code_id], best first, from the ICD-10-CM index entries holding the most of the query's
    groups, shortest entries first: how a coder reads the alphabetic index."""
    if not groups or filters.get("system") not in (None, "icd10cm"):
        return []
    # Entries point at active codes only (build_index_entries), so the documents are joined
    # only for a chapter filter: the join doubles the cost of a common word.
    chapter = filters.get("chapter")
    join = f" JOIN {DOCUMENTS} d ON d.code_id = e.code_id" if chapter else ""
    where, params = (" AND d.ancestors LIKE %s ESCAPE '\\'", [_like(chapter)]) if chapter else ("", [])
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT e.code_id, e.default_id, e.text || ' > ' || e.qualifier, ts_rank_cd(e.vector, q, 2) AS score "
            f"FROM {ENTRIES} e{join}, to_tsquery('english', %s) q "
            f"WHERE e.vector @@ q{where} ORDER BY score DESC, e.id LIMIT 200"
        )
    else:
        sql = (
            f"SELECT e.code_id, e.default_id, e.text || ' > ' || e.qualifier, -bm25({ENTRY_FTS_TABLE}) AS score "
            f"FROM {ENTRY_FTS_TABLE} f "
            f"JOIN {ENTRIES} e ON e.id = f.rowid{join} "
            f"WHERE {ENTRY_FTS_TABLE} MATCH %s{where} ORDER BY score DESC, f.rowid LIMIT 200"
        )
    typed = groups[-1] if prefix_last else None
    # Entries holding every word first: PostgreSQL's ranking has no word rarity, so an any-word
    # match alone can fill its 200 rows with "disease" entries and miss "Meniere's disease".
    wanted = groups if len(groups) <= 4 else _rare(groups, ENTRY_COMMON_WORD_DOCUMENTS)
    with connection.cursor() as cursor:
        cursor.execute(sql, [_expression(groups, " AND ", typed), *params])
        rows = cursor.fetchall()
        if len(rows) < 200 and len(groups) > 1:
            cursor.execute(sql, [_expression(wanted, " OR ", typed), *params])
            seen = {row[:3] for row in rows}
            rows += [row for row in cursor.fetchall() if row[:3] not in seen]
    stems = [[[stem(w) for w in alternative] for alternative in group] for group in groups]
    ranked = sorted(rows, key=lambda row: _entry_rank(row[2], row[3], stems))
    found = []
    for code_id, default_id, _, _ in ranked:
        for pick in (default_id, code_id):
            if pick and pick not in found:
                found.append(pick)
        if len(found) >= limit:
            break
    return found[:limit]


def _entry_rank(text, score, stems):
    """Most of the query's groups held; then fewest required words the query did not ask for
    (nonessential modifiers in parentheses do not count); then the shallowest entry."""
    text = fold(text)
    present = {stem(word) for word in WORD.findall(text)}
    covered = sum(any(all(s in present for s in alternative) for alternative in group) for group in stems)
    asked = {s for group in stems for alternative in group for s in alternative}
    required = WORD.findall(_PARENTHESISED.sub(" ", text))
    extra = sum(1 for word in required if stem(word) not in asked and word not in _FILLER)
    if "witho" in asked and "with" in present:
        covered -= 1  # the query rules out what a "with …" entry requires
    return (-covered, extra, text.count(">"), -score)


def stem(word):
    """Enough of a word to match its variants (gout/gouty, diabetes/diabetic), not with/without."""
    if len(word) <= 6 and word.endswith(("y", "s")):
        word = word[:-1]
    return word[:5]


def _expression(groups, joiner, typed=None):
    """The backend's query text; `typed` is the group the user is still typing (a prefix)."""
    postgres = connection.vendor == "postgresql"
    parts = []
    for group in groups:
        last = group is typed
        alternatives = []
        for alternative in group:
            words = [_term(w, postgres, last and i == len(alternative) - 1) for i, w in enumerate(alternative)]
            alternatives.append("(" + (" & " if postgres else " AND ").join(words) + ")")
        parts.append("(" + (" | " if postgres else " OR ").join(alternatives) + ")")
    if postgres:
        joiner = " & " if joiner == " AND " else " | "
    return joiner.join(parts)


def _term(word, postgres, prefix):
    word = "".join(WORD.findall(word.lower())) or "x"
    if postgres:
        return f"{word}:*" if prefix else word
    return f'"{word}"*' if prefix else f'"{word}"'


def _where(filters):
    clauses, params = [], []
    if filters.get("system"):
        clauses.append("d.system = %s")
        params.append(filters["system"])
    if filters.get("billable"):
        clauses.append("d.billable")
    if not filters.get("include_deleted"):
        clauses.append("d.active")
    if filters.get("chapter"):
        clauses.append("d.ancestors LIKE %s ESCAPE '\\'")
        params.append(_like(filters["chapter"]))
    return "".join(f" AND {c}" for c in clauses), params


def _like(chapter):
    escaped = chapter.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%|{escaped}|%"


def _run(expression, filters, limit):
    where, params = _where(filters)
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT d.code_id, ts_rank_cd('{{0.1, 0.2, 0.35, 1.0}}', d.vector, q, 1) AS score "
            f"FROM {DOCUMENTS} d, to_tsquery('english', %s) q WHERE d.vector @@ q{where} "
            "ORDER BY score DESC, d.code_id LIMIT %s"
        )
    else:
        # bm25 is lower-is-better; negate so both backends rank higher-is-better.
        sql = (
            f"SELECT f.rowid, -bm25({FTS_TABLE}, 1.0, 0.35) AS score FROM {FTS_TABLE} f "
            f"JOIN {DOCUMENTS} d ON d.code_id = f.rowid WHERE {FTS_TABLE} MATCH %s{where} "
            "ORDER BY score DESC, f.rowid LIMIT %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, *params, limit])
        return cursor.fetchall()
