"""Reading CMS reference tables and writing them as one release.

Each file kind has a parser: it checks the header at once, then yields model
rows lazily, raising ImportFailed with the line at fault. The importer reads
every row once to check the whole file before anything is written, then
`write_release` writes it; the rows are never all in memory as objects.
"""

import csv
import gzip
import hashlib
import io
import lzma
import re
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable

from django.conf import settings
from django.db import transaction

from medcode.codes.loaders.base import ImportFailed, parse_yyyymmdd, read_bytes
from medcode.common.caches import TableCache
from medcode.reference import bulk
from medcode.reference.models import DataRelease

CODE = re.compile(r"[0-9A-Z]{5}")
# Plain ASCII numerals only: "1e999", "NaN", "Infinity", "sNaN", "²" and "١٢" are not CMS numbers.
_WHOLE = re.compile(r"[0-9]{1,12}")
_DECIMAL = re.compile(r"[0-9]{1,12}(?:\.[0-9]*)?|\.[0-9]+")
EARLIEST_YEAR, LATEST_YEAR = 1980, 2099  # no CMS table dates outside these
QUARTER_START = {1: (1, 1), 2: (4, 1), 3: (7, 1), 4: (10, 1)}
_QUARTER = re.compile(r"(20\d\d)\s*[-_ ]?q([1-4])", re.IGNORECASE)
csv.field_size_limit(1 << 20)


@dataclass
class Parsed:
    kind: str
    label: str
    effective_date: date
    source: str
    sha256: str
    rows: Iterable  # unsaved model instances without their release, or tuples of `columns`
    after_write: Callable | None = None  # e.g. flag add-on codes in the catalogue
    # Millions of rows (NCCI PTP) come as plain tuples of these model fields and go in by COPY on
    # PostgreSQL and executemany on SQLite: building a model instance per row would take minutes.
    model: type | None = None
    columns: tuple = ()


@dataclass
class Member:
    """One table inside an import: a plain file, or a member of a zip."""

    name: str
    raw: bytes


def members(paths):
    """The tables named by paths: files, gzip files, zips (nested zips too) and folders."""
    found = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(members(sorted(p for p in path.iterdir() if p.is_file())))
            continue
        raw, _ = read_bytes(path)
        found.extend(_unzip(path.name, raw, path))
    return found


def _unzip(name, raw, source):
    if raw[:4] != b"PK\x03\x04":
        return [Member(name, raw)]
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            listed = [info for info in archive.infolist() if not info.is_dir()]
            unpacked = sum(info.file_size for info in listed)  # zipfile never inflates past these sizes
            if unpacked > settings.MEDCODE_IMPORT_MAX_BYTES:
                raise ImportFailed(f"the zip unpacks to {unpacked:,} bytes, over the limit of "
                                   f"{settings.MEDCODE_IMPORT_MAX_BYTES:,} (MEDCODE_IMPORT_MAX_MB)", source=source)
            inner = [(info.filename, archive.read(info)) for info in listed]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportFailed(f"broken zip file: {exc}", source=source) from None
    found = []
    for member_name, member_raw in inner:
        found.extend(_unzip(Path(member_name).name, member_raw, source))
    return found


_OPENERS = {b"\x1f\x8b": gzip.open, b"\xfd7": lzma.open}  # by magic number: gzip, xz


@contextmanager
def open_text(path):
    """The lines of a plain, gzip or xz text file, streamed (a release may be 150 MB unpacked)."""
    path = Path(path)
    try:
        with path.open("rb") as probe:
            magic = probe.read(2)
        opener = _OPENERS.get(magic, open)
        with opener(path, "rt", encoding="utf-8", newline="") as lines:
            yield lines
    except (OSError, EOFError, lzma.LZMAError, UnicodeDecodeError) as exc:
        raise ImportFailed(f"cannot read the file: {exc}", source=path.name) from None


def first_line(path):
    """The first line of a text file (empty for a zip or a file that is not text)."""
    try:
        with open_text(path) as lines:
            return next(lines, "").rstrip("\r\n")
    except ImportFailed:
        return ""


