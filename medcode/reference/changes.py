"""What changed between two releases of one kind of reference file, overall or for one code.

Rows are matched on the keys CMS uses (a code; a column 1/column 2 pair and its
effective date; an add-on/primary pair …); the comparison runs in the database,
so two quarters of NCCI edits never have to be read into memory.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db.models import Exists, F, OuterRef, Q, Subquery

from medcode.reference.models import AddonEdit, DataRelease, FeeScheduleRow, Locality, MueEdit, PtpEdit

Kind = DataRelease.Kind


@dataclass(frozen=True)
class Spec:
    model: type
    keys: tuple
    values: tuple
    code_fields: tuple
    nullable: tuple = ()


SPECS = {
    Kind.PTP_PRACTITIONER: Spec(PtpEdit, ("column1", "column2", "effective_date"),
                                ("modifier_indicator", "deletion_date"), ("column1", "column2"), ("deletion_date",)),
    Kind.MUE_PRACTITIONER: Spec(MueEdit, ("code",), ("units", "indicator"), ("code",)),
    Kind.ADDON: Spec(AddonEdit, ("addon_code", "primary_code", "edit_type", "effective_date"), ("deletion_date",),
                     ("addon_code", "primary_code"), ("deletion_date",)),
    Kind.RVU: Spec(FeeScheduleRow, ("code", "modifier"),
                   ("status", "work", "pe_nonfacility", "pe_facility", "mp", "global_days", "pctc",
                    "multiple_procedure", "bilateral", "assistant", "co_surgeons", "team_surgery",
                    "conversion_factor"), ("code",)),
    Kind.GPCI: Spec(Locality, ("mac", "number"), ("work_gpci", "pe_gpci", "mp_gpci"), ()),
}
SPECS[Kind.PTP_HOSPITAL] = SPECS[Kind.PTP_PRACTITIONER]
SPECS[Kind.MUE_HOSPITAL] = SPECS[Kind.MUE_DME] = SPECS[Kind.MUE_PRACTITIONER]
COMPARABLE = list(SPECS)


class CannotCompare(ValueError):
    pass


@dataclass
class Comparison:
    kind: str
    old: DataRelease
    new: DataRelease
    code: str
    added: list
    removed: list
    changed: list
    counts: dict


def compare(old, new, *, code="", limit=200):
    """Cached: a release's rows never change (a re-import makes a new release row)."""
    key = f"medcode:changes:{old.pk}:{old.sha256[:16]}:{new.pk}:{new.sha256[:16]}:{code}:{limit}"
    found = cache.get(key)
    if found is None:
        found = _compare(old, new, code=code, limit=limit)
        cache.set(key, found, 3600)
    return found


def _compare(old, new, *, code, limit):
    if old.kind != new.kind:
        raise CannotCompare("both releases must be of the same kind of file")
    spec = SPECS.get(old.kind)
    if spec is None:
        raise CannotCompare(f"{old.get_kind_display()} releases are not compared")
    if code and not spec.code_fields:
        raise CannotCompare(f"{old.get_kind_display()} has no codes to filter on")

    def rows(release):
        found = spec.model.objects.filter(release=release)
        if code:
            found = found.filter(reduce(or_, [Q(**{field: code}) for field in spec.code_fields]))
        return found

    match = {key: OuterRef(key) for key in spec.keys}
    in_old, in_new = Exists(rows(old).filter(**match)), Exists(rows(new).filter(**match))
    added = rows(new).exclude(in_old)
    removed = rows(old).exclude(in_new)
    before = {f"old_{v}": Subquery(rows(old).filter(**match).values(v)[:1]) for v in spec.values}
    differs = []
    for value in spec.values:
        differs.append(~Q(**{f"old_{value}": F(value)}))
        if value in spec.nullable:
            differs.append(Q(**{f"old_{value}__isnull": True, f"{value}__isnull": False}))
            differs.append(Q(**{f"old_{value}__isnull": False, f"{value}__isnull": True}))
    changed = rows(new).filter(in_old).annotate(**before).filter(reduce(or_, differs))
    order = list(spec.keys)
    return Comparison(
        kind=old.kind, old=old, new=new, code=code,
        added=[_describe(r, spec) for r in added.order_by(*order)[:limit]],
        removed=[_describe(r, spec) for r in removed.order_by(*order)[:limit]],
        changed=[_describe(r, spec, changed=True) for r in changed.order_by(*order)[:limit]],
        counts={"added": added.count(), "removed": removed.count(), "changed": changed.count()},
    )


def _describe(row, spec, changed=False):
    entry = {"key": " / ".join(str(getattr(row, k)) if getattr(row, k) != "" else "–" for k in spec.keys),
             "values": {v: _plain(getattr(row, v)) for v in spec.values}}
    if changed:
        before = {v: _plain(getattr(row, f"old_{v}")) for v in spec.values}
        entry["diffs"] = [
            {"field": v.replace("_", " "), "before": before[v], "after": entry["values"][v]}
            for v in spec.values if before[v] != entry["values"][v]
        ]
    return entry


def _plain(value):
    return None if value is None else str(value)
