"""NCCI procedure-to-procedure (PTP) edits and medically unlikely edits (MUE): loading and answering."""

import re
from pathlib import Path

from medcode.codes.loaders.base import ImportFailed
from medcode.reference import tables
from medcode.reference.models import DataRelease, MueEdit, PtpEdit, PtpRationale

Kind = DataRelease.Kind
PTP_KINDS = {"practitioner": Kind.PTP_PRACTITIONER, "hospital": Kind.PTP_HOSPITAL}
MUE_KINDS = {"practitioner": Kind.MUE_PRACTITIONER, "hospital": Kind.MUE_HOSPITAL, "dme": Kind.MUE_DME}
SETTING_NAMES = {"practitioner": "Practitioner", "hospital": "Outpatient hospital", "dme": "DME supplier"}
# CMS names PTP files ccipra-v321r0-f1 (practitioner) and ccioph-v321r0-f1 (outpatient hospital);
# version 32.0 is 2026 Q1, one version per quarter.
_PTP_NAME = re.compile(r"cci(pra|oph)-?v(\d\d)(\d)r\d", re.IGNORECASE)
_MUE_SETTING = {"practitioner": "practitioner", "outpatient hospital": "hospital", "dme supplier": "dme"}
MODIFIER_INDICATORS = {"0", "1", "9"}
MUE_MAX = 999_999  # units a day; the largest in 2026 is 90,000
BYPASS_MODIFIERS = {
    "59", "XE", "XP", "XS", "XU", "24", "25", "27", "57", "58", "78", "79", "91",
    "E1", "E2", "E3", "E4", "FA", "F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9",
    "TA", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "LT", "RT", "LC", "LD", "LM", "RC", "RI",
}


def ptp_release(name, given=None):
    match = _PTP_NAME.search(name)
    if given or not match:
        return tables.quarter_release(name, given)
    version, quarter_in_year = int(match.group(2)), int(match.group(3))
    year = 2026 + (version - 32)
    return tables.quarter_release(f"{year}Q{quarter_in_year + 1}")


PTP_COLUMNS = ("column1", "column2", "prior_1996", "effective_date", "deletion_date", "modifier_indicator",
               "rationale_id")
# The copy medcode ships (../shared/data/ncci/SOURCE.md): the CMS 2024 Q3 files re-laid out by a third
# party, without effective dates or the pre-1996 mark. Its name gives the setting and the quarter.
DERIVED_HEADER = ["column_1", "column_2", "deletion_date", "modifier_indicator", "ptp_edit_rationale"]
_DERIVED_NAME = re.compile(r"ptp_(practitioner|outpatient_hospital)_(20\d\dq[1-4])", re.IGNORECASE)


def parse_ptp(paths, *, setting=None, release=None):
    """One release of PTP edits: CMS's parts f1..f4 (often zipped), or one file in the derived layout."""
    paths = [Path(p) for p in paths]
    if len(paths) == 1 and tables.first_line(paths[0]).split("\t") == DERIVED_HEADER:
        return _parse_derived(paths[0], setting=setting, release=release)
    parts = [m for m in tables.members(paths) if not m.name.lower().endswith(tables.DOCUMENTS)]
    if not parts:
        raise ImportFailed("no PTP edit table found", source=str(paths[0]))
    first = parts[0].name
    match = _PTP_NAME.search(first)
    setting = setting or ({"pra": "practitioner", "oph": "hospital"}[match.group(1).lower()] if match else None)
    if setting not in PTP_KINDS:
        raise ImportFailed("cannot tell practitioner from outpatient hospital edits by the file name "
                           "(ccipra… or ccioph…); give --setting", source=first)
    label, effective = ptp_release(first, release)
    headed = []
    for part in parts:
        rows = tables.rows_of(part)
        tables.find_header(rows, part.name, lambda cells: cells[:2] == ["column 1", "column 2"],
                           "an NCCI PTP edit table (header: Column 1, Column 2, …)")
        headed.append((part.name, rows))
    return tables.Parsed(
        kind=PTP_KINDS[setting], label=label, effective_date=effective,
        source=", ".join(p.name for p in parts), sha256=tables.digest_of(parts),
        rows=_ptp_rows(headed, Rationales()), model=PtpEdit, columns=PTP_COLUMNS,
    )