def file_digest(path):
    """SHA-256 of a file as stored, read in chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


DOCUMENTS = (".pdf", ".xlsx", ".xls", ".docx", ".doc", ".htm", ".html")
TEXT_PREFERENCE = (".csv", ".tsv", ".txt")


def table_member(paths, what, prefer=None):
    """The one table of an import. CMS zips also hold the same table as a spreadsheet, a PDF
    of notes, or (fee schedule) several variants: prefer names matching `prefer`, then text over
    spreadsheet formats; refuse a real ambiguity rather than guess."""
    found = [m for m in members(paths) if not m.name.lower().endswith(DOCUMENTS)]
    if prefer and len(found) > 1:
        found = [m for m in found if re.search(prefer, m.name, re.IGNORECASE)] or found
    if len(found) > 1:
        for extension in TEXT_PREFERENCE:
            same = [m for m in found if m.name.lower().removesuffix(".gz").endswith(extension)]
            if same:
                found = same
                break
    if len(found) != 1:
        names = ", ".join(m.name for m in found[:6]) or "none"
        raise ImportFailed(f"expected one {what} table, found {len(found)}: {names}", source=str(paths[0]))
    return found[0]


def digest_of(parts):
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.raw)
    return digest.hexdigest()


def text_of(member):
    try:
        return member.raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return member.raw.decode("latin-1")  # CMS CSV files are Latin-1


def rows_of(member):
    """(line number, trimmed cells) of a tab- or comma-separated table; blank rows skipped."""
    text = text_of(member)
    first_lines = text[:4000]
    delimiter = "\t" if first_lines.count("\t") >= first_lines.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, [cell.strip() for cell in cells]
    except csv.Error as exc:
        raise ImportFailed(f"unreadable table: {exc}", source=member.name, line=reader.line_num) from None


def find_header(rows, source, test, what, within=40):
    """Skip a CMS preamble (copyright notice, titles) to the header row that test accepts."""
    for number, cells in rows:
        if test([cell.lower() for cell in cells]):
            return number, cells
        if number > within:
            break
    raise ImportFailed(f"this is not {what}: no header row found in its first {within} lines", source=source)


def whole_number(value, *, what, source, line, low=0, high):
    """A whole number within the bounds the CMS layout allows; blank is refused."""
    if not _WHOLE.fullmatch(value or ""):
        raise ImportFailed(f"{what} {value[:20]!r} is not a whole number", source=source, line=line)
    number = int(value)
    if not low <= number <= high:
        raise ImportFailed(f"{what} {number} is outside {low} to {high:,}", source=source, line=line)
    return number


def decimal_number(value, *, what, source, line, low, high, places):
    """A decimal within the CMS layout's bounds and places; blank is 0, as CMS leaves zero values blank."""
    if not value:
        value = "0"
    if not _DECIMAL.fullmatch(value):
        raise ImportFailed(f"{what} {value[:20]!r} is not a number (digits and a decimal point)", source=source, line=line)
    number = Decimal(value)
    if not Decimal(low) <= number <= Decimal(high):
        raise ImportFailed(f"{what} {value[:20]} is outside {low} to {high}", source=source, line=line)
    if number != number.quantize(Decimal(1).scaleb(-places)):
        raise ImportFailed(f"{what} {value[:20]} has more than {places} decimal places", source=source, line=line)
    return number


def _plausible(day, value, *, source, line):
    if not EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        raise ImportFailed(f"date {value!r} is not between {EARLIEST_YEAR} and {LATEST_YEAR}", source=source, line=line)
    return day


def julian(value, *, source, line):
    """CMS YYYYDDD date (2020001 = 1 January 2020); blank is None."""
    if not value:
        return None
    if not re.fullmatch(r"\d{7}", value):
        raise ImportFailed(f"date {value!r} is not a CMS YYYYDDD date", source=source, line=line)
    year, day = int(value[:4]), int(value[4:])
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ImportFailed(f"date {value!r} is not between {EARLIEST_YEAR} and {LATEST_YEAR}", source=source, line=line)
    if not 1 <= day <= (366 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 365):
        raise ImportFailed(f"date {value!r} has day {day}", source=source, line=line)
    return date(year, 1, 1) + timedelta(days=day - 1)


def yyyymmdd(value, *, source, line, what="date"):
    """NCCI writes "*" for no date; a date must be exactly 8 digits (the code sets' parser allows more)."""
    if value == "*":
        return None
    if value and not re.fullmatch(r"\d{8}", value):
        raise ImportFailed(f"{what} {value!r} is not a YYYYMMDD date", source=source, line=line)
    day = parse_yyyymmdd(value, source=source, line=line, what=what)
    return day and _plausible(day, value, source=source, line=line)


