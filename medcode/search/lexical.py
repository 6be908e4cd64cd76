"""Word search over SearchDocument: SQLite FTS5 (bm25) or PostgreSQL full text (ts_rank_cd).

Both backends take the parsed groups of query.py. Codes holding every group come
before codes holding only some; within each, the database's relevance orders,
descriptors weighing more than index entries. A word the index has never seen is
corrected against the indexed vocabulary (pg_trgm on PostgreSQL, difflib on SQLite).
"""

import difflib
import math
import re
import time
from collections import Counter
from functools import cache
from itertools import combinations

from django.db import connection

from medcode.search.models import IndexState, SearchWord
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
# Any-one-word matching ranks every document it matches: about 2 ms per 1,000 on SQLite. Set with
# bench/search_quality.py: these budgets moved recall@5 by one query at most.
ANY_WORD_BUDGET = 6000
ENTRY_ANY_WORD_BUDGET = 20000
RARE_ALONE = 300  # documents: a word this rare ranks with the documents holding two of the query's words
STAMP_SECONDS = 1.0
_stamp = {"read": -math.inf, "built_at": None}


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
    # A search for a word matches every document holding its stem: "medication" finds the
    # 69,000 "Medical and Surgical" PCS codes through "medic", not only the 184 saying medication.
    for word, documents in _stem_documents(list(counts)).items():
        counts[word] = max(counts[word], documents)
    SearchWord.objects.all().delete()
    # Numbers are kept: "2" is in tens of thousands of documents and must count as common.
    SearchWord.objects.bulk_create((SearchWord(word=word[:64], documents=n) for word, n in counts.items()),
                                   batch_size=5000)


def _stem_documents(words):
    """{word: documents holding its stem}, by the backend's own stemmer and index."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT w, s.ndoc FROM unnest(%s::text[]) AS w"
                f" JOIN ts_stat('SELECT vector FROM {DOCUMENTS}') AS s ON s.word = (ts_lexize('english_stem', w))[1]",
                [words],
            )
            return dict(cursor.fetchall())
        # FTS5 has no tokenize function: index the words, one row each, and read each row's
        # stem back from an fts5vocab "instance" table.
        temporary = ("search_fts_term", "search_word_term", "search_word")
        try:
            cursor.execute("CREATE VIRTUAL TABLE temp.search_word USING fts5(word, tokenize='porter unicode61 remove_diacritics 2')")
            cursor.execute("CREATE VIRTUAL TABLE temp.search_word_term USING fts5vocab(temp, search_word, 'instance')")
            cursor.execute(f"CREATE VIRTUAL TABLE temp.search_fts_term USING fts5vocab(main, {FTS_TABLE}, 'row')")
            cursor.executemany("INSERT INTO temp.search_word(rowid, word) VALUES (%s, %s)", list(enumerate(words)))
            cursor.execute("SELECT w.word, t.doc FROM temp.search_word_term i JOIN temp.search_word w ON w.rowid = i.doc"
                           " JOIN temp.search_fts_term t ON t.term = i.term")
            return dict(cursor.fetchall())
        finally:
            for table in temporary:
                cursor.execute(f"DROP TABLE IF EXISTS temp.{table}")


def _texts():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT title, terms FROM {DOCUMENTS}")
        while rows := cursor.fetchmany(5000):
            yield from rows


def index_stamp():
    """When the index was last built. A word search asks a dozen times, so the answer is reread
    at most once a second: another process's rebuild shows within that."""
    now = time.monotonic()
    if now - _stamp["read"] > STAMP_SECONDS:
        _stamp.update(read=now, built_at=IndexState.objects.values_list("built_at", flat=True).first())
    return _stamp["built_at"]


def forget_index_stamp():
    _stamp["read"] = -math.inf


def vocabulary():
    """{word: number of documents a search for it matches}, reread when any process rebuilt the index."""
    return _vocabulary(index_stamp())


@cache
def _vocabulary(built_at):
    _vocabulary.cache_clear()  # one build's words at a time
    return dict(SearchWord.objects.values_list("word", "documents"))


def _rare(groups, common=COMMON_WORD_DOCUMENTS, budget=math.inf):
    """The groups in fewer than `common` documents, rarest first, while together they are in
    fewer than `budget` (always at least the rarest group)."""
    by_rarity = sorted(groups, key=frequency)
    chosen, total = by_rarity[:1], frequency(by_rarity[0])
    for group in by_rarity[1:]:
        total += frequency(group)
        if frequency(group) >= common or total >= budget:
            break
        chosen.append(group)
    return chosen


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
    """[(code_id, score, holds every group)], best first, up to `limit`: documents holding every
    group, then any two of the rarer groups, then any one."""
    if not groups:
        return []
    found, seen = [], set()
    typed = groups[-1] if prefix_last else None
    attempts = _attempts(groups, typed, _rare(groups), _rare(groups, budget=ANY_WORD_BUDGET))
    for expression, every_word in attempts:
        for code_id, score in _run(expression, filters, limit):
            if code_id not in seen:
                seen.add(code_id)
                found.append((code_id, score, every_word))
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
    rows, seen = [], set()
    any_of = _rare(wanted, ENTRY_COMMON_WORD_DOCUMENTS, budget=ENTRY_ANY_WORD_BUDGET)
    with connection.cursor() as cursor:
        for expression, _ in _attempts(groups, typed, wanted, any_of):
            cursor.execute(sql, [expression, *params])
            rows += [row for row in cursor.fetchall() if row[:3] not in seen]
            seen.update(row[:3] for row in rows)
            if len(rows) >= 200:
                break
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


def _attempts(groups, typed, pairs_of, any_of):
    """(backend expression, holds every group), strictest first: every group; any two of
    `pairs_of` or one of them so rare it says enough alone ("herceptin"); any one of `any_of`.
    Callers stop once they have enough: a looser attempt ranks every document it matches, and
    any-one-word over common words matches tens of thousands."""
    yield _expression(groups, " AND ", typed), True
    if len(groups) > 1:
        if len(pairs_of) > 2:
            parts = [_expression(pair, " AND ", typed) for pair in combinations(pairs_of, 2)]
            parts += [_expression([group], " AND ", typed) for group in pairs_of if frequency(group) < RARE_ALONE]
            yield (" | " if connection.vendor == "postgresql" else " OR ").join(f"({part})" for part in parts), False
        yield _expression(any_of, " OR ", typed), False


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