class Rationales:
    """CMS's dozen rationale wordings as PtpRationale ids, created as a file first names them."""

    def __init__(self):
        self.ids = dict(PtpRationale.objects.values_list("text", "id"))

    def id_of(self, text):
        text = text[:200]
        if text not in self.ids:
            self.ids[text] = PtpRationale.objects.get_or_create(text=text)[0].id
        return self.ids[text]


def _ptp_rows(headed, rationales):
    for source, rows in headed:
        for number, cells in tables.data_rows(rows):  # after the header's "*=no data", "1=allowed" … lines
            yield _ptp_row(cells, source, number, rationales)


def _ptp_row(cells, source, number, rationales):
    if len(cells) < 6:
        raise ImportFailed(f"{len(cells)} columns, expected 7 (Column 1 … PTP Edit Rationale)", source=source, line=number)
    cells = cells + [""] * (7 - len(cells))
    column1, column2, prior, effective, deletion, indicator, rationale = cells[:7]
    _check_pair(column1, column2, indicator, source, number)
    if prior not in {"", "*"}:
        raise ImportFailed(f"the 'prior to 1996' mark is {prior!r}, expected '*' or blank", source=source, line=number)
    start = tables.yyyymmdd(effective, source=source, line=number, what="effective date")
    if start is None:
        raise ImportFailed("the edit has no effective date", source=source, line=number)
    end = tables.yyyymmdd(deletion, source=source, line=number, what="deletion date")
    return (column1, column2, prior == "*", start.isoformat(), end and end.isoformat(), int(indicator),
            rationales.id_of(rationale))


def _check_pair(column1, column2, indicator, source, number):
    for what, value in (("Column 1", column1), ("Column 2", column2)):
        if not tables.CODE.fullmatch(value):
            raise ImportFailed(f"{what} {value!r} is not a 5-character code", source=source, line=number)
    if indicator not in MODIFIER_INDICATORS:
        raise ImportFailed(f"modifier indicator {indicator!r} is not 0, 1 or 9", source=source, line=number)


def _parse_derived(path, *, setting, release):
    match = _DERIVED_NAME.search(path.name)
    setting = setting or (match and {"practitioner": "practitioner", "outpatient_hospital": "hospital"}[
        match.group(1).lower()])
    if setting not in PTP_KINDS:
        raise ImportFailed("cannot tell practitioner from outpatient hospital edits by the file name "
                           "(ptp_practitioner_… or ptp_outpatient_hospital_…); give --setting", source=path.name)
    if not (release or match):
        raise ImportFailed("the file name does not say its quarter (…_2024q3_…); give --release", source=path.name)
    label, effective = tables.quarter_release(release or match.group(2))
    return tables.Parsed(
        kind=PTP_KINDS[setting], label=label, effective_date=effective,
        source=f"{path.name} (derived copy: no effective dates)", sha256=tables.file_digest(path),
        rows=_derived_rows(path, Rationales()), model=PtpEdit, columns=PTP_COLUMNS,
    )


def _derived_rows(path, rationales):
    """Streamed: a release is 2.5 million lines, read one at a time, never held whole."""
    deletions = {"*": None}  # a few thousand distinct dates, each checked once
    with tables.open_text(path) as lines:
        next(lines)
        for number, line in enumerate(lines, start=2):
            cells = line.rstrip("\r\n").split("\t")
            if len(cells) != 5:
                raise ImportFailed(f"{len(cells)} columns, expected 5 ({', '.join(DERIVED_HEADER)})",
                                   source=path.name, line=number)
            column1, column2, deletion, indicator, rationale = cells
            _check_pair(column1, column2, indicator, path.name, number)
            if deletion not in deletions:
                day = tables.yyyymmdd(deletion, source=path.name, line=number, what="deletion date")
                deletions[deletion] = day and day.isoformat()
            yield (column1, column2, None, None, deletions[deletion], int(indicator), rationales.id_of(rationale))