def data_rows(rows):
    """The rows from the first that starts with a code: CMS headers run over several lines."""
    started = False
    for number, cells in rows:
        started = started or bool(CODE.fullmatch(cells[0]))
        if started:
            yield number, cells


def mmddyyyy(value, *, source, line, what="date"):
    if not value or value.upper() == "N/A":
        return None
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    try:
        if not match:
            raise ValueError
        day = date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
    except ValueError:
        raise ImportFailed(f"{what} {value!r} is not a MM/DD/YYYY date", source=source, line=line) from None
    return _plausible(day, value, source=source, line=line)


def quarter_release(name, given=None, source=None):
    """('2026Q2', 2026-04-01) from a release name or a file name carrying it."""
    match = _QUARTER.search(given or name)
    if not match:
        raise ImportFailed(
            "cannot tell the quarter (e.g. 2026Q2) from the file name; give --release", source=source or name,
        )
    year, quarter = int(match.group(1)), int(match.group(2))
    return f"{year}Q{quarter}", date(year, *QUARTER_START[quarter])


def bundled(pattern):
    found = sorted(Path(settings.MEDCODE_REFERENCE_DATA_DIR).glob(pattern))
    return found[-1] if found else None


def release_for(kind, day=None):
    """The release of a kind in force on a date of service: the newest that took effect by then.

    Before the first loaded release, the first one answers (the page says which release it used).
    """
    releases = _loaded().get(kind, [])
    if not releases:
        return None
    if day is not None:
        current = [r for r in releases if r.effective_date <= day]
        return current[-1] if current else releases[0]
    return releases[-1]


_releases = TableCache("medcode.reference.releases", DataRelease)
forget_releases = _releases.clear


def _loaded():
    """{kind: releases, oldest first}: one query, kept until the next request or import.

    A page asks for a dozen releases; reading the small release table once
    instead of a dozen times is a large share of a page's time.
    """
    return _releases.get("all", _read_releases)


def _read_releases():
    found = {}
    for release in DataRelease.objects.order_by("effective_date", "id"):
        found.setdefault(release.kind, []).append(release)
    return found


def write_release(parsed, *, force=False, progress=lambda message: None, batch_size=5000):
    """Write a checked file as one release of its kind, replacing a release of the same name.

    The rows go in by batches, each its own short transaction, under a release readers do not
    see until it is complete: the site stays writable (SQLite has one writer at a time) while a
    4-million-row NCCI release loads. Completing it, and dropping the release it replaces, is
    one transaction; if anything fails before, the partial release is deleted.
    """
    started = time.monotonic()
    existing = DataRelease.objects.filter(kind=parsed.kind, label=parsed.label).first()
    if existing and existing.sha256 == parsed.sha256 and not force:
        progress(f"  {existing}: already loaded from this file, skipped")
        return existing, False
    if existing and existing.source != parsed.source[:255] and not force:
        # Most often one part of a release split into parts (NCCI f1..f4): it would replace them all.
        raise ImportFailed(f"{existing} was loaded from {existing.source}; importing {parsed.source} would "
                           "replace it. Give every file of the release together, or --force to replace it")
    DataRelease.every.filter(kind=parsed.kind, complete=False).delete()  # left by an interrupted import
    release = DataRelease.every.create(
        kind=parsed.kind, label=parsed.label, effective_date=parsed.effective_date,
        source=parsed.source[:255], sha256=parsed.sha256, complete=False,
    )
    try:
        if parsed.columns:
            count = bulk.copy_rows(parsed, release, progress)
        else:
            batch, count = [], 0
            for row in parsed.rows:
                row.release = release
                batch.append(row)
                if len(batch) >= batch_size:
                    count += _flush(batch)
            count += _flush(batch)
        if not count:
            raise ImportFailed("the file holds no rows", source=parsed.source)
        with transaction.atomic():
            if existing:
                existing.delete()
            release.rows, release.complete = count, True
            release.save(update_fields=["rows", "complete"])
            if parsed.after_write:
                parsed.after_write(release)
    except BaseException:
        release.delete()
        raise
    finally:
        forget_releases()
    progress(f"  {release}: {count:,} row{'s' if count != 1 else ''} in {time.monotonic() - started:.1f}s")
    return release, True


def _flush(batch):
    if not batch:
        return 0
    by_model = {}
    for row in batch:
        by_model.setdefault(type(row), []).append(row)
    with transaction.atomic():
        for model, rows in by_model.items():
            model.objects.bulk_create(rows)
    written = len(batch)
    batch.clear()
    return written
