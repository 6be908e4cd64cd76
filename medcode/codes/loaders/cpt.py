"""CPT: medcode's own words for every code, and a licensee's AMA descriptor files.

medcode never ships AMA descriptors. It ships, written by its team and reviewed
(data/CPT_WORDS.md), a label, search keywords, a common-language description and
the codes most often confused with it for every CPT code the CMS files list
(data/cpt_words.jsonl.gz), with how sure the team is of each: "sure" (all of it),
"label-only" (a label and keywords, no description) or "unknown" (no words: the
page says so). A code-number outline of the CPT sections is data/cpt_ranges.json.
A licensee imports the official short, medium or long descriptor file
(tab-separated: code, descriptor), which shows beside medcode's words.
"""

import gzip
import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

from medcode.codes import systems
from medcode.codes.loaders.base import CodeRecord, ImportFailed, ParsedRelease, hierarchy_paths, read_text_lines
from medcode.codes.models import Code

DESCRIPTOR_KINDS = {"long": "title", "medium": "medium_title", "short": "short_title"}
# AMA data file names: LONGULT.txt (long), MEDU.txt (medium), SHORTU.txt (short).
_KIND_BY_NAME = (("LONG", "long"), ("MED", "medium"), ("SHORT", "short"))
_YEAR = re.compile(r"(20\d\d)")
WORDS_FILE = "cpt_words.jsonl.gz"
CONFIDENCE = ("sure", "label-only", "unknown")


