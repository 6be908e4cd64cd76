"""CMS-HCC risk score speed (riskadjust/): the calculator's work for one member, and a batch of members.

    .venv/bin/python bench/hcc.py [--runs 500] [--members 100000]

1. One member scored as the calculator page and the API do: CMS-HCC V28 and V24 side by side, with the
   blend and every what-if (without each diagnosis, each neighbouring code): p50 and p95 in ms, for the
   issue's four-diagnosis case and a twelve-diagnosis member. Target: p95 < 20 ms.
2. --members synthetic members (2 to 12 diagnoses each, drawn from the V28 mapping and from codes that map
   to nothing; ages 65-99, either sex, a quarter dual) scored under V28 alone, as a batch would: members
   per second, median of 3 runs (target >= 5,000/s on 2 cores).
No database is needed.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")

import django  # noqa: E402

django.setup()

from medcode.riskadjust import calculator, scoring, tables  # noqa: E402
from medcode.riskadjust.member import Member  # noqa: E402

ISSUE_CASE = ["E119", "I10", "N1830", "I5020"]
LARGE = ["E1122", "N184", "I5022", "J449", "I480", "F329", "E6601", "G309", "I10", "E785", "M179", "K219"]
UNMAPPED = ["I10", "E785", "K219", "M179", "Z0000", "R69", "J069", "M545", "E039", "N400"]


def timed(function, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def one_member(runs):
    woman = Member(67, "F")
    calculator.calculate(ISSUE_CASE, woman)  # tables loaded once, as a running server has them
    for name, codes in (("issue case, 4 diagnoses", ISSUE_CASE), ("12 diagnoses", LARGE)):
        p50, p95 = timed(lambda c=codes: calculator.calculate(c, woman, "CMS-HCC", 2026), runs)
        print(f"one member, V28 + V24 with blend and what-ifs ({name}): p50 {p50:.2f} ms, p95 {p95:.2f} ms")


def synthetic_members(count, seed=7):
    mapped = sorted({code for code, name in tables.mapping(tables.YEAR[2026].mapping) if name == "CMS-HCC Model V28"})
    pick = random.Random(seed)
    members = []
    for _ in range(count):
        codes = pick.sample(mapped, pick.randint(1, 6)) + pick.sample(UNMAPPED, pick.randint(1, 6))
        who = Member(pick.randint(65, 99), pick.choice("FM"), dual=pick.choice(["00", "00", "00", "02"]))
        members.append((codes, who))
    return members


def batch(count):
    members = synthetic_members(count)
    rates = []
    for _ in range(3):
        started = time.perf_counter()
        total = sum(scoring.raw_score(codes, who, "V28", 2026) for codes, who in members)
        rates.append(count / (time.perf_counter() - started))
    print(f"batch of {count:,} members, V28 score each: {statistics.median(rates):,.0f} members/s "
          f"(median of 3; mean score {total / count:.3f})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--members", type=int, default=100_000)
    args = parser.parse_args()
    print(f"{tables.package()}")
    one_member(args.runs)
    batch(args.members)


if __name__ == "__main__":
    main()
