"""Modifiers: HCPCS Level II modifiers from the CMS file, medcode's own guide to each
(CPT modifiers are described only in medcode's words), and the modifiers that apply to a code."""

import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from medcode.codes.loaders.base import ImportFailed
from medcode.reference import tables
from medcode.reference.models import DataRelease, Modifier

MODIFIER = re.compile(r"[0-9A-Z]{2}")
GUIDE_FILE = "modifier_guide.json"
COLUMNS = {"hcpc": "code", "long description": "title", "short description": "short_title",
           "add dt": "added_date", "act eff dt": "effective_date", "term dt": "termination_date"}


def parse(paths, *, release=None):
    """The modifier rows (2-character codes) of the CMS alpha-numeric HCPCS file, as tab or comma text."""
    table = tables.table_member(paths, "HCPCS modifier")
    rows = tables.rows_of(table)
    _, header = tables.find_header(
        rows, table.name, lambda cells: cells[:1] == ["hcpc"] and "long description" in cells,
        "the HCPCS alpha-numeric file as a table (header: HCPC, SEQNUM, RECID, LONG DESCRIPTION, …)",
    )
    lowered = [cell.lower() for cell in header]
    missing = [name for name in COLUMNS if name not in lowered]
    if missing:
        raise ImportFailed("the header has no " + ", ".join(missing) + " column", source=table.name)
    index = {field: lowered.index(name) for name, field in COLUMNS.items()}
    label, effective = _release(table.name, release)
    return tables.Parsed(
        kind=DataRelease.Kind.MODIFIERS, label=label, effective_date=effective, source=table.name,
        sha256=tables.digest_of([table]), rows=_rows(rows, table.name, index),
    )


def _release(name, given):
    match = re.search(r"(20\d\d)[_ -]?(jan|apr|jul|oct)", given or name, re.IGNORECASE)
    if not match:
        raise ImportFailed("cannot tell the release (e.g. HCPC2026_JAN) from the file name; give --release", source=name)
    month = {"jan": 1, "apr": 4, "jul": 7, "oct": 10}[match.group(2).lower()]
    return f"{match.group(1)}-{month:02d}", date(int(match.group(1)), month, 1)


def _rows(rows, source, index):
    width = max(index.values()) + 1
    for number, cells in rows:
        code = cells[0]
        if len(code) != 2:
            continue  # a code row of the full file: this importer takes the modifiers only
        if not MODIFIER.fullmatch(code):
            raise ImportFailed(f"modifier {code!r} is not two letters or digits", source=source, line=number)
        cells = cells + [""] * (width - len(cells))
        dates = {
            field: tables.yyyymmdd(cells[index[field]], source=source, line=number, what=field.replace("_", " "))
            for field in ("added_date", "effective_date", "termination_date")
        }
        yield Modifier(code=code, title=cells[index["title"]], short_title=cells[index["short_title"]][:60], **dates)


@lru_cache(maxsize=1)
def guide():
    """{code: entry} of medcode's own modifier guide (plain-language text written for medcode)."""
    path = Path(settings.MEDCODE_REFERENCE_DATA_DIR) / GUIDE_FILE
    if not path.exists():
        path = Path(__file__).parent / "data" / GUIDE_FILE
    entries = json.loads(path.read_text(encoding="utf-8"))["modifiers"]
    return {entry["code"].upper(): entry for entry in entries}


def hcpcs_modifiers(day=None):
    release = tables.release_for(DataRelease.Kind.MODIFIERS, day)
    return {m.code: m for m in Modifier.objects.filter(release=release)} if release else {}


def find(code):
    """(guide entry or None, HCPCS file row or None) of one modifier."""
    code = code.upper()
    return guide().get(code), hcpcs_modifiers().get(code)


def catalogue():
    """Every modifier medcode knows: CPT ones from the guide, HCPCS Level II from the CMS file."""
    entries, rows = guide(), hcpcs_modifiers()
    found = []
    for code in sorted(set(entries) | set(rows)):
        entry, row = entries.get(code), rows.get(code)
        found.append({
            "code": code, "set": (entry or {}).get("set") or "HCPCS",
            "name": (entry or {}).get("name") or (row.short_title if row else ""),
            "has_guide": entry is not None, "ended": bool(row and row.termination_date),
        })
    return found


def for_code(row, *, has_bypassable_edits=False):
    """[(modifier, why)] for a code, derived from its fee schedule indicators and NCCI edits."""
    if row is None:
        return []
    found = []
    add = lambda code, why: found.append((code, why))  # noqa: E731
    if row.pctc == "1":
        add("26", "Professional component (interpretation) billed alone: PC/TC indicator 1")
        add("TC", "Technical component billed alone: PC/TC indicator 1")
    elif row.pctc == "6":
        add("26", "Physician interpretation of a laboratory test: PC/TC indicator 6")
    if row.bilateral == "1":
        add("50", "Bilateral procedure paid at 150%: bilateral indicator 1")
        add("RT", "Right side, when only one side is done or sides are reported on separate lines")
        add("LT", "Left side, when only one side is done or sides are reported on separate lines")
    elif row.bilateral == "3":
        add("RT", "Each side is paid in full (bilateral indicator 3): report RT and LT lines")
        add("LT", "Each side is paid in full (bilateral indicator 3): report RT and LT lines")
    if row.multiple_procedure in {"2", "3"}:
        add("51", "Multiple procedures at one session: the second and later are paid at 50%")
    if row.assistant in {"0", "2"}:
        why = "Assistant at surgery" + (" (only with documented medical necessity)" if row.assistant == "0" else "")
        for code in ("80", "81", "82", "AS"):
            add(code, why)
    if row.co_surgeons in {"1", "2"}:
        add("62", "Two surgeons, each doing a distinct part: each is paid 62.5%")
    if row.team_surgery in {"1", "2"}:
        add("66", "Team surgery: the contractor prices it")
    if row.global_days in {"010", "090"}:
        add("24", "Unrelated evaluation and management service during the postoperative period")
        add("25" if row.global_days == "010" else "57",
            "Significant, separately identifiable E/M service the day of a minor procedure" if row.global_days == "010"
            else "E/M service that led to the decision for major surgery (the day of or day before)")
        for code, why in (("54", "Surgical care only"), ("55", "Postoperative management only"),
                          ("56", "Preoperative management only"),
                          ("58", "Staged or related procedure during the postoperative period"),
                          ("78", "Unplanned return to the operating room for a related procedure"),
                          ("79", "Unrelated procedure during the postoperative period"),
                          ("76", "Repeat procedure by the same physician"),
                          ("77", "Repeat procedure by another physician")):
            add(code, why)
    elif row.global_days == "000":
        add("25", "Significant, separately identifiable E/M service the same day")
    if row.global_days in {"000", "010", "090"}:
        add("22", "Substantially greater work than usual, documented")
        add("52", "Reduced service")
        add("53", "Procedure discontinued after it started")
    if has_bypassable_edits:
        for code in ("59", "XE", "XP", "XS", "XU"):
            add(code, "Distinct procedural service: may bypass an NCCI edit with modifier indicator 1")
    return found
