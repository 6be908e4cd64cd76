"""`medcode claims check FILE…`: scrub 837P or CSV files of claims, or group 837I files of inpatient
stays to their MS-DRGs, from the command line."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from medcode.scrubber import batch
from medcode.scrubber.check import Scrubber
from medcode.scrubber.claim import BatchError


class Command(BaseCommand):
    help = ("Check claims: `claims check FILE…` reads X12 837P (005010X222A1) or CSV files and reports per claim; "
            "X12 837I (005010X223A2) files are grouped stay by stay to their MS-DRGs.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="check the claims of one or more files")
        check.add_argument("files", nargs="+", metavar="FILE")
        check.add_argument("--format", choices=["text", "json", "csv"], default="text",
                           help="text: a summary and each claim's findings; json or csv: the full report")
        check.add_argument("--output", "-o", help="write the report here instead of the terminal")
        check.add_argument("--quiet", action="store_true", help="text: the summary only, no findings")

    def handle(self, action, files, format="text", output=None, quiet=False, **options):
        scrubber = Scrubber()  # one for every file: what it learns of a code serves the next claim
        out = open(output, "w", encoding="utf-8", newline="") if output else self.stdout
        failed = 0
        reports = []
        try:
            for name in files:
                path = Path(name)
                try:
                    data = path.read_bytes()
                    result = batch.check_file(data, path.name, max_bytes=settings.MEDCODE_SCRUBBER_MAX_BYTES,
                                              scrubber=scrubber)
                except (OSError, BatchError) as exc:
                    failed += 1
                    self.stderr.write(f"{name}: {exc.strerror if isinstance(exc, OSError) else exc}")
                    continue  # one unreadable file does not stop the others
                reports.append(batch.as_json(result))
                self.stderr.write(self._summary(result))
                if format == "text":
                    self._text(out, reports[-1], quiet)
            if format == "json":
                out.write(json.dumps(reports if len(files) > 1 else (reports[0] if reports else {}), indent=1))
            elif format == "csv":
                for number, report in enumerate(reports):
                    text = batch.as_csv(report)
                    out.write(text if number == 0 else text.split("\n", 1)[1])
        finally:
            if output:
                out.close()
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) could not be read")

    @staticmethod
    def _summary(result):
        counts = result.summary()
        rate = counts["claims"] / result.seconds if result.seconds else 0
        line = (f"{result.name} ({result.layout}): {counts['claims']:,} claims in {result.seconds:.1f}s "
                f"({rate:,.0f}/s): {counts['deny']:,} with a denial, {counts['warn']:,} with warnings, "
                f"{counts['clean']:,} clean, {counts['unreadable']:,} unreadable")
        extra = [f"  warning: {w}" for w in result.warnings] + ([f"  stopped: {result.error}"] if result.error else [])
        return "\n".join([line, *extra])

    @staticmethod
    def _text(out, report, quiet):
        if quiet:
            return
        for claim in report["claims"]:
            drg = claim.get("grouping", {}).get("final", {}).get("drg") if claim.get("grouping") else None
            out.write(f"{claim['claim_id']}: {claim['status']}{f' MS-DRG {drg:03d}' if drg else ''}\n")
            for problem in claim["unreadable"]:
                out.write(f"  unreadable  {problem}\n")
            for f in claim["findings"]:
                where = " ".join(filter(None, [f"lines {','.join(map(str, f['lines']))}" if f["lines"] else "",
                                               " ".join(f["diagnoses"])]))
                out.write(f"  {f['severity']:<5} {f['kind']:<14} {where + ': ' if where else ''}{f['message']}\n")

