"""ICD-10-PCS tables (CMS XML) to code records.

Every valid code is the cartesian product of the axis values of one table
row. The tables carry no official long titles (those are in the CMS order
file), so a code's title is composed from its seven axis labels.
"""

import itertools
from datetime import date
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings

from medcode.codes import systems
from medcode.codes.loaders.base import CodeRecord, ImportFailed, ParsedRelease, read_bytes, read_xml
from medcode.codes.models import Code

AXIS_NAMES = {1: "Section", 2: "Body System", 3: "Operation"}


def bundled_tables():
    """The bundled table files, oldest first, so history builds up in order."""
    return sorted(Path(settings.MEDCODE_CODE_DATA_DIR).glob("icd10pcs_tables_*.xml*"))


def _labels(axis, path):
    labels = [(label.get("code") or "", (label.text or "").strip()) for label in axis.findall("label")]
    if not labels or any(len(code) != 1 for code, _ in labels):
        raise ImportFailed(f"axis {axis.get('pos')} has a missing or malformed label", source=path)
    return labels


def compose_title(labels):
    """'Resection of Appendix, Percutaneous Endoscopic Approach' style title from axis labels."""
    section, body_system, operation, body_part, approach, device, qualifier = labels
    title = f"{operation} of {body_part}, {approach} Approach"
    if device and not device.startswith("No "):
        title += f", {device}"
    if qualifier and not qualifier.startswith("No "):
        title += f", {qualifier}"
    return title


def parse(path, *, version=None, effective_date=None):
    root, digest, year = read_xml(path, "ICD10PCS.tabular", "an ICD-10-PCS tables file")

    groups, codes = {}, []
    for number, table in enumerate(root.findall("pcsTable"), start=1):
        head = {int(axis.get("pos", 0)): axis for axis in table.findall("axis")}
        if set(head) != {1, 2, 3}:
            raise ImportFailed(f"table {number} lacks its section, body system or operation axis", source=path)
        (s_code, s_label), = _labels(head[1], path)[:1]
        (b_code, b_label), = _labels(head[2], path)[:1]
        (o_code, o_label), = _labels(head[3], path)[:1]
        definition = (head[3].findtext("definition") or "").strip()
        prefix = s_code + b_code + o_code
        groups.setdefault(s_code, CodeRecord(code=s_code, kind=Code.Kind.SECTION, title=s_label))
        groups.setdefault(s_code + b_code, CodeRecord(
            code=s_code + b_code, kind=Code.Kind.BODY_SYSTEM, title=b_label, parent=s_code,
        ))
        groups[prefix] = CodeRecord(
            code=prefix, kind=Code.Kind.TABLE, title=o_label, parent=s_code + b_code,
            extra={"definition": definition} if definition else {},
        )
        rows = table.findall("pcsRow")
        if not rows:
            raise ImportFailed(f"table {prefix} has no rows (truncated file?)", source=path)
        for row in rows:
            axes = {int(axis.get("pos", 0)): axis for axis in row.findall("axis")}
            if set(axes) != {4, 5, 6, 7}:
                raise ImportFailed(f"a row of table {prefix} lacks one of axes 4-7", source=path)
            titles = [(axes[pos].findtext("title") or "").strip() for pos in (4, 5, 6, 7)]
            choices = [_labels(axes[pos], path) for pos in (4, 5, 6, 7)]
            for combo in itertools.product(*choices):
                code = prefix + "".join(c for c, _ in combo)
                labels = [s_label, b_label, o_label, *(label for _, label in combo)]
                axis_rows = [
                    [1, "Section", s_code, s_label], [2, "Body System", b_code, b_label],
                    [3, "Operation", o_code, o_label],
                    *([pos, titles[i], c, label] for i, (pos, (c, label)) in enumerate(zip((4, 5, 6, 7), combo))),
                ]
                codes.append(CodeRecord(
                    code=code, kind=Code.Kind.CODE, title=compose_title(labels), parent=prefix,
                    billable=True, extra={"axes": axis_rows},
                ))
    if not codes:
        raise ImportFailed("the file holds no tables (truncated file?)", source=path)
    seen = set()
    for record in codes:
        if record.code in seen:
            raise ImportFailed(f"code {record.code} is produced by two table rows", source=path)
        seen.add(record.code)
    # Browse order: each group immediately before its members.
    records = sorted([*groups.values(), *codes], key=lambda r: (r.code[:3], len(r.code) > 3, r.code))
    return ParsedRelease(
        system=systems.ICD10PCS, version=version or f"FY{year}",
        effective_date=effective_date or date(int(year) - 1, 10, 1),
        source=Path(path).name, sha256=digest, records=records,
    )


@lru_cache(maxsize=1)
def definitions():
    """{(section, axis position, term title): {definition, explanation, includes}}.

    Read from the bundled CMS definitions file: the plain-language description
    of a PCS code explains its operation and approach with these.
    """
    found = sorted(Path(settings.MEDCODE_CODE_DATA_DIR).glob("icd10pcs_definitions_*.xml*"))
    if not found:
        return {}
    raw, _ = read_bytes(found[-1])
    root = ElementTree.fromstring(raw)
    terms = {}
    for section in root.findall("section"):
        for axis in section.findall("axis"):
            for term in axis.findall("terms"):
                title = (term.findtext("title") or "").strip()
                terms[(section.get("code"), int(axis.get("pos")), title.lower())] = {
                    key: (term.findtext(key) or "").strip()
                    for key in ("definition", "explanation", "includes")
                }
    return terms
