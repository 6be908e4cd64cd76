"""Read claims from a CSV of service lines: one row per line, rows sharing a claim_id form a claim.

Columns (header row required, names case-insensitive, order free):
  claim_id, date_of_service (YYYY-MM-DD or MM/DD/YYYY), code, units, modifiers (space or hyphen
  separated), pointers (1-12 or A-L, space separated), diagnoses (the claim's ICD-10-CM codes in
  order, space or comma separated; given on the claim's first row, may repeat), and optionally
  age, sex (F/M), place_of_service, setting (practitioner/hospital).
A row that cannot be read becomes a problem of its claim; the other claims are read as usual.
"""

import csv
import io
import re
from datetime import date, datetime

from medcode.scrubber.claim import MAX_DIAGNOSES, MAX_LINES, BatchError, Claim, ServiceLine, parse_pointers

REQUIRED = {"claim_id", "code", "pointers"}
_SPLIT = re.compile(r"[\s,;]+")


def read_csv(data: bytes, name: str):
    """Claims in the order their first rows appear; raises BatchError when the file has no usable header."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(reader, None)
    if not header:
        raise BatchError(f"{name}: the file is empty")
    columns = [cell.strip().lower().replace(" ", "_") for cell in header]
    missing = REQUIRED - set(columns)
    if missing:
        raise BatchError(f"{name} line 1: the header lacks {', '.join(sorted(missing))} (it has "
                         f"{', '.join(columns[:12])}); see the README for the CSV layout")
    claims = {}
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            values = {column: (row[i].strip() if i < len(row) else "") for i, column in enumerate(columns)}
            _add_row(claims, values, name, reader.line_num)
    except csv.Error as exc:
        raise BatchError(f"{name} line {reader.line_num}: unreadable CSV ({exc})") from None
    return list(claims.values())


def _add_row(claims, values, name, line_number):
    claim_id = values["claim_id"][:38]
    if not claim_id:
        raise BatchError(f"{name} line {line_number}: no claim_id")
    claim = claims.get(claim_id)
    where = f"{name} line {line_number}"
    if claim is None:
        claim = claims[claim_id] = Claim(claim_id, source=where)
        _claim_fields(claim, values, where)
    elif values.get("diagnoses") and _codes(values["diagnoses"]) != claim.diagnoses:
        claim.problems.append(f"{where}: diagnoses differ from the claim's first row")
    try:
        claim.lines.append(_line(len(claim.lines) + 1, values))
    except ValueError as exc:
        claim.problems.append(f"{where}: {exc}")
    if len(claim.lines) == MAX_LINES + 1:
        claim.problems.append(f"{where}: over {MAX_LINES} service lines")


def _claim_fields(claim, values, where):
    claim.diagnoses = _codes(values.get("diagnoses", ""))
    if len(claim.diagnoses) > MAX_DIAGNOSES:
        claim.problems.append(f"{where}: {len(claim.diagnoses)} diagnoses, at most {MAX_DIAGNOSES}")
    claim.place_of_service = values.get("place_of_service", "")[:2]
    sex = values.get("sex", "").upper()[:1]
    claim.sex = sex if sex in {"F", "M"} else None
    age = values.get("age", "")
    if age:
        if not age.isdigit() or int(age) > 124:
            claim.problems.append(f"{where}: age {age[:8]!r} is not a whole number of years from 0 to 124")
        else:
            claim.age = int(age)
    setting = values.get("setting", "").lower() or "practitioner"
    if setting not in {"practitioner", "hospital"}:
        claim.problems.append(f"{where}: setting {setting[:20]!r} is not practitioner or hospital")
    claim.setting = setting


def _codes(text):
    return [code.replace(".", "").upper() for code in _SPLIT.split(text) if code][:MAX_DIAGNOSES + 1]


def _line(number, values):
    code = values["code"].upper()
    units = values.get("units") or "1"
    if not units.isdigit() or not 1 <= int(units) <= 9999:
        raise ValueError(f"units {units[:8]!r} is not a whole number from 1 to 9999")
    pointers = parse_pointers(values.get("pointers", ""))
    modifiers = [m for m in re.split(r"[\s,;-]+", values.get("modifiers", "").upper()) if m]
    return ServiceLine(number, code, modifiers, int(units), pointers, _day(values.get("date_of_service", "")))


def _day(text):
    if not text:
        return None
    for layout in ("%Y-%m-%d", "%m/%d/%Y", "%Y%m%d"):
        try:
            day = datetime.strptime(text, layout).date()
        except ValueError:
            continue
        if date(1980, 1, 1) <= day <= date(2099, 12, 31):
            return day
    raise ValueError(f"date of service {text[:12]!r} is not YYYY-MM-DD or MM/DD/YYYY")
