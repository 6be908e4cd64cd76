"""Checking a file of claims (X12 837P or CSV) and writing its report as JSON or CSV.

Nothing here writes the upload anywhere: it is read from memory and dropped with the request
or the command. A file-level error (a broken envelope midway) stops the reading there, keeps the
claims checked before it, and is reported with the segment and position it names.
"""

import csv
import io
import time
from dataclasses import asdict, dataclass, field

from medcode.riskadjust import encounters
from medcode.scrubber import csvfile, x12, x12i
from medcode.scrubber.check import Scrubber
from medcode.scrubber.claim import BatchError
from medcode.scrubber.stays import group_all

MAX_BYTES = 100 * 1024 * 1024


@dataclass
class BatchResult:
    name: str
    layout: str  # "X12 837P", "X12 837I" or "CSV"
    reports: list = field(default_factory=list)  # [ClaimReport], in file order
    warnings: list = field(default_factory=list)  # envelope problems that did not stop the reading
    error: str = ""  # why the reading stopped early, if it did
    seconds: float = 0.0

    def summary(self):
        counts = {"claims": len(self.reports), "clean": 0, "warn": 0, "deny": 0, "unreadable": 0,
                  "risk_adjusting": 0}
        for report in self.reports:
            counts[report.status] += 1
            risk = report.risk_adjustment
            counts["risk_adjusting"] += bool(risk and risk["counts"] and risk["hccs"])
        return counts


def layout_of(data):
    start = data.lstrip()[:4096]
    if start[:3] != b"ISA":
        return "CSV"
    # The functional group (GS08) names the implementation guide: 005010X223A2 is the 837I.
    return "X12 837I" if x12i.VERSION.encode() in start else "X12 837P"


def claims_of(data, name, max_bytes=MAX_BYTES):
    """(layout, claims iterator, warnings list filled as the claims are read)."""
    if len(data) > max_bytes:
        raise BatchError(f"{name}: {len(data):,} bytes, over the limit of {max_bytes:,}")
    layout = layout_of(data)
    if layout != "CSV":
        reader = (x12i.Reader837I if layout == "X12 837I" else x12.Reader)(data, name, max_bytes=max_bytes)
        return layout, iter(reader), reader.warnings
    return "CSV", iter(csvfile.read_csv(data, name)), []


def check_file(data, name, *, max_bytes=MAX_BYTES, scrubber=None):
    """Every claim of one file checked (an 837I's stays grouped); raises BatchError only when nothing of
    the file can be read."""
    started = time.perf_counter()
    layout, claims, warnings = claims_of(data, name, max_bytes)
    result = BatchResult(name, layout, warnings=warnings)
    inpatient = layout == "X12 837I"
    scrubber = scrubber or Scrubber()
    read = []
    try:
        for claim in claims:
            if inpatient:
                read.append(claim)  # grouped below, all together
            else:
                checked = scrubber.check(claim)
                if not checked.unreadable:
                    checked.risk_adjustment = encounters.claim(
                        claim.diagnoses, [(line.number, line.code) for line in claim.lines],
                        min((d for d in checked.days if d), default=None)).as_dict()
                result.reports.append(checked)
    except BatchError as exc:
        if not (result.reports or read):
            raise
        result.error = f"{exc} (the {len(result.reports or read):,} claims before it were checked)"
    if inpatient:
        result.reports = group_all(read)
        for stay, checked in zip(read, result.reports):
            if not checked.unreadable:
                checked.risk_adjustment = encounters.claim([d.code for d in stay.diagnoses], [],
                                                           stay.discharge_date, stay.bill_type).as_dict()
    result.seconds = time.perf_counter() - started
    return result


def as_json(result):
    return {
        "file": result.name, "layout": result.layout, "summary": result.summary(), "warnings": result.warnings,
        "error": result.error, "seconds": round(result.seconds, 3),
        "claims": [{"claim_id": r.claim_id, "status": r.status, "source": r.source,
                    "dates_of_service": [d.isoformat() for d in r.days], "releases": r.releases,
                    "unreadable": r.unreadable, "findings": [asdict(f) for f in r.findings],
                    **({"grouping": r.grouping} if r.grouping else {}),
                    **({"risk_adjustment": r.risk_adjustment} if r.risk_adjustment else {})}
                   for r in result.reports],
    }


CSV_COLUMNS = ["claim_id", "status", "severity", "kind", "lines", "diagnoses", "message", "rule", "detail", "ms_drg",
               "risk_adjustment"]


def as_csv(report):
    """A report (as_json's dict) with one row per finding; a clean claim has one row, status clean."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for claim in report["claims"]:
        drg = claim["grouping"]["final"]["drg"] if claim.get("grouping") else ""  # an 837I stay's MS-DRG
        risk = _risk_cell(claim.get("risk_adjustment"))
        rows = [[claim["claim_id"], claim["status"], "deny", "unreadable", "", "", problem, "", "", drg, risk]
                for problem in claim["unreadable"]]
        rows += [[claim["claim_id"], claim["status"], f["severity"], f["kind"], " ".join(map(str, f["lines"])),
                  " ".join(f["diagnoses"]), f["message"], f["rule"], f["detail"], drg, risk] for f in claim["findings"]]
        for row in rows or [[claim["claim_id"], claim["status"], "", "", "", "", "", "", "", drg, risk]]:
            writer.writerow([_safe_cell(cell) for cell in row])
    return out.getvalue()


def _risk_cell(risk):
    """"counts: E11.9 HCC 38; I50.20 HCC 226" or "does not count" (V28 HCCs of the claim's payment year)."""
    if not risk:
        return ""
    if risk["counts"] is None:
        return "cannot tell"
    if not risk["counts"]:
        return "does not count"
    mapped = "; ".join(f"{code} HCC {', '.join(hccs)}" for code, hccs in risk["hccs"].items())
    return f"counts: {mapped}" if mapped else "counts: no diagnosis in a V28 HCC"


def _safe_cell(value):
    """A claim id or message must not run as a formula when the report opens in a spreadsheet."""
    text = str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text
