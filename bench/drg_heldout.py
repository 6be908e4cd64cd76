"""Held-out MS-DRG cases: stays a separate session wrote with the DRG each should group to, from its
knowledge of CMS's definitions, without seeing medcode or its grouper (bench/drg_cases/*.json).

    .venv/bin/python bench/drg_heldout.py [bench/drg_cases/heldout_stays.json]

Prints each case the grouper answers differently, and the share it agrees on.
"""

import json
import os
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcode.settings")

import django  # noqa: E402

django.setup()

from medcode.inpatient import grouper  # noqa: E402
from medcode.inpatient.stay import Diagnosis, Stay  # noqa: E402


def stay_of(case):
    return Stay(Diagnosis(case["principal"].replace(".", ""), "Y"),
                [Diagnosis(code.replace(".", ""), poa) for code, poa in case["secondary"]],
                list(case["procedures"]), case["age"], case["sex"], case["discharge_status"],
                date.fromisoformat(case["discharge_date"]))


def main():
    path = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("drg_cases") / "heldout_stays.json")
    cases = json.loads(path.read_text())
    agreed = 0
    for case in cases:
        result = grouper.group(stay_of(case), with_edits=False)
        if result.final.number == case["expected_drg"]:
            agreed += 1
            continue
        print(f"{case['id']}: expected {case['expected_drg']}, grouped {result.final.shown} {result.final.title} "
              f"({result.version.name}, {result.return_code}); {case['why']}")
    print(f"{agreed} of {len(cases)} agree ({agreed / len(cases):.0%})")


if __name__ == "__main__":
    main()
