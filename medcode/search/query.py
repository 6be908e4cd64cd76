"""Reading what a user typed: a code, a prefix, a range, or words.

Plain module: no database. Words become groups of alternatives: each group is one
thing the user said ("heart attack"), its alternatives the ways the code sets say it
("myocardial infarction"). Lexical backends turn groups into their own query syntax.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from medcode.codes import systems

MAX_CHARS = 2000  # the API refuses longer queries
MAX_GROUPS = 16  # words past this add nothing a coder needs and only slow the match
SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.tsv"
STOP_WORDS = frozenset(
    "a an the of in on at for to and or from by is was were be been being pt patient pts due his her "
    "their he she they has had have got gets getting who which that this code codes what how "
    "some very".split()
)
_TOKEN = re.compile(r"[a-z0-9]+(?:[/&'][a-z0-9]*)*|[/&]")
_WORD = re.compile(r"[a-z0-9]+")
_RANGE = re.compile(r"^\s*([A-Za-z0-9.]{3,8})\s*(?:-|–|—|to|through)\s*([A-Za-z0-9.]{3,8})\s*$")
_CODEISH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.]*$")


@dataclass
class Query:
    text: str
    kind: str  # "code", "range" or "words"
    code: str = ""  # normalised code or prefix ("S720")
    range_end: str = ""
    groups: list = field(default_factory=list)  # [[("heart", "attack"), ("myocardial", "infarction")], …]
    words: list = field(default_factory=list)  # the user's own content words, for highlighting
    meaning: str = ""  # the query in the code sets' words, for the semantic index

    def as_words(self):
        """The same text read as words: for code-like input no code has ("b12", "covid19")."""
        return _words_query(self.text)

    @property
    def specific(self):
        """Several things said: the user wants one billable code, not a heading."""
        return len(self.groups) >= 2


def fold(text):
    """Lower case without accents: how the full-text indexes store words."""
    if text.isascii():  # nearly every text; walking its characters took a tenth of a word search
        return text.lower()
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if unicodedata.category(ch) != "Mn")


def clean(raw):
    """No accents (Ménière → Meniere, as the index stores it), no control characters, one space
    between words, at most MAX_CHARS."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", raw or "")[:MAX_CHARS])
    text = "".join(
        " " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text if unicodedata.category(ch) != "Mn"
    )
    return " ".join(text.split())


def parse(raw):
    text = clean(raw)
    if _CODEISH.match(text) and len(text) <= 9 and _looks_like_code(text):
        return Query(text, "code", code=systems.normalize(text))
    match = _RANGE.match(text)
    if match and all(_looks_like_code(part) for part in match.groups()):
        start, end = (systems.normalize(part) for part in match.groups())
        return Query(text, "range", code=start, range_end=end)
    return _words_query(text)


def _words_query(text):
    groups, words, meaning = expand(text)
    return Query(text, "words", groups=groups[:MAX_GROUPS], words=words, meaning=meaning)


def _looks_like_code(text):
    """A code or code prefix: has a digit, and fits some code set's shape."""
    code = systems.normalize(text)
    if not code or not any(ch.isdigit() for ch in code) or len(code) < 3:
        return False
    if code.isdigit():
        return len(code) <= 5
    return bool(re.fullmatch(r"[A-Z][0-9][0-9A-Z]{0,5}|[0-9][0-9A-Z]{1,6}|[A-Z]{2}[0-9A-Z]{1,5}", code)) and (
        sum(ch.isdigit() for ch in code) >= max(1, len(code) // 3)
    )


@cache
def synonyms():
    """{("heart", "attack"): [("myocardial", "infarction")], …} from data/synonyms.tsv."""
    table = {}
    with open(SYNONYMS_FILE, encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        next(rows)
        for term, alternatives in rows:
            key = tuple(_TOKEN.findall(term.lower()))
            for alternative in alternatives.split("|"):
                words = tuple(_WORD.findall(alternative.lower()))
                if words and words != key:
                    table.setdefault(key, []).append(words)
    return table


def expand(text):
    """(groups, content words, meaning) for a plain-language query.

    The meaning spells out unambiguous abbreviations ("htn" → "hypertension") and keeps
    the user's words otherwise: the embedding model reads lay English well."""
    tokens = _TOKEN.findall(text.lower())
    table = synonyms()
    longest = max((len(key) for key in table), default=1)
    groups, words, meaning, i = [], [], [], 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            key = tuple(tokens[i:i + size])
            if key in table:
                own = tuple(w for t in key for w in _WORD.findall(t))
                # Shorthand ("w/o", "dm2") is searched by its meaning only; lay words ("heart
                # attack", "broken") are kept too, since index entries use them, and so are
                # abbreviations of three letters or more ("egd", "tka"): medcode's CPT keywords use them.
                lay = own and all(w.isalpha() and len(w) > 2 for w in own)
                keep = [own] if lay else []
                alternatives = list(dict.fromkeys(keep + table[key]))
                if not all(set(alt) <= STOP_WORDS for alt in alternatives):
                    groups.append(alternatives)
                spelt_out = table[key][0] if len(table[key]) == 1 and not keep else own
                meaning.append(" ".join(spelt_out or key))
                words.extend(w for w in own if w not in STOP_WORDS)
                i += size
                break
        else:
            for word in _WORD.findall(tokens[i]):
                meaning.append(word)
                if word not in STOP_WORDS and (len(word) > 1 or word.isdigit()):
                    groups.append([(word,)])
                    words.append(word)
            i += 1
    return _merge_duplicates(groups), words, " ".join(meaning)


def _merge_duplicates(groups):
    seen, unique = set(), []
    for group in groups:
        key = tuple(group)
        if key not in seen:
            seen.add(key)
            unique.append(group)
    return unique


def all_words(groups):
    """Every distinct word any alternative of any group uses."""
    return list(dict.fromkeys(word for group in groups for alternative in group for word in alternative))