def parse_mue(paths, *, release=None):
    table = tables.table_member(paths, "MUE")
    rows = tables.rows_of(table)
    _, header = tables.find_header(
        rows, table.name, lambda cells: len(cells) >= 3 and re.sub(r"\s+", "", cells[0]) == "hcpcs/cptcode",
        "an NCCI MUE table (header: HCPCS/CPT Code, … MUE Values, MUE Adjudication Indicator, MUE Rationale)",
    )
    values_column = re.sub(r"\s+", " ", header[1].lower())
    setting = next((key for name, key in _MUE_SETTING.items() if values_column.startswith(name)), None)
    if setting is None or "mue values" not in values_column:
        raise ImportFailed(f"column 2 is {header[1]!r}: expected Practitioner, Outpatient Hospital or "
                           "DME Supplier Services MUE Values", source=table.name)
    label, effective = _mue_release(table.name, release)
    return tables.Parsed(
        kind=MUE_KINDS[setting], label=label, effective_date=effective, source=table.name,
        sha256=tables.digest_of([table]), rows=_mue_rows(rows, table.name),
    )


def _mue_release(name, given):
    # CMS: MCR_MUE_PractitionerServices_Eff_04-01-2026.csv; medcode's bundle: mue_practitioner_2026q2.tsv.gz
    match = re.search(r"eff_(\d\d)-\d\d-(20\d\d)", name, re.IGNORECASE)
    if match and not given:
        return tables.quarter_release(f"{match.group(2)}Q{(int(match.group(1)) - 1) // 3 + 1}")
    return tables.quarter_release(name, given)


def _mue_rows(rows, source):
    seen = set()
    for number, cells in rows:
        if len(cells) < 3:
            raise ImportFailed(f"{len(cells)} columns, expected 4", source=source, line=number)
        code, units, indicator = cells[:3]
        if not tables.CODE.fullmatch(code):
            raise ImportFailed(f"code {code!r} is not a 5-character HCPCS/CPT code", source=source, line=number)
        if code in seen:
            raise ImportFailed(f"code {code} appears twice", source=source, line=number)
        seen.add(code)
        units = tables.whole_number(units, what="MUE value", source=source, line=number, high=MUE_MAX)
        if indicator[:1] not in {"1", "2", "3"}:
            raise ImportFailed(f"adjudication indicator {indicator!r} does not start with 1, 2 or 3", source=source, line=number)
        yield MueEdit(code=code, units=units, indicator=int(indicator[0]),
                      rationale=(cells[3] if len(cells) > 3 else "")[:120])


# Answers -----------------------------------------------------------------

def ptp_releases(day):
    """{setting: release in force on day} for the settings loaded."""
    found = {}
    for setting, kind in PTP_KINDS.items():
        release = tables.release_for(kind, day)
        if release:
            found[setting] = release
    return found


def ptp_edits(release, code, *, role="column1", status="active", day=None, other=""):
    """Edits of one code in one release: as column 1 or 2, active on day / deleted / all, filtered by the other code."""
    field, other_field = ("column1", "column2") if role == "column1" else ("column2", "column1")
    edits = PtpEdit.objects.filter(release=release, **{field: code})
    if other:
        edits = edits.filter(**{f"{other_field}__startswith": other.upper()})
    if status == "active" and day:
        edits = edits.active_on(day)
    elif status == "deleted" and day:
        edits = edits.deleted_before(day)
    return edits.select_related("rationale").order_by(other_field, "-effective_date")


def mue_for(code, day):
    """[(setting, edit or None, release)] for every MUE setting loaded."""
    found = []
    for setting, kind in MUE_KINDS.items():
        release = tables.release_for(kind, day)
        if release:
            found.append((setting, MueEdit.objects.filter(release=release, code=code).first(), release))
    return found


def setting_name(setting):
    return SETTING_NAMES.get(setting, setting)


def modifier_may_bypass(modifiers):
    """The NCCI-associated modifiers on a claim line (those that may bypass an indicator-1 edit)."""
    return sorted({m.upper() for m in modifiers} & BYPASS_MODIFIERS)

