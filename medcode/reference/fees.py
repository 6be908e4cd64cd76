"""Physician Fee Schedule: the relative value file and GPCIs, loaded and read in words."""

import re
from decimal import Decimal
from datetime import date

from medcode.codes.loaders.base import ImportFailed
from medcode.reference import tables
from medcode.reference.models import DataRelease, FeeScheduleRow, Locality

# Bounds of the PPRRVU and GPCI layouts' numeric fields (two decimals for RVUs, four for the
# conversion factor, three for GPCIs); the largest RVU in 2026 is 461.69, the largest GPCI 1.5.
RVU_MAX = Decimal("9999.99")
CONVERSION_FACTOR_MAX = Decimal("999.9999")
GPCI_MAX = Decimal("9.999")
MONTH_LETTER = {"jan": ("A", 1), "apr": ("B", 4), "jul": ("C", 7), "oct": ("D", 10)}
LETTER_MONTH = {letter: month for letter, month in MONTH_LETTER.values()}
HCPCS_LEVEL2 = re.compile(r"[A-CE-Z][0-9]{4}")  # CMS text; CPT (AMA) and CDT (ADA) descriptors are never kept

STATUS = {
    "A": "Active: paid under the fee schedule",
    "B": "Bundled: payment is included in other services, never paid separately",
    "C": "Carrier priced: the Medicare contractor sets the payment",
    "D": "Deleted code",
    "E": "Excluded from the fee schedule by regulation",
    "F": "Deleted code, no grace period",
    "G": "Not valid for Medicare: another code is used",
    "H": "Deleted modifier",
    "I": "Not valid for Medicare: another code is used",
    "J": "Anesthesia service: paid under the anesthesia fee schedule, no RVUs",
    "M": "Measurement code: reported for quality programs, not paid",
    "N": "Not covered by Medicare",
    "P": "Bundled or excluded: not paid separately under the fee schedule",
    "R": "Restricted coverage: special coverage instructions apply; without RVUs the contractor prices it",
    "T": "Paid only when no other fee schedule service is billed that day",
    "X": "Excluded by statute: not paid under the fee schedule",
}
PAID_STATUSES = {"A", "R", "T"}
GLOBAL_DAYS = {
    "000": "0 days: the procedure day only. Evaluation and management the same day is included unless significant and separate (modifier 25)",
    "010": "10 days: minor procedure. Care on the procedure day and the 10 days after it is included",
    "090": "90 days: major surgery. The day before, the day of surgery and the 90 days after it are included",
    "XXX": "The global surgery concept does not apply",
    "YYY": "The Medicare contractor sets the global period",
    "ZZZ": "Add-on code: it falls within the global period of the primary procedure",
    "MMM": "Maternity code: the usual global surgery rules do not apply",
}
PCTC = {
    "0": "Physician service: no professional/technical split, modifiers 26 and TC do not apply",
    "1": "Diagnostic test with a professional (26) and a technical (TC) component",
    "2": "Professional component only: the code already describes the interpretation",
    "3": "Technical component only: the code already describes the technical part",
    "4": "Global test only: separate codes describe the components",
    "5": "Incident-to service: not paid when furnished in a facility",
    "6": "Laboratory physician interpretation: modifier 26 may apply, TC does not",
    "7": "Physical therapy service: not paid when furnished in a facility",
    "8": "Physician interpretation code: only the professional part is paid",
    "9": "The professional/technical component concept does not apply",
}
MULTIPLE = {
    "0": "No multiple-procedure reduction",
    "1": "Standard reduction rules in force before 1996",
    "2": "Standard reduction: 100% for the highest-paid procedure, 50% for each other (modifier 51)",
    "3": "Special endoscopy rules: related endoscopies are paid from their endoscopic base code",
    "4": "Diagnostic imaging reduction on the technical and professional components",
    "5": "Therapy reduction: 50% of the practice expense of the second and later services",
    "6": "Diagnostic cardiovascular reduction on the technical component",
    "7": "Diagnostic ophthalmology reduction on the technical component",
    "9": "The multiple-procedure concept does not apply",
}
BILATERAL = {
    "0": "No bilateral adjustment: a bilateral procedure is paid as one (150% does not apply)",
    "1": "Bilateral adjustment: with modifier 50 (or RT and LT) it is paid at 150%",
    "2": "Already bilateral by definition: paid at 100%, modifier 50 adds nothing",
    "3": "Each side paid in full: 100% per side, no bilateral reduction",
    "9": "The bilateral concept does not apply",
}
ASSISTANT = {
    "0": "Assistant at surgery paid only with documented medical necessity",
    "1": "Assistant at surgery never paid",
    "2": "Assistant at surgery may be paid (modifiers 80, 81, 82 or AS)",
    "9": "The assistant-at-surgery concept does not apply",
}
CO_SURGEONS = {
    "0": "Co-surgeons not permitted",
    "1": "Co-surgeons paid with documentation of medical necessity (modifier 62)",
    "2": "Co-surgeons permitted (modifier 62)",
    "9": "The co-surgeon concept does not apply",
}
TEAM = {
    "0": "Team surgery not permitted",
    "1": "Team surgery paid with documentation of medical necessity (modifier 66)",
    "2": "Team surgery permitted; the contractor prices it (modifier 66)",
    "9": "The team-surgery concept does not apply",
}
RVU_COLUMNS = 26  # through CONV FACTOR; later columns are optional


