"""Shared machinery of the code-set importers.

Each parser reads a whole file into a `ParsedRelease` first, raising
`ImportFailed` with the line at fault; only a fully valid file reaches
`apply_release`, which writes it in one transaction. A broken file therefore
leaves the database exactly as it was.
"""

import gzip
import hashlib
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from xml.etree import ElementTree

from django.db import connection, transaction

from medcode.codes.models import Code, CodeChange, CodeNote, Release


class ImportFailed(Exception):
    """A file that cannot be imported; the message names the line at fault."""

    def __init__(self, message, *, source=None, line=None):
        self.line = line
        where = f"{Path(source).name}" if source else ""
        if line is not None:
            where += f", line {line}" if where else f"line {line}"
        super().__init__(f"{where}: {message}" if where else message)


@dataclass
class CodeRecord:
    code: str
    kind: str = Code.Kind.CODE
    title: str = ""
    short_title: str = ""
    parent: str = ""
    billable: bool = False
    is_addon: bool = False
    effective_date: date | None = None
    end_date: date | None = None
    extra: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)  # [(CodeNote.Kind, text)]


@dataclass
class ParsedRelease:
    system: str
    version: str
    effective_date: date
    source: str
    sha256: str
    records: list
    title_field: str = "title"  # CPT short/medium files fill another descriptor


@dataclass
class ApplyResult:
    release: Release
    unchanged: bool = False
    added: int = 0
    revised: int = 0
    deleted: int = 0
    total: int = 0

    def describe(self):
        if self.unchanged:
            return f"{self.release}: already loaded ({self.release.code_count:,} codes), nothing to do"
        return (
            f"{self.release}: {self.total:,} codes ({self.added:,} added, "
            f"{self.revised:,} revised, {self.deleted:,} deleted)"
        )


