"""What an auditor runs next to a score: the score without each diagnosis, and with a neighbouring code
that maps to a different HCC (what the record would have to support).

The neighbours of a code are the codes beside it under its parent (N18.30: N18.31, N18.32); a code with
a three-character parent (E11.9) has its whole category. One example code stands for each different
HCC outcome, in code order, so the list reads like the tabular and does not push the richest code.
"""

import functools
from dataclasses import dataclass

from medcode.codes import systems
from medcode.riskadjust import scoring, tables

MOST_ALTERNATIVES = 5  # per diagnosis


@dataclass
class WhatIf:
    kind: str  # "without" or "instead"
    code: str  # shown form
    replacement: str  # shown form, for "instead"
    hccs: list  # the replacement's HCCs, with labels
    score: float
    change: float

    @property
    def words(self):
        if self.kind == "without":
            return f"Without {self.code}"
        return f"{self.replacement} instead of {self.code}"


def what_ifs(found):
    """found: a scoring.Score. Each row changes one diagnosis and scores the member again."""
    if found.demographic_only:  # a new enrollee's diagnoses do not move the score
        return []
    codes = [line.code for line in found.diagnoses]
    model, year, member = found.model, found.year, found.member
    rows = []
    for code in codes:
        others = [c for c in codes if c != code]
        if len(codes) > 1 or found.diagnoses[0].hccs:
            value = scoring.raw_score(others, member, model.key, year.year)
            rows.append(WhatIf("without", _shown(code), "", [], value, round(value - found.raw, 3)))
        own = frozenset(tables.hccs_of(year, model, code))
        shown = 0
        for alternative, hccs in _alternatives(year.mapping, model.name, _parent(code)):
            if alternative == code or hccs == own or shown == MOST_ALTERNATIVES:
                continue
            value = scoring.raw_score([*others, alternative], member, model.key, year.year)
            labelled = [(h, tables.label(model, h)) for h in sorted(hccs, key=int)]
            rows.append(WhatIf("instead", _shown(code), _shown(alternative), labelled, value, round(value - found.raw, 3)))
            shown += 1
    return rows


def _parent(code):
    return code[:-1] if len(code) >= 5 else code[:3]


def _shown(code):
    return systems.display(systems.ICD10CM, code)


@functools.cache
def _by_parent(file, model_name):
    """parent -> [(code, HCC set)] in code order, one example code (the first) per distinct HCC set."""
    parents = {}
    for (code, name), hccs in sorted(tables.mapping(file).items()):
        if name == model_name:
            for parent in {code[:3], code[:-1]}:
                parents.setdefault(parent, {}).setdefault(frozenset(hccs), code)
    return {parent: sorted(((code, hccs) for hccs, code in seen.items())) for parent, seen in parents.items()}


def _alternatives(file, model_name, parent):
    return _by_parent(file, model_name).get(parent, [])