def rvu_release(name, given=None, source=None):
    """('RVU26C', 2026-07-01) from a release name or a CMS file name such as PPRRVU2026_Jul_nonQPP."""
    text = given or name
    match = re.search(r"rvu(\d\d)([a-d])", text, re.IGNORECASE)
    if match:
        year, letter = 2000 + int(match.group(1)), match.group(2).upper()
        return f"RVU{match.group(1)}{letter}", date(year, LETTER_MONTH[letter], 1)
    match = re.search(r"(20\d\d)[_ -]?(jan|apr|jul|oct)", text, re.IGNORECASE)
    if not match:
        raise ImportFailed("cannot tell the release (e.g. RVU26C or PPRRVU2026_Jul) from the file name; "
                           "give --release", source=source or name)
    year, (letter, month) = int(match.group(1)), MONTH_LETTER[match.group(2).lower()]
    return f"RVU{year % 100:02d}{letter}", date(year, month, 1)


def parse_rvu(paths, *, release=None):
    # The RVU zip holds PPRRVU in QPP and non-QPP versions besides other files; the non-QPP one is the standard.
    table = tables.table_member(paths, "PPRRVU", prefer=r"pprrvu.*non.?qpp")
    rows = tables.rows_of(table)
    tables.find_header(rows, table.name, lambda cells: cells[:2] == ["hcpcs", "mod"],
                       "a PFS relative value file (PPRRVU; header: HCPCS, MOD, DESCRIPTION, …)", within=20)
    label, effective = rvu_release(table.name, release, table.name)
    return tables.Parsed(
        kind=DataRelease.Kind.RVU, label=label, effective_date=effective, source=table.name,
        sha256=tables.digest_of([table]), rows=_rvu_rows(rows, table.name),
    )


def _rvu_rows(rows, source):
    started, seen = False, set()
    for number, cells in tables.data_rows(rows):  # after the rest of CMS's five-line header
        started = True
        if len(cells) < RVU_COLUMNS:
            raise ImportFailed(f"{len(cells)} columns, expected at least {RVU_COLUMNS}", source=source, line=number)
        code, modifier = cells[0], cells[1]
        if not tables.CODE.fullmatch(code):
            raise ImportFailed(f"HCPCS {code!r} is not a 5-character code", source=source, line=number)
        if (code, modifier) in seen:
            raise ImportFailed(f"{code} {modifier or '(no modifier)'} appears twice", source=source, line=number)
        seen.add((code, modifier))
        if modifier not in {"", "26", "TC", "53"}:
            raise ImportFailed(f"payment modifier {modifier!r} is not blank, 26, TC or 53", source=source, line=number)
        def number_of(index, what, high=RVU_MAX, places=2):
            return tables.decimal_number(cells[index], what=what, source=source, line=number, low=0, high=high,
                                         places=places)

        yield FeeScheduleRow(
            code=code, modifier=modifier, status=cells[3][:1],
            description=cells[2][:60] if HCPCS_LEVEL2.fullmatch(code) else "",
            not_used_for_payment=cells[4] == "+",
            work=number_of(5, "work RVU"), pe_nonfacility=number_of(6, "non-facility PE RVU"),
            nonfacility_na=bool(cells[7]), pe_facility=number_of(8, "facility PE RVU"), facility_na=bool(cells[9]),
            mp=number_of(10, "MP RVU"), total_nonfacility=number_of(11, "non-facility total"),
            total_facility=number_of(12, "facility total"), pctc=cells[13][:1], global_days=cells[14][:3],
            pre_op=number_of(15, "pre-op share", high=1), intra_op=number_of(16, "intra-op share", high=1),
            post_op=number_of(17, "post-op share", high=1), multiple_procedure=cells[18][:1], bilateral=cells[19][:1],
            assistant=cells[20][:1], co_surgeons=cells[21][:1], team_surgery=cells[22][:1],
            endoscopic_base=cells[24][:5], conversion_factor=number_of(25, "conversion factor", high=CONVERSION_FACTOR_MAX, places=4),
            supervision=(cells[26] if len(cells) > 26 else "")[:2],
            imaging_family=(cells[28] if len(cells) > 28 else "")[:2],
        )
    if not started:
        raise ImportFailed("the relative value file holds no codes", source=source)