def _data(name):
    with open(Path(settings.MEDCODE_CODE_DATA_DIR) / name, encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def ranges():
    """CPT section outline: [{start, end, name, level, parent, code}] with range codes."""
    entries = _data("cpt_ranges.json")
    by_start = {(e["start"], e["level"]): e for e in entries}
    for entry in entries:
        entry["code"] = f"{entry['start']}-{entry['end']}"
    for entry in entries:
        parent = by_start.get((entry["parent"], entry["level"] - 1)) if entry["parent"] else None
        entry["parent_code"] = parent["code"] if parent else ""
    return entries


def sort_key(code):
    """Category I codes in numeric order, then Category II/III/PLA by their letter."""
    start = code.split("-")[0]
    suffix = start[4] if start[4].isalpha() else ""
    return (suffix, start, 0 if "-" in code else 1)


def _in_range(code, entry):
    start, end = entry["start"], entry["end"]
    if code[4].isalpha() or start[4].isalpha():
        return code[4] == start[4] and start[:4] <= code[:4] <= end[:4]
    return start <= code <= end


def range_of(code):
    """The deepest outline range holding the code, or None."""
    found = [e for e in ranges() if _in_range(code, e)]
    return max(found, key=lambda e: e["level"]) if found else None


def words():
    """{code: entry} of medcode's own CPT words (see the module docstring)."""
    with gzip.open(Path(settings.MEDCODE_CODE_DATA_DIR) / WORDS_FILE, "rt", encoding="utf-8") as handle:
        return {entry["code"]: entry for entry in map(json.loads, handle)}


CATEGORIES = {"F": "Category II", "T": "Category III", "U": "PLA", "M": "MAAA"}


def category(code):
    """Category II (…F), III (…T), PLA (…U), MAAA (…M); the rest, vaccine …A codes too, Category I."""
    return CATEGORIES.get(code[4:5], "Category I")


def coverage(entries=None):
    """{category: {"codes", "labelled", "keywords", "described"}} of medcode's CPT words."""
    found = {}
    for code, entry in (entries or words()).items():
        row = found.setdefault(category(code), {"codes": 0, "labelled": 0, "keywords": 0, "described": 0})
        row["codes"] += 1
        row["labelled"] += bool(entry.get("label"))
        row["keywords"] += bool(entry.get("keywords"))
        row["described"] += bool(entry.get("description"))
    return found


def _extra(entry):
    """What a code's extra holds of medcode's words (its description is the code's summary)."""
    if not entry:
        return {}
    return {"label": entry.get("label") or "", "keywords": entry.get("keywords") or [],
            "contrasts": entry.get("contrasts") or [], "confidence": entry.get("confidence", "unknown")}


def _range_records():
    return [
        CodeRecord(code=e["code"], kind=Code.Kind.RANGE, title=e["name"], parent=e["parent_code"])
        for e in ranges()
    ]


def _record(code, title="", entry=None):
    home = range_of(code)
    return CodeRecord(
        code=code, kind=Code.Kind.CODE, title=title, parent=home["code"] if home else "",
        # medcode's add-on labels follow the NCCI add-on file (tests/test_cpt_words.py): a licensee's
        # descriptor import keeps the flag before that file is loaded again.
        billable=True, is_addon=bool(entry and (entry.get("label") or "").startswith("Add-on: ")), extra=_extra(entry),
    )


def load_starter(progress=lambda message: None):
    """Create or refresh the outline and medcode's own words of every CPT code.

    Touches only medcode-written fields, so a licensee's descriptors survive; add-on flags come
    from the NCCI add-on file, not from here.
    """
    texts = words()
    records = _range_records() + [_record(code, entry=entry) for code, entry in texts.items()]
    records.sort(key=lambda r: sort_key(r.code))
    paths = hierarchy_paths(records)
    existing = {c.code: c for c in Code.objects.filter(system=systems.CPT)}
    to_create, to_update = [], []
    for record in records:
        code = existing.get(record.code)
        if code is None:
            code = Code(system=systems.CPT, code=record.code, kind=record.kind, billable=record.billable)
            to_create.append(code)
        else:
            to_update.append(code)
        code.parent, (code.path, code.depth) = record.parent, paths[record.code]
        if record.kind == Code.Kind.RANGE:
            code.title = record.title
        else:
            code.summary = texts[record.code].get("description") or ""
            code.extra = {**code.extra, **record.extra}
    with transaction.atomic():
        # An outline range renamed by a newer outline (0042T-0999T became 0042T-1999T) would stay behind.
        Code.objects.filter(system=systems.CPT, kind=Code.Kind.RANGE).exclude(
            code__in=[r.code for r in records if r.kind == Code.Kind.RANGE]).delete()
        Code.objects.bulk_create(to_create, batch_size=2000)
        Code.objects.bulk_update(to_update, ["parent", "path", "depth", "title", "summary", "extra"], batch_size=2000)
        _renumber()
    sure = sum(1 for entry in texts.values() if entry.get("confidence") == "sure")
    labelled = sum(1 for entry in texts.values() if entry.get("label"))
    progress(f"  CPT in medcode's words: {labelled:,} of {len(texts):,} codes labelled, {sure:,} described; "
             f"{len(ranges())} outline ranges")


def add_listed_codes(codes, *, source, progress=lambda message: None):
    """Give a page to every CPT code a CMS file lists, even without a licensed descriptor file.

    The page carries the CMS facts (RVUs, MUE, edits) and medcode's outline; its
    descriptor appears once a licensee imports the AMA file.
    """
    pattern = systems.SYSTEMS[systems.CPT]
    existing = set(Code.objects.filter(system=systems.CPT).values_list("code", flat=True))
    outline = {c.code: c for c in Code.objects.filter(system=systems.CPT, kind=Code.Kind.RANGE)}
    created = []
    for code in sorted(set(codes) - existing):
        if not pattern.matches(code):
            continue
        home = range_of(code)
        parent = outline.get(home["code"]) if home else None
        created.append(Code(
            system=systems.CPT, code=code, kind=Code.Kind.CODE, billable=True,
            parent=parent.code if parent else "",
            path=(f"{parent.path}|{parent.code}" if parent.path else parent.code) if parent else "",
            depth=parent.depth + 1 if parent else 0, extra={"listed_in": source},
        ))
    if created:
        Code.objects.bulk_create(created, batch_size=2000)
        _renumber()
        progress(f"  {len(created):,} CPT codes listed in {source} got pages (descriptor: licensed file)")
    return len(created)


def _renumber():
    codes = list(Code.objects.filter(system=systems.CPT).only("id", "code", "seq"))
    codes.sort(key=lambda c: sort_key(c.code))
    for seq, code in enumerate(codes, start=1):
        code.seq = seq
    Code.objects.bulk_update(codes, ["seq"], batch_size=2000)


def descriptor_kind(path, kind=None):
    if kind:
        if kind not in DESCRIPTOR_KINDS:
            raise ImportFailed(f"descriptor kind must be one of {', '.join(DESCRIPTOR_KINDS)}")
        return kind
    name = Path(path).name.upper()
    return next((k for prefix, k in _KIND_BY_NAME if name.startswith(prefix)), "long")


def parse(path, *, kind=None, version=None, effective_date=None):
    kind = descriptor_kind(path, kind)
    lines, digest = read_text_lines(path)
    year_match = _YEAR.search(str(path))
    if not version and not year_match:
        raise ImportFailed("cannot tell the CPT year from the file path; give --release (e.g. 2026)", source=path)
    year = version or year_match.group(1)
    if not re.fullmatch(r"20\d\d", str(year)):
        raise ImportFailed(f"--release must be a year such as 2026, not {year!r}")
    texts = words()
    records, seen = [], set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        code, sep, descriptor = line.partition("\t")
        if not sep:  # SHORTU/MEDU files separate code and text with a blank
            code, _, descriptor = line.partition(" ")
        code, descriptor = code.strip().upper(), descriptor.strip()
        if systems.SYSTEMS[systems.HCPCS].matches(code):
            raise ImportFailed(f"{code} is a HCPCS Level II code: this is not a CPT file", source=path, line=number)
        if not systems.SYSTEMS[systems.CPT].matches(code):
            raise ImportFailed(
                f"expected a CPT code and its descriptor separated by a tab, found {line[:40]!r}",
                source=path, line=number,
            )
        if not descriptor:
            raise ImportFailed(f"{code} has no descriptor", source=path, line=number)
        if code in seen:
            raise ImportFailed(f"code {code} appears twice", source=path, line=number)
        seen.add(code)
        records.append(_record(code, descriptor, texts.get(code)))
    if not records:
        raise ImportFailed("the file holds no CPT codes", source=path)
    records = sorted(_range_records() + records, key=lambda r: sort_key(r.code))
    suffix = "" if kind == "long" else f" ({kind} descriptors)"
    return ParsedRelease(
        system=systems.CPT, version=f"{year}{suffix}",
        effective_date=effective_date or date(int(year), 1, 1),
        source=Path(path).name, sha256=digest, records=records, title_field=DESCRIPTOR_KINDS[kind],
    )
