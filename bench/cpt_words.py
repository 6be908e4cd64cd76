"""CPT in medcode's own words: coverage per category, the shipped file's size and the time loading it
takes, from the file and from the catalogue as loaded.

    .venv/bin/python bench/cpt_words.py [--database-url URL]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=3, help="times to reload the words (median reported)")
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from django.conf import settings

    from medcode.codes.loaders import cpt
    from medcode.codes.models import Code

    entries = cpt.words()
    contrasts = {}
    for code, entry in entries.items():
        contrasts.setdefault(cpt.category(code), []).append(bool(entry.get("contrasts")))
    print(f"{'category':<13} {'codes':>6} {'label':>6} {'keywords':>9} {'description':>12} {'contrasts':>10}")
    for name, row in sorted(cpt.coverage(entries).items(), key=lambda item: -item[1]["codes"]):
        print(f"{name:<13} {row['codes']:>6} {row['labelled']:>6} {row['keywords']:>9} {row['described']:>12} "
              f"{sum(contrasts[name]):>10}")
    path = Path(settings.MEDCODE_CODE_DATA_DIR) / cpt.WORDS_FILE
    words = sum(len((e.get("description") or "").split()) for e in entries.values())
    print(f"\n{path.name}: {path.stat().st_size / 1e6:.2f} MB compressed, {words:,} words of description")
    loaded = Code.objects.filter(system="cpt", kind="code")
    print(f"catalogue: {loaded.count():,} CPT codes, {loaded.exclude(summary='').count():,} with a description")
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        cpt.load_starter()
        timings.append(time.perf_counter() - started)
    print(f"loading the words into the catalogue: median {statistics.median(timings):.1f} s over {args.repeat} runs")


if __name__ == "__main__":
    main()
