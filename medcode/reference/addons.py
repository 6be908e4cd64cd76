"""NCCI add-on code edits: loading the CMS table and answering from it."""

from medcode.codes import systems
from medcode.codes.loaders.base import ImportFailed
from medcode.codes.models import Code
from medcode.reference import tables
from medcode.reference.models import AddonEdit, DataRelease

COLUMNS = [
    "aoc_edit_type", "add-on_code", "aoc_deldt", "primary_code",
    "primary_code_deldt", "aoc_edit_effdt", "aoc_edit_deldt", "special_instruction_notes",
]


def parse(paths, *, release=None):
    table = tables.table_member(paths, "add-on code edit")
    rows = tables.rows_of(table)
    tables.find_header(rows, table.name, lambda cells: cells[:7] == COLUMNS[:7],
                       "an NCCI add-on code edit table (header: AOC_Edit_Type, Add-On_Code, …)")
    label, effective = tables.quarter_release(table.name, release, source=table.name)
    return tables.Parsed(
        kind=DataRelease.Kind.ADDON, label=label, effective_date=effective, source=table.name,
        sha256=tables.digest_of([table]), rows=_rows(rows, table.name), after_write=flag_addon_codes,
    )


def _rows(rows, source):
    for number, row in rows:
        if len(row) < 7:
            raise ImportFailed(f"{len(row)} columns, expected {len(COLUMNS)}", source=source, line=number)
        row = row + [""] * (len(COLUMNS) - len(row))
        if row[0] not in {"1", "2", "3"}:
            raise ImportFailed(f"edit type {row[0]!r} is not 1, 2 or 3", source=source, line=number)
        for column in (1, 3):
            if not tables.CODE.fullmatch(row[column]):
                raise ImportFailed(f"column {column + 1} {row[column]!r} is not a 5-character code", source=source, line=number)
        effective = tables.julian(row[5], source=source, line=number)
        if effective is None:
            raise ImportFailed("the edit has no effective date", source=source, line=number)
        yield AddonEdit(
            edit_type=int(row[0]), addon_code=row[1],
            addon_deleted=tables.julian(row[2], source=source, line=number), primary_code=row[3],
            primary_deleted=tables.julian(row[4], source=source, line=number), effective_date=effective,
            deletion_date=tables.julian(row[6], source=source, line=number), note=row[7],
        )


def flag_addon_codes(release=None):
    """Mark the codes an add-on edit names as add-ons (of one release, or of every one loaded).
    CPT pages made later from the MUE and RVU files need it too: they come after the add-on file."""
    edits = AddonEdit.objects.filter(release=release) if release else AddonEdit.objects.all()
    codes = edits.values_list("addon_code", flat=True).distinct()
    Code.objects.filter(system__in=[systems.CPT, systems.HCPCS], code__in=codes, is_addon=False).update(is_addon=True)


def release_on(day=None):
    return tables.release_for(DataRelease.Kind.ADDON, day)


def primaries_of(code, *, on=None, release=None):
    """Edits naming the primaries of an add-on code, active on a date."""
    return _active(AddonEdit.objects.filter(addon_code=code), on, release)


def addons_for(code, *, on=None, release=None):
    """Edits naming the add-on codes that may be reported with a primary code."""
    return _active(AddonEdit.objects.filter(primary_code=code), on, release)


def _active(queryset, day, release):
    release = release or release_on(day)
    if release is None:
        return []
    edits = queryset.filter(release=release)
    return list(edits if day is None else edits.active_on(day))
