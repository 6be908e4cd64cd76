"""Claim scrubber speed on the loaded database (run `medcode load-data` first).

    .venv/bin/python bench/claims.py [--runs 300] [--claims 10000]

1. One 10-line claim with 4 diagnoses, checked as the page and the API check it (a new Scrubber each
   time, so nothing is remembered from the claim before): p50 and p95 in ms.
2. A generated X12 837P file of --claims claims (bench/make_837.py), read and checked end to end as
   `medcode claims check` does: claims per second, median of 3 runs.
"""

import argparse
import importlib.util
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")

import django  # noqa: E402

django.setup()

from medcode.reference.models import DataRelease, PtpEdit  # noqa: E402
from medcode.scrubber import batch  # noqa: E402
from medcode.scrubber.check import Scrubber, check_claim  # noqa: E402
from medcode.scrubber.claim import Claim, ServiceLine  # noqa: E402

LINES = [("27447", ["RT"]), ("20610", ["59"]), ("99213", ["57"]), ("36415", []), ("80053", []), ("85025", []),
         ("93000", []), ("71046", []), ("73721", ["RT"]), ("J1100", [])]


def one_claim():
    return Claim("BENCH-1", diagnoses=["M1711", "E119", "I10", "Z794"], day=date(2026, 11, 2), age=67, sex="F",
                 lines=[ServiceLine(n, code, mods, 1, [1 + (n % 4)]) for n, (code, mods) in enumerate(LINES, 1)])


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--claims", type=int, default=10_000)
    args = parser.parse_args()
    ptp = DataRelease.objects.filter(kind__startswith="ptp").count()
    print(f"PTP releases loaded: {ptp}, PTP edits: {PtpEdit.objects.count():,}")
    check_claim(one_claim())  # first use opens the MCE's database
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        report = check_claim(one_claim())
        timings.append((time.perf_counter() - started) * 1000)
    print(f"one 10-line claim, 4 diagnoses ({len(report.findings)} findings), new scrubber each time, "
          f"{args.runs} runs: p50 {statistics.median(timings):.2f} ms, p95 {percentile(timings, 0.95):.2f} ms")
    spec = importlib.util.spec_from_file_location("make_837", Path(__file__).with_name("make_837.py"))
    make_837 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_837)
    data = make_837.generate(args.claims, seed=7)
    rates = []
    for _ in range(3):
        started = time.perf_counter()
        result = batch.check_file(data, "bench.837", scrubber=Scrubber())
        rates.append(len(result.reports) / (time.perf_counter() - started))
    summary = result.summary()
    print(f"{args.claims:,}-claim 837P ({len(data) / 1e6:.1f} MB) end to end: median {statistics.median(rates):,.0f} "
          f"claims/s (runs: {', '.join(f'{r:,.0f}' for r in rates)}); {summary['deny']:,} with a denial, "
          f"{summary['warn']:,} warnings only, {summary['clean']:,} clean")


if __name__ == "__main__":
    main()
