"""Search latency: p50 and p95 over 1,000 mixed queries, lexical only and hybrid.

    .venv/bin/python bench/search_speed.py [--database-url URL] [--queries N] [--file QUERIES.tsv]

The mix is what the box receives: plain-language queries from the query file (with
every fifth one misspelt), exact codes in the forms coders type them, prefixes and
ranges. Run it on a database after `medcode load-data` (the full catalogue and its
index; hybrid needs the `semantic` extra). Timings are in-process, without HTTP.
"""

import argparse
import csv
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def mixed_queries(count, query_file, seed=7):
    from medcode.codes.models import Code

    rng = random.Random(seed)
    with open(query_file, encoding="utf-8") as handle:
        words = [row["query"] for row in csv.DictReader(handle, delimiter="\t")]
    codes = list(Code.objects.filter(kind="code").order_by("?").values_list("system", "code")[:400])
    queries = []
    while len(queries) < count:
        roll = rng.random()
        if roll < 0.6:
            text = rng.choice(words)
            if rng.random() < 0.2 and len(text) > 5:  # a typo: two letters swapped
                i = rng.randrange(1, len(text) - 2)
                text = text[:i] + text[i + 1] + text[i] + text[i + 2:]
            queries.append(("words", text))
        elif roll < 0.8:
            system, code = rng.choice(codes)
            typed = f"{code[:3]}.{code[3:]}" if system == "icd10cm" and len(code) > 3 else code
            queries.append(("code", typed.lower() if rng.random() < 0.5 else typed))
        elif roll < 0.93:
            _, code = rng.choice(codes)
            queries.append(("prefix", code[: rng.randint(3, max(3, len(code) - 1))]))
        else:
            start = rng.randint(10000, 99000)
            queries.append(("range", f"{start}-{start + rng.randint(1, 40)}"))
    return queries


def measure(queries, semantic):
    from medcode.search import engine

    engine.search("warm up the caches and the model", semantic_search=semantic)
    timings = {}
    modes = set()
    for kind, text in queries:
        started = time.perf_counter()
        results = engine.search(text, semantic_search=semantic)
        timings.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        modes.add(results.mode)
    return timings, modes


def report(label, timings, modes):
    every = [t for values in timings.values() for t in values]
    print(f"{label}: {len(every)} queries, modes seen: {', '.join(sorted(modes))}")
    for kind, values in sorted(timings.items()) + [("all", every)]:
        values = sorted(values)
        p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
        print(f"  {kind:<7} n={len(values):>4}  p50 {statistics.median(values):7.1f} ms  p95 {p95:7.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--file", default=str(ROOT / "bench" / "queries" / "case2code.tsv"))
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from medcode.search import semantic

    queries = mixed_queries(args.queries, args.file)
    report("lexical", *measure(queries, semantic=False))
    reason = semantic.unavailable_reason()
    if reason:
        print(f"hybrid: not measured: {reason}")
    else:
        report("hybrid", *measure(queries, semantic=True))


if __name__ == "__main__":
    main()
