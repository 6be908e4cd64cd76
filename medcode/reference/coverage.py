"""Medicare Coverage Database: the index of LCDs and articles, and the articles' code lists.

The index is shipped. The code lists (which CPT/HCPCS codes an article covers and
which ICD-10-CM codes support medical necessity, group by group) come from the
MCD download (`current_article.zip`: article_x_hcpc_code.csv,
article_x_icd10_covered.csv, article_x_icd10_noncovered.csv and their *_group
tables), imported with `medcode import coverage FILE`.
"""

import html
import re
from datetime import date

from django.db.models import Q

from medcode.codes import systems
from medcode.codes.loaders.base import ImportFailed
from medcode.reference import tables
from medcode.reference.models import CoverageCode, CoverageDocument, CoverageGroup, DataRelease

ID_MAX = 2_147_483_647  # the largest id PostgreSQL's integer columns hold
INDEX_COLUMNS = ["document_type", "document_display_id", "document_id", "document_version", "title",
                 "contractor_name_type", "effective_date", "retirement_date", "note"]
# MCD table -> (list, column naming the code, column naming the group); group tables -> paragraph.
CODE_TABLES = {
    "article_x_hcpc_code": (CoverageCode.List.PROCEDURE, "hcpc_code_id", "hcpc_code_group"),
    "article_x_icd10_covered": (CoverageCode.List.COVERED, "icd10_code_id", "icd10_covered_group"),
    "article_x_icd10_noncovered": (CoverageCode.List.NONCOVERED, "icd10_code_id", "icd10_noncovered_group"),
}
GROUP_TABLES = {
    "article_x_hcpc_code_group": (CoverageCode.List.PROCEDURE, "hcpc_code_group"),
    "article_x_icd10_covered_group": (CoverageCode.List.COVERED, "icd10_covered_group"),
    "article_x_icd10_noncovered_group": (CoverageCode.List.NONCOVERED, "icd10_noncovered_group"),
}
_TAG = re.compile(r"<[^>]+>")


def parse(paths, *, release=None):
    """Either the document index (a table with document_type, document_display_id, …) or the MCD code lists."""
    found = tables.members(paths)
    named = {m.name.lower().rsplit(".", 1)[0]: m for m in found}
    if any(name in named for name in CODE_TABLES):
        return _parse_code_lists(named, release)
    if len(found) == 1:
        return _parse_index(found[0], release)
    raise ImportFailed("not a coverage file: expected the MCD document index, or the MCD article download "
                       "with article_x_hcpc_code.csv and article_x_icd10_covered.csv", source=str(paths[0]))


def _parse_index(table, release):
    rows = tables.rows_of(table)
    tables.find_header(rows, table.name, lambda cells: cells[:len(INDEX_COLUMNS)] == INDEX_COLUMNS,
                       "the MCD document index (header: document_type, document_display_id, document_id, …)")
    match = re.search(r"(20\d\d-\d\d-\d\d)", release or table.name)
    if not match:
        raise ImportFailed("cannot tell the harvest date (YYYY-MM-DD) from the file name; give --release", source=table.name)
    return tables.Parsed(
        kind=DataRelease.Kind.COVERAGE_INDEX, label=match.group(1), effective_date=date.fromisoformat(match.group(1)),
        source=table.name, sha256=tables.digest_of([table]), rows=_index_rows(rows, table.name),
    )


def _index_rows(rows, source):
    for number, cells in rows:
        if len(cells) < 12:
            raise ImportFailed(f"{len(cells)} columns, expected 12", source=source, line=number)
        doc_type, display_id, document_id, version = cells[:4]
        if doc_type not in CoverageDocument.Type.values:
            raise ImportFailed(f"document type {doc_type!r} is not LCD, Article or NCD", source=source, line=number)
        document_id = tables.whole_number(document_id, what="document id", source=source, line=number, low=1, high=ID_MAX)
        version = tables.whole_number(version, what="version", source=source, line=number, low=1, high=ID_MAX)
        yield CoverageDocument(
            doc_type=doc_type, display_id=display_id[:12], document_id=document_id, version=version,
            title=cells[4], contractors=cells[5],
            effective_date=tables.mmddyyyy(cells[6], source=source, line=number, what="effective date"),
            retirement_date=tables.mmddyyyy(cells[7], source=source, line=number, what="retirement date"),
            note=cells[8][:80], url=cells[11][:300] if cells[11].startswith("https://") else "",
        )


