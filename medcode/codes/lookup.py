"""Finding codes: by any written form, their family, and near misses."""

from medcode.codes import systems
from medcode.codes.models import Code


def find(raw, system=None):
    """The code a user meant, in whichever set has it; None if no set does.

    `raw` may carry dots, blanks or lower case; ranges (`A00-A09`) and chapter
    numbers are looked up as written.
    """
    text = (raw or "").strip()
    if not text or len(text) > 24:
        return None
    wanted = [systems.get(system).key] if system and systems.get(system) else None
    code = systems.normalize(text) if "-" not in text else text.upper().replace(" ", "")
    candidates = wanted or systems.candidate_systems(text) or list(systems.ORDER)
    found = {c.system: c for c in Code.objects.filter(system__in=candidates, code=code)}
    for key in candidates:
        if key in found:
            return found[key]
    return None


def ancestors(code):
    """The hierarchy above a code, root first."""
    path = code.ancestor_codes
    if not path:
        return []
    by_code = {c.code: c for c in Code.objects.filter(system=code.system, code__in=path)}
    return [by_code[c] for c in path if c in by_code]


def children(code):
    return Code.objects.filter(system=code.system, parent=code.code).order_by("seq")


def roots(system):
    return Code.objects.filter(system=system, depth=0).order_by("seq")


def siblings(code, limit=5):
    """Codes right before and after this one in the code set's order."""
    base = Code.objects.filter(system=code.system, parent=code.parent)
    before = list(base.filter(seq__lt=code.seq).order_by("-seq")[:limit])[::-1]
    after = list(base.filter(seq__gt=code.seq).order_by("seq")[:limit])
    return before, after


def near(raw, system=None, limit=8):
    """Codes that look like a code we do not have: its longest known prefix, and neighbours."""
    code = systems.normalize(raw)[:24]
    if not code:
        return []
    keys = [systems.get(system).key] if system and systems.get(system) else (
        systems.candidate_systems(raw) or list(systems.ORDER)
    )
    results = []
    for key in keys:
        for length in range(len(code) - 1, 2, -1):
            prefix = code[:length]
            parent = Code.objects.filter(system=key, code=prefix).first()
            matches = list(
                Code.objects.filter(system=key, code__startswith=prefix)
                .exclude(kind__in=["chapter", "block", "section", "body_system", "range"])
                .order_by("seq")[:limit]
            )
            if parent or matches:
                results.extend(([parent] if parent else []) + [m for m in matches if m != parent])
                break
        if len(results) >= limit:
            break
    seen, unique = set(), []
    for item in results:
        if item.pk not in seen:
            seen.add(item.pk)
            unique.append(item)
    return unique[:limit]
