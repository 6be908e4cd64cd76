"""HCPCS Level II alpha-numeric file (CMS fixed-width layout) to code records.

Layout: HCPC<year>_recordlayout.txt. Record id 3 starts a code, 4 continues
its long description; 7 and 8 do the same for modifiers, which are reference
data (see medcode.reference), not codes.
"""

import re
from datetime import date
from pathlib import Path

from django.conf import settings

from medcode.codes import systems
from medcode.codes.loaders.base import (
    CodeRecord, ImportFailed, ParsedRelease, parse_yyyymmdd, read_text_lines,
)
from medcode.codes.models import Code

RECORD_LENGTH = 320
MONTHS = {m: i for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1)}
_FILE_NAME = re.compile(r"HCPC(\d{4})_([A-Z]{3})", re.IGNORECASE)

# Level II groups by first letter, in medcode's words (browse pages).
LETTER_GROUPS = {
    "A": "Transportation, medical and surgical supplies, and miscellaneous services",
    "B": "Enteral and parenteral nutrition therapy",
    "C": "Hospital outpatient prospective payment (temporary) codes",
    "E": "Durable medical equipment",
    "G": "Professional services and procedures (temporary codes)",
    "H": "Behavioral health and substance use services",
    "J": "Drugs given other than by mouth, and chemotherapy drugs",
    "K": "Temporary codes for durable medical equipment",
    "L": "Orthotic and prosthetic procedures and devices",
    "M": "Medical services and quality measures",
    "P": "Pathology and laboratory services",
    "Q": "Temporary codes",
    "R": "Diagnostic radiology services",
    "S": "Temporary national codes for non-Medicare payers",
    "T": "State Medicaid agency codes",
    "U": "Laboratory tests for coronavirus and other public-health needs",
    "V": "Vision, hearing and speech-language services",
}

# 1-based inclusive positions from the CMS record layout.
FIELDS = {
    "code": (1, 5), "seq": (6, 10), "record_id": (11, 11), "long": (12, 91), "short": (92, 119),
    "pricing": (120, 127), "multiple_pricing": (128, 128), "cim": (129, 146), "mcm": (147, 170),
    "statute": (171, 180), "lab_cert": (181, 204), "xref": (205, 229), "coverage": (230, 230),
    "asc_group": (231, 232), "asc_date": (233, 240), "opps": (241, 243), "opps_pi": (244, 244),
    "opps_date": (245, 252), "proc_note": (253, 256), "betos": (257, 259), "tos": (261, 265),
    "anesthesia_units": (266, 268), "add_date": (269, 276), "action_date": (277, 284),
    "term_date": (285, 292), "action": (293, 293),
}


def bundled_file():
    found = sorted(Path(settings.MEDCODE_CODE_DATA_DIR).glob("HCPC*_ANWEB*.txt*"))
    if not found:
        raise ImportFailed(f"no HCPCS file in {settings.MEDCODE_CODE_DATA_DIR}")
    return found[-1]


def release_of(path):
    match = _FILE_NAME.search(Path(path).name)
    if not match or match.group(2).upper() not in MONTHS:
        return None, None
    year, month = int(match.group(1)), MONTHS[match.group(2).upper()]
    return f"{year}-{month:02d}", date(year, month, 1)


def _field(line, name):
    start, end = FIELDS[name]
    return line[start - 1:end].strip()


def _chunks(value, width):
    return [value[i:i + width].strip() for i in range(0, len(value), width) if value[i:i + width].strip()]


def parse_lines(path):
    """Yield (line number, fields) for each code or modifier record, continuations joined."""
    lines, digest = read_text_lines(path, encoding="latin-1")
    current = None
    records = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line.rstrip()) > RECORD_LENGTH or len(line) < RECORD_LENGTH:
            raise ImportFailed(
                f"record is {len(line)} characters; the HCPCS layout has {RECORD_LENGTH} "
                "(truncated, or not the fixed-width alpha-numeric file?)", source=path, line=number,
            )
        record_id = line[10]
        if record_id in "37":
            line = line.ljust(RECORD_LENGTH)
            fields = {name: _field(line, name) for name in FIELDS}
            fields["long"] = line[11:91].rstrip()
            current = (number, fields)
            records.append(current)
        elif record_id in "48":
            if current is None or _field(line, "code") != current[1]["code"]:
                raise ImportFailed("continuation line without the record it continues", source=path, line=number)
            current[1]["long"] += " " + line[11:91].strip()
        else:
            raise ImportFailed(f"unknown record id {record_id!r} (expected 3, 4, 7 or 8)", source=path, line=number)
    if not records:
        raise ImportFailed("the file holds no HCPCS records", source=path)
    return records, digest


def parse(path, *, version=None, effective_date=None):
    entries, digest = parse_lines(path)
    default_version, default_effective = release_of(path)
    version = version or default_version
    effective_date = effective_date or default_effective
    if not version or not effective_date:
        raise ImportFailed(
            "cannot tell the release from the file name (HCPC<year>_<MON>...); give --release and --effective",
            source=path,
        )
    codes, seen = [], set()
    for number, fields in entries:
        if fields["record_id"] == "7":
            continue  # modifiers
        code = fields["code"].upper()
        if systems.SYSTEMS[systems.CPT].matches(code):
            raise ImportFailed(f"{code} is a CPT code: this is not a HCPCS Level II file", source=path, line=number)
        if not systems.SYSTEMS[systems.HCPCS].matches(code):
            raise ImportFailed(f"{code!r} is not a HCPCS Level II code", source=path, line=number)
        if code in seen:
            raise ImportFailed(f"code {code} appears twice", source=path, line=number)
        seen.add(code)
        dates = {
            key: parse_yyyymmdd(fields[key], source=path, line=number, what=key.replace("_", " "))
            for key in ("add_date", "action_date", "term_date", "asc_date", "opps_date")
        }
        extra = {
            "pricing": _chunks(fields["pricing"], 2),
            "multiple_pricing": fields["multiple_pricing"],
            "coverage": fields["coverage"],
            "betos": fields["betos"],
            "tos": _chunks(fields["tos"], 1),
            "xref": _chunks(fields["xref"], 5),
            "lab_cert": _chunks(fields["lab_cert"], 3),
            "statute": fields["statute"],
            "cim": _chunks(fields["cim"], 6),
            "mcm": _chunks(fields["mcm"], 8),
            "asc_group": fields["asc_group"],
            "opps": fields["opps"], "opps_pi": fields["opps_pi"],
            "proc_note": fields["proc_note"],
            "anesthesia_units": fields["anesthesia_units"],
            "action": fields["action"],
            "action_date": dates["action_date"].isoformat() if dates["action_date"] else "",
        }
        codes.append(CodeRecord(
            code=code, kind=Code.Kind.CODE, title=" ".join(fields["long"].split()),
            short_title=fields["short"], parent=code[0], billable=True,
            effective_date=dates["add_date"], end_date=dates["term_date"],
            extra={k: v for k, v in extra.items() if v},
        ))
    if not codes:
        raise ImportFailed("the file holds modifiers only, no HCPCS codes", source=path)
    letters = sorted({c.code[0] for c in codes})
    groups = [
        CodeRecord(code=letter, kind=Code.Kind.RANGE, title=LETTER_GROUPS.get(letter, f"{letter} codes"))
        for letter in letters
    ]
    records = sorted([*groups, *codes], key=lambda r: (r.code[0], len(r.code) > 1, r.code))
    return ParsedRelease(
        system=systems.HCPCS, version=version, effective_date=effective_date,
        source=Path(path).name, sha256=digest, records=records,
    )
