"""The principal-diagnosis index: each billable ICD-10-CM code grouped as the principal diagnosis of a
stay without procedures, alone, with a CC and with an MCC, under the newest grouper version.

It is what lets a DRG page list the principal diagnoses that reach it and name its MDC. A DRG no
principal diagnosis reaches this way is a surgical or pre-MDC DRG, or needs a particular secondary
diagnosis, procedure or discharge status; its page names no MDC rather than one it has not seen.
"""

from django.db import transaction

from medcode.codes import systems
from medcode.codes.models import Code, Release
from medcode.inpatient import codefacts, grouper, versions
from medcode.inpatient.models import IndexStamp, PrincipalGrouping
from medcode.inpatient.stay import Diagnosis, Stay

# Secondary diagnoses that add a CC or an MCC, tried in turn: a CC exclusion can void the first one
# with a given principal. The grouper's answer says whether one was excluded; medcode reads that.
# (N17.9 and E87.1 are CCs, J96.01 and R65.21 MCCs in v40-v44: tests/test_inpatient.py checks it.)
CC_SECONDARIES = ("N179", "E871")
MCC_SECONDARIES = ("J9601", "R6521")
BATCH = 5000


def _stay(code, secondary=()):
    return Stay(Diagnosis(code, "Y"), [Diagnosis(s, "Y") for s in secondary], [], 65, "U", 1)


def _with_level(code, candidates, version):
    for secondary in candidates:
        if secondary[:3] == code[:3]:
            continue
        result = grouper.raw(_stay(code, [secondary]), version)
        excluded = [s for s in result.get("sdx_output") or [] if "EXCLUDED" in (s.get("flags") or [])]
        if result.get("return_code") == "OK" and not excluded:
            return result.get("final_drg")  # the same DRG as alone where the family has no CC (or MCC) split
    return None


def groupings(codes, version=versions.NEWEST):
    for code in codes:
        alone = grouper.raw(_stay(code), version)
        if alone.get("return_code") != "OK":
            yield PrincipalGrouping(version=version.number, code=code)
            continue
        yield PrincipalGrouping(version=version.number, code=code, mdc=alone.get("final_mdc"),
                                alone=alone.get("final_drg"), with_cc=_with_level(code, CC_SECONDARIES, version),
                                with_mcc=_with_level(code, MCC_SECONDARIES, version))


def build(progress=lambda message: None, force=False, version=versions.NEWEST):
    """(Re)build the index when the grouper package or the ICD-10-CM release changed; returns rows written."""
    release = Release.objects.filter(system=systems.ICD10CM).order_by("-effective_date").first()
    if release is None:
        return 0
    stamp = IndexStamp.objects.filter(version=version.number).first()
    if not force and stamp and stamp.package == version.package and stamp.code_release == release.version:
        progress(f"DRG index for {version.name}: unchanged")
        return 0
    codes = list(Code.objects.filter(system=systems.ICD10CM, billable=True).values_list("code", flat=True))
    with transaction.atomic():
        PrincipalGrouping.objects.filter(version=version.number).delete()
        rows = []
        for row in groupings(codes, version):
            rows.append(row)
            if len(rows) >= BATCH:
                PrincipalGrouping.objects.bulk_create(rows)
                rows = []
        PrincipalGrouping.objects.bulk_create(rows)
        IndexStamp.objects.update_or_create(version=version.number, defaults={
            "package": version.package, "code_release": release.version})
    codefacts.forget()
    progress(f"DRG index for {version.name}: {len(codes):,} principal diagnoses grouped")
    return len(codes)