def read_bytes(path):
    """File content, transparently gunzipped, and the SHA-256 of that content."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"cannot read file: {exc.strerror}", source=path) from exc
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise ImportFailed(f"broken gzip file: {exc}", source=path) from exc
    return raw, hashlib.sha256(raw).hexdigest()


def read_xml(path, root_tag, what):
    """(root element, sha256, <version> year) of a CMS/CDC XML release file."""
    raw, digest = read_bytes(path)
    try:
        root = ElementTree.fromstring(raw)
    except ElementTree.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise ImportFailed(f"not well-formed XML ({exc})", source=path, line=line) from None
    if root.tag != root_tag:
        raise ImportFailed(f"this is not {what} (root element <{root.tag}>)", source=path)
    year = (root.findtext("version") or "").strip()
    if not year.isdigit():
        raise ImportFailed(f"{what} has no <version> year", source=path)
    return root, digest, year


def read_text_lines(path, encoding="utf-8"):
    raw, digest = read_bytes(path)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # CMS text files are often Latin-1
    return text.splitlines(), digest


def parse_yyyymmdd(value, *, source=None, line=None, what="date"):
    value = value.strip()
    if not value:
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except (ValueError, IndexError):
        raise ImportFailed(f"{what} {value!r} is not a YYYYMMDD date", source=source, line=line) from None


def hierarchy_paths(records):
    """(path, depth) for every record, from the parent links."""
    parents = {r.code: r.parent for r in records}
    paths = {}

    def path_of(code):
        if code in paths:
            return paths[code]
        parent = parents.get(code, "")
        chain = (path_of(parent) + [parent]) if parent and parent in parents else []
        paths[code] = chain
        return chain

    for record in records:
        path_of(record.code)
    return {code: ("|".join(chain), len(chain)) for code, chain in paths.items()}


NOOP = lambda message: None  # noqa: E731


def apply_release(parsed, *, progress=NOOP, force=False):
    """Write a parsed release, keeping the history of earlier ones.

    Codes the release no longer carries are marked deleted (end date = the day
    before it takes effect), never removed, so their pages keep working.
    """
    started = time.monotonic()
    system = parsed.system
    latest = Release.objects.filter(system=system).order_by("-effective_date").first()
    same = Release.objects.filter(system=system, version=parsed.version).first()
    if same and same.sha256 == parsed.sha256 and not force:
        return ApplyResult(release=same, unchanged=True)
    if latest and parsed.effective_date < latest.effective_date and not same:
        raise ImportFailed(
            f"{parsed.version} (effective {parsed.effective_date}) is older than the loaded "
            f"{latest.version} (effective {latest.effective_date}); load releases oldest first"
        )
    with transaction.atomic():
        release, _ = Release.objects.update_or_create(
            system=system, version=parsed.version,
            defaults={
                "effective_date": parsed.effective_date, "source": parsed.source,
                "sha256": parsed.sha256, "code_count": len(parsed.records),
            },
        )
        result = _write_codes(parsed, release, progress)
    progress(f"  {result.describe()} in {time.monotonic() - started:.1f}s")
    return result


def _write_codes(parsed, release, progress):
    system, title_field = parsed.system, parsed.title_field
    result = ApplyResult(release=release, total=len(parsed.records))
    # On a set's first release every code is "added"; that is no history worth keeping.
    first_release = not Release.objects.filter(system=system).exclude(pk=release.pk).exists()
    paths = hierarchy_paths(parsed.records)
    existing = {c.code: c for c in Code.objects.filter(system=system)}
    day_before = parsed.effective_date - timedelta(days=1)
    to_create, to_update, changes = [], [], []
    update_fields = {
        title_field, "kind", "parent", "path", "depth", "seq", "billable", "is_addon",
        "status", "effective_date", "end_date", "release", "extra",
    }
    if title_field == "title":
        update_fields.add("short_title")

    fields = sorted(update_fields)
    before = {}

    for seq, record in enumerate(parsed.records, start=1):
        path, depth = paths[record.code]
        deleted = record.end_date is not None and record.end_date < parsed.effective_date
        status = Code.Status.DELETED if deleted else Code.Status.ACTIVE
        title = record.title
        code = existing.pop(record.code, None)
        if code is None:
            # A code in a set's first loaded release may be far older: unless the
            # file says when it was added (HCPCS does), its start date is unknown.
            code = Code(
                system=system, code=record.code,
                effective_date=record.effective_date or (None if first_release else parsed.effective_date),
            )
            to_create.append(code)
            result.added += 1
            if not first_release:
                changes.append((code, CodeChange.Change.ADDED, "", title))
        else:
            before[code.pk] = _values(code, fields)
            old_title = getattr(code, title_field)
            if old_title and old_title != title:
                result.revised += 1
                changes.append((code, CodeChange.Change.REVISED, old_title, title))
            if code.is_deleted and status == Code.Status.ACTIVE:
                changes.append((code, CodeChange.Change.REINSTATED, "", title))
            if record.effective_date:
                code.effective_date = record.effective_date
            to_update.append(code)
        setattr(code, title_field, title)
        if title_field == "title":
            code.short_title = record.short_title
        code.kind, code.parent, code.path, code.depth, code.seq = (
            record.kind, record.parent, path, depth, seq,
        )
        code.billable = record.billable and not deleted
        # Add-on status also comes from the NCCI add-on edits; a code file never clears it.
        code.is_addon = record.is_addon or code.is_addon
        code.status, code.end_date, code.release = status, record.end_date, release
        code.extra = record.extra

    # Codes of an earlier release that this one no longer carries.
    for code in existing.values():
        if code.release_id is None or code.is_deleted:
            continue  # project-written entries (CPT starter set) are not release data
        before[code.pk] = _values(code, fields)
        code.status, code.billable = Code.Status.DELETED, False
        code.end_date = code.end_date or day_before
        to_update.append(code)
        result.deleted += 1
        changes.append((code, CodeChange.Change.DELETED, code.best_title, ""))

    to_update = [code for code in to_update if _values(code, fields) != before[code.pk]]
    progress(f"  writing {len(to_create):,} new codes, updating {len(to_update):,}")
    Code.objects.bulk_create(to_create, batch_size=2000)
    _update_rows(to_update, fields)
    if to_create and any(c.pk is None for c in to_create):
        ids = dict(Code.objects.filter(system=system).values_list("code", "id"))
        for code in to_create:
            code.pk = ids[code.code]
    if title_field == "title":
        _replace_notes(parsed, system)
    CodeChange.objects.filter(release=release).delete()
    CodeChange.objects.bulk_create(
        [
            CodeChange(owner=code, release=release, change=change, old_title=old, new_title=new)
            for code, change, old, new in changes
        ],
        batch_size=2000,
    )
    return result


def _values(code, fields):
    return tuple(getattr(code, Code._meta.get_field(name).attname) for name in fields)


def _update_rows(codes, fields):
    """UPDATE ... WHERE id = %s for each row, as one executemany.

    Django's bulk_update builds CASE expressions that take minutes for tens of
    thousands of rows; a prepared statement executed many times takes seconds.
    """
    if not codes:
        return
    model_fields = [Code._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in model_fields)
    sql = f"UPDATE {quote(Code._meta.db_table)} SET {assignments} WHERE {quote('id')} = %s"
    rows = [
        [f.get_db_prep_save(getattr(code, f.attname), connection) for f in model_fields] + [code.pk]
        for code in codes
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _replace_notes(parsed, system):
    ids = dict(Code.objects.filter(system=system).values_list("code", "id"))
    CodeNote.objects.filter(owner__system=system).delete()
    notes = [
        CodeNote(owner_id=ids[record.code], kind=kind, text=text, seq=seq)
        for record in parsed.records
        for seq, (kind, text) in enumerate(record.notes)
    ]
    CodeNote.objects.bulk_create(notes, batch_size=2000)
