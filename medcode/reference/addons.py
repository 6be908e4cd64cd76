"""NCCI add-on code edits: loading the CMS table and answering from it."""

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction

from medcode.codes import systems
from medcode.codes.loaders.base import ImportFailed, read_bytes
from medcode.codes.models import Code
from medcode.reference.models import AddonEdit

COLUMNS = [
    "AOC_Edit_Type", "Add-On_Code", "AOC_DelDT", "Primary_Code",
    "Primary_Code_DelDT", "AOC_Edit_EffDT", "AOC_Edit_DelDT", "Special_Instruction_Notes",
]
_RELEASE = re.compile(r"(20\d\d)\s*q([1-4])", re.IGNORECASE)


def bundled_file():
    found = sorted(Path(settings.MEDCODE_REFERENCE_DATA_DIR).glob("aoc_*.tsv*"))
    return found[-1] if found else None


def julian(value, *, source, line):
    """CMS YYYYDDD date (2020001 = 1 January 2020); blank is None."""
    value = value.strip()
    if not value:
        return None
    if not re.fullmatch(r"\d{7}", value):
        raise ImportFailed(f"date {value!r} is not a CMS YYYYDDD date", source=source, line=line)
    year, day = int(value[:4]), int(value[4:])
    if not 1 <= day <= 366:
        raise ImportFailed(f"date {value!r} has day {day}", source=source, line=line)
    return date(year, 1, 1) + timedelta(days=day - 1)


def parse(path, *, release=None):
    raw, _ = read_bytes(path)
    text = raw.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text), delimiter="\t")
    header = next(reader, None)
    if not header or [h.strip() for h in header[:len(COLUMNS)]] != COLUMNS:
        raise ImportFailed(
            "not an NCCI add-on code edit table: the header must be " + ", ".join(COLUMNS),
            source=path, line=1,
        )
    match = _RELEASE.search(Path(path).name) if release is None else None
    release = release or (f"{match.group(1)}Q{match.group(2)}" if match else None)
    if not release:
        raise ImportFailed("cannot tell the release (e.g. 2026Q2) from the file name; give --release", source=path)
    edits = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 7:
            raise ImportFailed(f"{len(row)} columns, expected {len(COLUMNS)}", source=path, line=number)
        row = [cell.strip() for cell in row] + [""] * (len(COLUMNS) - len(row))
        if row[0] not in {"1", "2", "3"}:
            raise ImportFailed(f"edit type {row[0]!r} is not 1, 2 or 3", source=path, line=number)
        for column in (1, 3):
            if not re.fullmatch(r"[0-9A-Z]{5}", row[column]):
                raise ImportFailed(f"{COLUMNS[column]} {row[column]!r} is not a 5-character code", source=path, line=number)
        effective = julian(row[5], source=path, line=number)
        if effective is None:
            raise ImportFailed("the edit has no effective date", source=path, line=number)
        edits.append(AddonEdit(
            release=release, edit_type=int(row[0]), addon_code=row[1],
            addon_deleted=julian(row[2], source=path, line=number), primary_code=row[3],
            primary_deleted=julian(row[4], source=path, line=number), effective_date=effective,
            deletion_date=julian(row[6], source=path, line=number), note=row[7],
        ))
    if not edits:
        raise ImportFailed("the table holds no edits", source=path)
    return release, edits


def load(path, *, release=None, progress=lambda message: None):
    """Replace the edits of one release (idempotent) and flag the add-on codes."""
    release, edits = parse(path, release=release)
    with transaction.atomic():
        AddonEdit.objects.filter(release=release).delete()
        AddonEdit.objects.bulk_create(edits, batch_size=2000)
        addon_codes = {edit.addon_code for edit in edits}
        Code.objects.filter(system__in=[systems.CPT, systems.HCPCS], code__in=addon_codes).update(is_addon=True)
    progress(f"  NCCI add-on code edits {release}: {len(edits):,} edits, {len(addon_codes):,} add-on codes")
    return release, len(edits)


def latest_release():
    return AddonEdit.objects.order_by("-release").values_list("release", flat=True).first()


def primaries_of(code, *, on=None):
    """Edits naming the primaries of an add-on code, active on a date (today by default)."""
    return _active(AddonEdit.objects.filter(addon_code=code), on)


def addons_for(code, *, on=None):
    """Edits naming the add-on codes that may be reported with a primary code."""
    return _active(AddonEdit.objects.filter(primary_code=code), on)


def _active(queryset, on):
    release = latest_release()
    if release is None:
        return []
    day = on or date.today()
    return [e for e in queryset.filter(release=release) if e.active_on(day)]
