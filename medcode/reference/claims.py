"""Claim line check: the lines of one date of service against NCCI, MUE, add-on and global-period rules.

Everything is answered from the releases in force on the date of service, with a
handful of queries per claim whatever its length.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from medcode.codes import systems
from medcode.codes.models import Code
from medcode.reference import fees, freshness, modifiers, ncci, tables
from medcode.reference.models import (
    EVALUATION_AND_MANAGEMENT, AddonEdit, DataRelease, FeeScheduleRow, MueEdit, PtpEdit, bypass_modifiers,
)

MAX_LINES = 50
MAX_UNITS = 9999
SETTINGS = {"practitioner": "Practitioner (professional claim)", "hospital": "Outpatient hospital (facility claim)"}
_E_M = EVALUATION_AND_MANAGEMENT
_TOKEN = re.compile(r"[\s,;]+")
E_M_MODIFIERS = {"24", "25", "57"}


class ClaimError(ValueError):
    """Input the check cannot read; the message says which line and why."""


@dataclass
class Line:
    number: int
    code: str
    units: int = 1
    modifiers: list = field(default_factory=list)

    def __str__(self):
        mods = "-".join(self.modifiers)
        return f"{self.code}{'-' + mods if mods else ''} x{self.units}"


@dataclass
class Finding:
    kind: str  # ptp, mue, addon, global, status, unknown, modifier
    severity: str  # deny, warn, ok, info
    lines: list
    message: str
    detail: str = ""


@dataclass
class Result:
    lines: list
    setting: str
    day: date
    findings: list
    releases: dict  # what answered: {"NCCI PTP": release or None, …}

    @property
    def denials(self):
        return [f for f in self.findings if f.severity == "deny"]

    @property
    def clean(self):
        return not any(f.severity in {"deny", "warn"} for f in self.findings)


def parse_lines(text):
    """Lines written as coders write them: `20700`, `11043 2`, `64483-50 x1`, `97110 3 GP 59`, `99213 25`.

    Modifiers follow the code after hyphens or as separate tokens. A bare number is the units
    unless it is a two-digit modifier medcode knows (`99213 25` is modifier 25); `x50` is always
    50 units. The result page shows how each line was read.
    """
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        raw = raw.strip()
        if not raw or raw.startswith("#"):
            continue
        tokens = [t for t in _TOKEN.split(raw.upper()) if t]
        head = tokens.pop(0)
        code, *mods = head.split("-")
        units = None
        for token in tokens:
            counted = token[:1] == "X" and token[1:].isdigit()
            value = token[1:] if counted else token
            if counted or (value.isdigit() and len(value) <= 4 and units is None and value not in modifiers.guide()):
                if units is not None:
                    raise ClaimError(f"line {number}: two unit counts ({units} and {value}).")
                units = int(value)
            else:
                mods.append(token)
        lines.append(make_line(len(lines) + 1, code, 1 if units is None else units, mods, where=f"line {number}"))
    if not lines:
        raise ClaimError("Enter at least one code, one per line (code, units, modifiers).")
    if len(lines) > MAX_LINES:
        raise ClaimError(f"A claim check takes at most {MAX_LINES} lines; this one has {len(lines)}.")
    return lines


def parse_code_list(text, *, limit=20):
    """`27130-50, 99213, 71046 26` (the fee calculator's codes): one unit each."""
    lines = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        tokens = [t for t in re.split(r"[-\s]+", item.upper()) if t]
        if not tokens:
            raise ClaimError(f"code {len(lines) + 1}: {item[:12]!r} holds no code.")
        code, *mods = tokens
        lines.append(make_line(len(lines) + 1, code, 1, mods, where=f"code {len(lines) + 1}"))
    if not lines:
        raise ClaimError("Enter at least one code.")
    if len(lines) > limit:
        raise ClaimError(f"At most {limit} codes at once.")
    return lines


def known_codes(lines):
    """The catalogue's CPT and HCPCS codes the lines name: what a tool run shows facts of (and meters)."""
    return list(Code.objects.filter(system__in=[systems.CPT, systems.HCPCS], code__in={line.code for line in lines}))


def make_line(number, code, units, modifiers, where=None):
    where = where or f"line {number}"
    code = (code or "").strip().upper().replace(".", "")
    if not re.fullmatch(r"[0-9A-Z]{5}", code):
        raise ClaimError(f"{where}: {code[:12]!r} is not a CPT or HCPCS code (5 letters or digits).")
    if not isinstance(units, int) or not 1 <= units <= MAX_UNITS:
        raise ClaimError(f"{where}: units must be a whole number from 1 to {MAX_UNITS}.")
    cleaned = []
    for modifier in modifiers:
        modifier = str(modifier).strip().upper()
        if not re.fullmatch(r"[0-9A-Z]{2}", modifier):
            raise ClaimError(f"{where}: {modifier[:12]!r} is not a modifier (two letters or digits).")
        if modifier not in cleaned:
            cleaned.append(modifier)
    if len(cleaned) > 4:
        raise ClaimError(f"{where}: a claim line carries at most 4 modifiers.")
    return Line(number, code, units, cleaned)


class Lookups:
    """What the check reads per code of one release (fee rows, MUEs, add-on edits, whether the code is
    known), kept across claims: a file of claims names the same few hundred codes thousands of times.
    A single check uses a fresh one."""

    def __init__(self):
        self._rows = {}

    def per_code(self, name, release, codes, read):
        """{code: value} for codes, reading only those not seen yet for this (name, release)."""
        seen = self._rows.setdefault((name, release and release.pk), {})
        missing = [code for code in codes if code not in seen]
        if missing:
            found = read(missing)
            for code in missing:
                seen[code] = found.get(code)
        return {code: seen[code] for code in codes if seen[code] is not None}

    def ptp_pairs(self, release, codes):
        """The PTP edits (whatever their dates) between any two of codes. A claim whose every pair was
        asked about before costs no query; otherwise one query answers all its pairs."""
        pairs = self._rows.setdefault(("ptp", release.pk), {})
        wanted = [(a, b) for a in codes for b in codes if a != b]
        if any(pair not in pairs for pair in wanted):
            for pair in wanted:
                pairs[pair] = []
            for edit in PtpEdit.objects.filter(release=release, column1__in=codes, column2__in=codes) \
                    .select_related("rationale").order_by():  # no sort: the pairs are keyed below
                if edit.column1 != edit.column2:
                    pairs[edit.column1, edit.column2].append(edit)
        return [edit for pair in wanted for edit in pairs[pair]]


def check(lines, *, setting="practitioner", day=None, lookups=None):
    if setting not in SETTINGS:
        raise ClaimError(f"setting must be one of {', '.join(SETTINGS)}")
    day = day or date.today()
    lookups = lookups or Lookups()
    codes = sorted({line.code for line in lines})
    ptp_release = tables.release_for(ncci.PTP_KINDS[setting], day)
    mue_release = tables.release_for(ncci.MUE_KINDS[setting], day)
    addon_release = tables.release_for(DataRelease.Kind.ADDON, day)
    rvu_release = tables.release_for(DataRelease.Kind.RVU, day)
    fee_rows = lookups.per_code("fees", rvu_release, codes, lambda missing: {
        # Only the indicators the checks read: a whole row is 30 decimals and flags, slow to build.
        r.code: r for r in FeeScheduleRow.objects.filter(release=rvu_release, code__in=missing, modifier="")
        .only("code", "status", "global_days", "bilateral", "pctc")
    }) if rvu_release else {}
    mue_edits = lookups.per_code("mue", mue_release, codes, lambda missing: {
        e.code: e for e in MueEdit.objects.filter(release=mue_release, code__in=missing)
    }) if mue_release else {}
    findings = []
    known = lookups.per_code("known", None, [c for c in codes if c not in fee_rows and c not in mue_edits], _known)
    findings += _unknown(lines, codes, {*known, *fee_rows, *mue_edits})
    findings += _ptp(lines, codes, ptp_release, day, lookups)
    findings += _mue(lines, mue_edits, mue_release)
    findings += _addons(lines, codes, addon_release, day, lookups)
    findings += _global_and_status(lines, fee_rows)
    releases = {"NCCI PTP edits": ptp_release, "MUE": mue_release, "Add-on code edits": addon_release,
                "Fee schedule": rvu_release}
    for name, release in releases.items():
        if release is None:
            continue
        if release.effective_date > day:
            findings.append(Finding("release", "warn", [], f"No {name} release loaded covers {day:%b %-d, %Y}: "
                                    f"answered from {release.label}, which took effect {release.effective_date:%b %-d, %Y}."))
            continue
        age = freshness.of_release(release, day)
        if age.stale:
            findings.append(Finding("release", "info", [], age.message))
    order = {"deny": 0, "warn": 1, "info": 2, "ok": 3}
    findings.sort(key=lambda f: (order[f.severity], f.lines))
    return Result(lines, setting, day, findings, releases)


def _known(codes):
    """{code: True} for the codes in the catalogue as CPT/HCPCS (those with a fee row or MUE are known already)."""
    return dict.fromkeys(Code.objects.filter(system__in=[systems.CPT, systems.HCPCS], code__in=codes)
                         .values_list("code", flat=True), True)


def _by_code(lines):
    found = {}
    for line in lines:
        found.setdefault(line.code, []).append(line)
    return found


def _unknown(lines, codes, known):
    return [
        Finding("unknown", "warn", [line.number for line in lines if line.code == code],
                f"{code} is not a code medcode knows: check it for a typo.")
        for code in codes if code not in known
    ]


def _ptp(lines, codes, release, day, lookups):
    if release is None:
        return [Finding("ptp", "info", [], "NCCI procedure-to-procedure edits are not loaded: code pairs were not checked.")]
    by_code = _by_code(lines)
    edits = [edit for edit in lookups.ptp_pairs(release, codes) if edit.active_on(day)]
    found = []
    for edit in edits:
        if edit.column1 == edit.column2 or edit.modifier_indicator == 9:
            continue
        first, second = by_code[edit.column1], by_code[edit.column2]
        bypass = sorted({m for line in first + second for m in _bypassing(line)})
        numbers = sorted({line.number for line in first + second})
        pair = f"{edit.column1} (column 1) with {edit.column2} (column 2)"
        since = f"effective {edit.effective_date:%Y-%m-%d}" if edit.effective_date else "effective date not given"
        detail = f"{edit.rationale}. Edit {since}, release {release.label}."
        if edit.modifier_indicator == 1 and bypass:
            found.append(Finding("ptp", "ok", numbers, f"{pair}: bypassed by modifier {', '.join(bypass)}; "
                                 f"both may be paid if the record shows a distinct service.", detail))
        elif edit.modifier_indicator == 1:
            found.append(Finding("ptp", "deny", numbers, f"{pair}: {edit.column2} is denied. Modifier indicator 1: "
                                 f"modifier {bypass_modifiers(edit.column2)} on {edit.column2} may bypass the edit "
                                 f"when the documentation supports a distinct service.", detail))
        else:
            found.append(Finding("ptp", "deny", numbers, f"{pair}: {edit.column2} is denied. Modifier indicator 0: "
                                 f"no modifier bypasses this edit.", detail))
    return found


def _bypassing(line):
    """The NCCI-associated modifiers on a line that can bypass an edit: E/M modifiers (24, 25, 57)
    only on an E/M code, 59, X{EPSU} and anatomic modifiers only on a code that is not E/M."""
    usable = ncci.modifier_may_bypass(line.modifiers)
    if _E_M.fullmatch(line.code):
        return [m for m in usable if m in E_M_MODIFIERS]
    return [m for m in usable if m not in E_M_MODIFIERS]


def _mue(lines, edits, release):
    if release is None:
        return [Finding("mue", "info", [], "MUE tables are not loaded: units were not checked.")]
    found = []
    by_code = _by_code(lines)
    for edit in edits.values():
        these = by_code[edit.code]
        meaning = MueEdit.INDICATOR_MEANINGS[edit.indicator]
        if edit.indicator == 1:
            for line in these:
                if line.units > edit.units:
                    found.append(Finding("mue", "deny", [line.number],
                                         f"{edit.code}: {line.units} units on one line, above the MUE of {edit.units}. "
                                         "The whole line is denied.", f"MAI 1: {meaning}. {edit.rationale}"))
        else:
            total = sum(line.units for line in these)
            if total > edit.units:
                appeal = " It may be paid on appeal with documentation." if edit.indicator == 3 else \
                    " No appeal changes it."
                found.append(Finding("mue", "deny", [line.number for line in these],
                                     f"{edit.code}: {total} units on the day, above the MUE of {edit.units}. "
                                     f"Every line of {edit.code} that day is denied.{appeal}",
                                     f"MAI {edit.indicator}: {meaning}. {edit.rationale}"))
    return found


def _addons(lines, codes, release, day, lookups):
    if release is None:
        return [Finding("addon", "info", [], "NCCI add-on code edits are not loaded: add-on codes were not checked.")]
    every = lookups.per_code("addon", release, codes, lambda missing: _group(
        AddonEdit.objects.filter(release=release, addon_code__in=missing), "addon_code"))
    by_addon = {code: [e for e in edits if e.active_on(day)] for code, edits in every.items()}
    by_addon = {code: edits for code, edits in by_addon.items() if edits}
    by_code, present = _by_code(lines), set(codes)
    found = []
    for addon, rows in sorted(by_addon.items()):
        numbers = [line.number for line in by_code[addon]]
        listed = {e.primary_code for e in rows if e.primary_code != AddonEdit.CONTRACTOR_DEFINED}
        on_claim = sorted(listed & present)
        types = {e.edit_type for e in rows}
        if on_claim:
            found.append(Finding("addon", "ok", numbers, f"{addon} is an add-on code; its primary {', '.join(on_claim)} is on the claim."))
        elif types == {2}:
            found.append(Finding("addon", "info", numbers, f"{addon} is an add-on code whose primary codes the "
                                 "Medicare contractor defines: check the contractor's list."))
        elif 1 in types and 3 not in types:
            found.append(Finding("addon", "deny", numbers, f"{addon} is an add-on code reported without an eligible "
                                 f"primary code: it is denied. Eligible primaries: {_sample(listed)}."))
        else:
            found.append(Finding("addon", "warn", numbers, f"{addon} is an add-on code and none of its listed primary "
                                 f"codes is on the claim ({_sample(listed)}); the contractor may accept another primary."))
    return found


def _group(rows, attribute):
    grouped = {}
    for row in rows:
        grouped.setdefault(getattr(row, attribute), []).append(row)
    return grouped


def _sample(codes, limit=12):
    codes = sorted(codes)
    return ", ".join(codes[:limit]) + (f" and {len(codes) - limit} more" if len(codes) > limit else "")


def _global_and_status(lines, fee_rows):
    found, packages = [], {}  # (E/M line, modifier it lacks) -> the procedures whose package holds it
    e_m = [line for line in lines if _E_M.fullmatch(line.code)]
    for line in lines:
        row = fee_rows.get(line.code)
        if row is None:
            continue
        if row.status == "X":  # labs, ambulance, drugs: paid, but under another fee schedule
            found.append(Finding("status", "info", [line.number], f"{line.code}: status X, not paid under the "
                                 "physician fee schedule (another Medicare fee schedule pays it)."))
        elif row.status == "T" and any(fee_rows.get(other.code) and fee_rows[other.code].status in fees.PAID_STATUSES
                                       for other in lines if other.code != line.code):
            found.append(Finding("status", "warn", [line.number], f"{line.code}: status T, paid only when no other "
                                 "fee schedule service is billed that day, and this claim has another."))
        elif row.status not in fees.PAID_STATUSES and row.status not in {"C", "T"}:
            found.append(Finding("status", "warn", [line.number],
                                 f"{line.code}: fee schedule status {row.status}, {fees.STATUS.get(row.status, '')}."))
        if row.global_days in {"000", "010", "090"}:
            needed = "57" if row.global_days == "090" else "25"
            for visit in e_m:
                if needed not in visit.modifiers:
                    packages.setdefault((visit.number, needed), []).append((line, row.global_days))
        if row.global_days == "ZZZ" and not any(other.code != line.code for other in lines):
            found.append(Finding("global", "warn", [line.number], f"{line.code} has global period ZZZ: it is paid "
                                 "only within another service's global package, and it is alone on this claim."))
        if "50" in line.modifiers and row.bilateral in {"0", "2", "9"}:
            found.append(Finding("modifier", "warn", [line.number], f"{line.code}-50: {fees.BILATERAL[row.bilateral]}."))
        allowed = {"1": {"26", "TC"}, "6": {"26"}}.get(row.pctc, set())
        for modifier in sorted({"26", "TC"} & set(line.modifiers) - allowed):
            found.append(Finding("modifier", "warn", [line.number], f"{line.code}: modifier {modifier} does not "
                                 f"apply. {fees.PCTC.get(row.pctc, '')}."))
    visits = {line.number: line for line in e_m}
    for (number, needed), procedures in packages.items():
        why = "the visit where the decision for major surgery was made" if needed == "57" \
            else "a significant, separately identifiable visit"
        names = ", ".join(f"{line.code} (global {days})" for line, days in procedures)
        found.append(Finding("global", "warn", sorted({number, *(line.number for line, _ in procedures)}),
                             f"{visits[number].code} with {names}: an E/M service the same day is part of the "
                             f"procedure's global package unless it carries modifier {needed} ({why}).",
                             fees.GLOBAL_DAYS[procedures[0][1]]))
    return found