def parse_gpci(paths, *, release=None):
    table = tables.table_member(paths, "GPCI", prefer=r"gpci")
    rows = tables.rows_of(table)
    _, header = tables.find_header(
        rows, table.name, lambda cells: "locality number" in cells and any("pe gpci" in c for c in cells),
        "a GPCI table (CMS Addendum E; header: MAC, State, Locality Number, Locality Name, … GPCI)",
    )
    lowered = [cell.lower() for cell in header]

    def column(test, what):
        index = next((i for i, cell in enumerate(lowered) if test(cell)), None)
        if index is None:
            raise ImportFailed(f"the GPCI header has no {what} column", source=table.name)
        return index

    columns = {
        "mac": column(lambda c: "mac" in c or "contractor" in c, "MAC"),
        "state": column(lambda c: c == "state", "State"),
        "number": column(lambda c: c == "locality number", "Locality Number"),
        "name": column(lambda c: c == "locality name", "Locality Name"),
        "pe": column(lambda c: "pe gpci" in c, "PE GPCI"),
        "mp": column(lambda c: "mp gpci" in c, "MP GPCI"),
        "work": column(lambda c: "pw gpci" in c and "without" not in c, "PW GPCI"),
    }
    unfloored = next((i for i, c in enumerate(lowered) if "pw gpci" in c and "without" in c), columns["work"])
    year = re.search(r"(20\d\d)", release or header[columns["pe"]] + " " + table.name)
    if not year:
        raise ImportFailed("cannot tell the GPCI year; give --release 2026", source=table.name)
    return tables.Parsed(
        kind=DataRelease.Kind.GPCI, label=year.group(1), effective_date=date(int(year.group(1)), 1, 1),
        source=table.name, sha256=tables.digest_of([table]),
        rows=_gpci_rows(rows, table.name, columns, unfloored),
    )


def _gpci_rows(rows, source, columns, unfloored):
    seen = set()
    for number, cells in rows:
        if len(cells) <= max(*columns.values(), unfloored):
            if cells and cells[0].startswith(("*", "Note", "NOTE", "Source")):
                continue  # CMS footnotes
            raise ImportFailed(f"{len(cells)} columns, too few for a locality row", source=source, line=number)
        mac, locality = cells[columns["mac"]].zfill(5), cells[columns["number"]].zfill(2)
        if not (re.fullmatch(r"[0-9]{5}", mac) and re.fullmatch(r"[0-9]{2}", locality)):
            raise ImportFailed(f"MAC {mac!r} / locality {locality!r} are not numbers", source=source, line=number)
        if (mac, locality) in seen:
            raise ImportFailed(f"locality {mac}-{locality} appears twice", source=source, line=number)
        seen.add((mac, locality))
        def value(key):
            gpci = tables.decimal_number(cells[key], what="GPCI", source=source, line=number, low=0, high=GPCI_MAX,
                                         places=3)
            if not gpci:
                raise ImportFailed("a GPCI of 0 would make every payment there zero", source=source, line=number)
            return gpci

        yield Locality(
            mac=mac, state=cells[columns["state"]][:2], number=locality, name=cells[columns["name"]][:80],
            work_gpci_unfloored=value(unfloored), work_gpci=value(columns["work"]),
            pe_gpci=value(columns["pe"]), mp_gpci=value(columns["mp"]),
        )


# Answers -----------------------------------------------------------------

def rows_for(code, day=None):
    """{payment modifier: row} of the release in force on day."""
    release = tables.release_for(DataRelease.Kind.RVU, day)
    if release is None:
        return None, {}
    return release, {row.modifier: row for row in FeeScheduleRow.objects.filter(release=release, code=code)}


_localities = {}


def localities(day=None):
    """The localities of the GPCI release in force (a release's rows never change: cached by release)."""
    release = tables.release_for(DataRelease.Kind.GPCI, day)
    if release is None:
        return []
    found = _localities.get(release.pk)
    if found is None:  # one entry per GPCI release ever loaded: a handful
        found = _localities[release.pk] = list(Locality.objects.filter(release=release))
    return found


def locality_choices(day=None):
    return [(loc.key, str(loc)) for loc in localities(day)]


def locality(key, day=None):
    """A locality by its 'MAC-NN' key, from the GPCI release in force on day."""
    if not key or "-" not in key:
        return None
    return next((loc for loc in localities(day) if loc.key == key), None)


def words(row):
    """The row's indicators as coders read them."""
    return {
        "status": STATUS.get(row.status, row.status),
        "global": GLOBAL_DAYS.get(row.global_days, row.global_days),
        "pctc": PCTC.get(row.pctc, row.pctc),
        "multiple": MULTIPLE.get(row.multiple_procedure, row.multiple_procedure),
        "bilateral": BILATERAL.get(row.bilateral, row.bilateral),
        "assistant": ASSISTANT.get(row.assistant, row.assistant),
        "co_surgeons": CO_SURGEONS.get(row.co_surgeons, row.co_surgeons),
        "team": TEAM.get(row.team_surgery, row.team_surgery),
    }
