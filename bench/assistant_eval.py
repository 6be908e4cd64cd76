"""CasePilot answers against a question file: the share fully right, and latency.

    .venv/bin/python bench/assistant_eval.py [QUESTIONS.tsv] [--database-url URL] [--misses N]

QUESTIONS.tsv: a header, then `question<TAB>facts<TAB>codes<TAB>forbidden`, the last three
"|"-separated (default: bench/questions/casepilot.tsv). An answer is right when it holds
every fact (case and spacing aside), names every code and names no forbidden code. Every
code the answer names must also be in the catalogue; the count of answers naming a code
that is not is printed too (it must be 0). Run it after `medcode load-data`.
"""

import argparse
import csv
import os
import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def normalise(text):
    return " ".join(text.lower().split())


def named(text, code):
    """Whether an answer names a code (as a whole token, dotted or not)."""
    plain = code.replace(".", "")
    pattern = rf"(?<![\w.])({re.escape(code)}|{re.escape(plain)})(?![\w])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def split(cell):
    return [part.strip() for part in (cell or "").split("|") if part.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", default=str(ROOT / "bench" / "questions" / "casepilot.tsv"))
    parser.add_argument("--database-url")
    parser.add_argument("--misses", type=int, default=0, help="print this many wrong answers")
    args = parser.parse_args()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")
    import django

    django.setup()
    from medcode.assistant import engine, guard

    with open(args.questions, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    engine.answer("warm up: what is 99213")
    right, invented, timings, misses = 0, 0, [], []
    for row in rows:
        answer = engine.answer(row["question"])
        timings.append(answer.took_ms)
        text = answer.text
        lacking = [f for f in split(row["facts"]) if normalise(f) not in normalise(text)]
        lacking += [c for c in split(row["codes"]) if not named(text, c)]
        wrong = [c for c in split(row.get("forbidden")) if named(text, c)]
        if guard.unknown_codes(text):
            invented += 1
        if not lacking and not wrong:
            right += 1
        else:
            misses.append((row["question"], lacking, wrong, text))
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    print(f"{len(rows)} questions: {right / len(rows):.3f} right ({right}), {invented} answers naming a code "
          f"not in the catalogue; latency p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms")
    for question, lacking, wrong, text in misses[: args.misses]:
        print(f"miss: {question}\n  lacking {lacking} forbidden {wrong}\n  said: {text[:400]}")


if __name__ == "__main__":
    main()
