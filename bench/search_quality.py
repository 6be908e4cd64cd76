"""Search quality on a query file: recall@1, @5, @10 and MRR, overall and per code set.

    .venv/bin/python bench/search_quality.py [QUERIES.tsv] [--database-url URL] [--build]

QUERIES.tsv: a header, then `query<TAB>system<TAB>expected codes separated by |`
(default: bench/queries/case2code.tsv). `system` may be empty: the query then searches
every code set. `--mode lexical` leaves the semantic half out.
"""

import argparse
import csv
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("queries", nargs="?", default=str(ROOT / "bench" / "queries" / "case2code.tsv"))
    parser.add_argument("--database-url")
    parser.add_argument("--build", action="store_true", help="rebuild the search index first")
    parser.add_argument("--misses", type=int, default=0, help="print this many misses")
    parser.add_argument("--mode", choices=["hybrid", "lexical"], default="hybrid")
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from medcode.codes import systems
    from medcode.search import engine

    if args.build:
        engine.build_index(print)
    with open(args.queries, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    by_system, misses, modes = {}, [], set()
    for row in rows:
        expected = {code.strip().upper() for code in row["expected"].split("|") if code.strip()}
        system = systems.get(row.get("system") or "")
        results = engine.search(row["query"], system.key if system else None, limit=10,
                                semantic_search=args.mode == "hybrid")
        modes.add(results.mode)
        found = [hit.code.display_code.upper() for hit in results.hits]
        rank = next((i for i, code in enumerate(found, 1) if code in expected), None)
        by_system.setdefault(row["system"], []).append(rank)
        if rank is None or rank > 5:
            misses.append((row["query"], row["system"], row["expected"], found[:3]))
    print(f"{len(rows)} queries from {args.queries}; search mode: {', '.join(sorted(modes))}")
    print(f"{'set':<12} {'n':>4} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR':>6}")
    every = []
    for name, ranks in sorted(by_system.items()) + [("all", None)]:
        ranks = ranks if ranks is not None else every
        if name != "all":
            every.extend(ranks)
        recall = lambda k: sum(1 for r in ranks if r and r <= k) / len(ranks)  # noqa: E731
        mrr = statistics.fmean(1 / r if r else 0 for r in ranks)
        print(f"{name:<12} {len(ranks):>4} {recall(1):>6.3f} {recall(5):>6.3f} {recall(10):>6.3f} {mrr:>6.3f}")
    for miss in misses[:args.misses]:
        print("miss:", *miss, sep="  ")


if __name__ == "__main__":
    main()