def _parse_code_lists(named, release):
    if "article_x_hcpc_code" not in named or "article_x_icd10_covered" not in named:
        raise ImportFailed("the MCD article download needs both article_x_hcpc_code.csv and "
                           "article_x_icd10_covered.csv", source=", ".join(sorted(named)))
    label = release or date.today().isoformat()
    if not re.fullmatch(r"20\d\d-\d\d-\d\d", label):
        raise ImportFailed(f"release {label!r}: give the MCD download date as YYYY-MM-DD")
    used = [m for name, m in named.items() if name in CODE_TABLES or name in GROUP_TABLES]
    return tables.Parsed(
        kind=DataRelease.Kind.COVERAGE_CODES, label=label, effective_date=date.fromisoformat(label),
        source=", ".join(sorted(m.name for m in used)), sha256=tables.digest_of(used),
        rows=_code_list_rows(named),
    )


def _code_list_rows(named):
    for name, (kind, code_column, group_column) in CODE_TABLES.items():
        if name in named:
            for number, row, source in _records(named[name], ["article_id", "article_version", code_column]):
                code = row[code_column].upper().replace(".", "")
                if not re.fullmatch(r"[0-9A-Z]{3,7}", code):
                    raise ImportFailed(f"{code_column} {row[code_column]!r} is not a code", source=source, line=number)
                yield CoverageCode(article_id=row["article_id"], article_version=row["article_version"],
                                   list=kind, group=_group(row.get(group_column, ""), source, number), code=code)
    for name, (kind, group_column) in GROUP_TABLES.items():
        if name in named:
            for number, row, source in _records(named[name], ["article_id", "article_version", group_column]):
                yield CoverageGroup(article_id=row["article_id"], article_version=row["article_version"],
                                    list=kind, group=_group(row[group_column], source, number),
                                    paragraph=plain_text(row.get("paragraph", "")))


def _records(member, required):
    rows = tables.rows_of(member)
    number, header = next(rows, (1, []))
    header = [cell.lower() for cell in header]
    missing = [column for column in required if column not in header]
    if missing:
        raise ImportFailed("not an MCD table: the header has no " + ", ".join(missing), source=member.name, line=number)
    for number, cells in rows:
        row = dict(zip(header, cells))
        for column in ("article_id", "article_version"):
            row[column] = tables.whole_number(row.get(column, ""), what=column, source=member.name, line=number,
                                              low=1, high=ID_MAX)
        yield number, row, member.name


def _group(value, source, line):
    if not value:
        return 0
    return tables.whole_number(value, what="group", source=source, line=line, high=ID_MAX)


def plain_text(markup):
    """MCD paragraphs are HTML: keep the words, never the markup."""
    text = _TAG.sub(" ", markup.replace("<br>", "\n").replace("</p>", "\n"))
    return re.sub(r"[ \t]+", " ", html.unescape(text)).strip()


# Answers -----------------------------------------------------------------

def releases():
    return (tables.release_for(DataRelease.Kind.COVERAGE_INDEX), tables.release_for(DataRelease.Kind.COVERAGE_CODES))


def documents(article_ids):
    """{article id: newest indexed document} for billing-and-coding articles."""
    index, _ = releases()
    if index is None or not article_ids:
        return {}
    found = {}
    for doc in CoverageDocument.objects.filter(release=index, doc_type="Article", document_id__in=article_ids).order_by("version"):
        found[doc.document_id] = doc
    return found


def articles_listing(code, lists):
    """The ids of the articles whose given code lists name code; None when no code lists are loaded."""
    _, codes = releases()
    if codes is None:
        return None
    return sorted(set(CoverageCode.objects.filter(release=codes, code=code.replace(".", ""), list__in=lists)
                      .values_list("article_id", flat=True)))


def article_groups(article_id, lists, limit=60):
    """[{list, group, paragraph, codes, count}] of one article's code groups."""
    _, codes = releases()
    paragraphs = {
        (g.list, g.group): g.paragraph
        for g in CoverageGroup.objects.filter(release=codes, article_id=article_id, list__in=lists)
    }
    groups = {}
    for row in CoverageCode.objects.filter(release=codes, article_id=article_id, list__in=lists).order_by("list", "group", "code"):
        entry = groups.setdefault((row.list, row.group), {
            "list": row.list, "group": row.group, "paragraph": paragraphs.get((row.list, row.group), ""),
            "codes": [], "count": 0,
        })
        entry["count"] += 1
        if len(entry["codes"]) < limit:
            entry["codes"].append(_display(row))
    return [groups[key] for key in sorted(groups)]


def _display(row):
    """ICD-10-CM codes as coders write them (G43.909); the lists store them without the dot."""
    return systems.display(systems.ICD10CM, row.code) if row.list != CoverageCode.List.PROCEDURE else row.code


def search(query, limit=50):
    index, _ = releases()
    if index is None:
        return []
    found = CoverageDocument.objects.filter(release=index)
    for word in query.split()[:8]:
        found = found.filter(Q(title__icontains=word) | Q(display_id__iexact=word) | Q(contractors__icontains=word))
    return list(found.order_by("doc_type", "title")[:limit])
