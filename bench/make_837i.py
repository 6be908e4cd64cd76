"""Write a valid, deterministic X12 837I (005010X223A2) interchange of inpatient stays for tests
and benchmarks of medcode/scrubber/x12i.py and the MS-DRG grouper.

    .venv/bin/python bench/make_837i.py N out.837 [--seed 7]

Each stay is one of nine common inpatient cases (heart failure, sepsis, pneumonia, urinary
tract infection, a right or left knee replacement, NSTEMI, COPD exacerbation, a hip fracture
from a fall), with the case's principal, admitting and typical other diagnoses, 0-18 more
from a list of common comorbidities (so some stays need two HI segments of other diagnoses),
present-on-admission indicators (Y mostly; N, U, W now and then; "1" or blank for the codes
exempt from POA reporting), the case's ICD-10-PCS procedures if any, an external cause (ABN)
for the fall, and a patient status (CL103). Every code is valid in FY2026 and FY2027, and the
discharges fall in those years (1 October 2025 to 30 September 2027), 1-12 days after the
admission. About one stay in five has a patient who is not the subscriber (a 2000C patient
loop, the subscriber's own DMG giving another birth date and sex). Stays are grouped 100 to
a transaction set (ST/SE), all in one functional group and interchange, every count right.

Stdlib only, so tests load it with importlib (bench/ is not a package):
`plan_stays()` gives the stays as written (PlannedStay), `render()` the file's bytes and
`generate()` both in one.
"""

import argparse
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

STAYS_PER_TRANSACTION = 100
FIRST_DISCHARGE, LAST_DISCHARGE = date(2025, 10, 1), date(2027, 9, 30)  # FY2026 and FY2027
CODES_PER_HI = 12


@dataclass(frozen=True)
class Case:
    principal: str
    admitting: str
    others: tuple[str, ...]  # typical of the case; some of them are drawn
    procedures: tuple[tuple[str, ...], ...]  # one of these is drawn: () is none
    external: tuple[str, ...] = ()  # external cause codes (ABN), all written
    ages: tuple[int, int] = (40, 95)
    days: tuple[int, int] = (2, 8)  # length of stay
    admission_type: str = "1"  # CL101: 1 emergency, 3 elective


CASES = [
    Case("I5020", "R0602", ("N179", "E871", "I480", "E785", "E1165"), ((),)),
    Case("A4151", "R509", ("R6521", "N390", "N179", "E871", "J9601"), ((), (), ("5A1955Z",)), days=(4, 12)),
    Case("J189", "R0602", ("J9601", "E871", "I10", "E1165"), ((), (), ("5A1955Z",))),
    Case("N390", "R4182", ("B9620", "E871", "N179", "E876"), ((),), ages=(60, 98)),
    Case("M1711", "M1711", ("I10", "E669", "E785", "G4733"), (("0SRC0JZ",),), ages=(50, 85), days=(1, 3),
         admission_type="3"),
    Case("M1712", "M1712", ("I10", "E669", "E785", "G4733"), (("0SRD0JZ",),), ages=(50, 85), days=(1, 3),
         admission_type="3"),
    Case("I214", "R079", ("I2510", "E785", "I10", "E1165", "Z87891"), ((), ("4A023N7",), ("02703DZ", "4A023N7"))),
    Case("J441", "R0602", ("J9601", "Z87891", "F17210", "I10"), ((), (), ("5A1955Z",)), ages=(50, 90)),
    Case("S72001A", "S72001A", ("I10", "D649", "E871", "Z9181"), (("0QS604Z",),), external=("W19XXXA", "Y92009"),
         ages=(65, 99), days=(3, 7)),
]  # fmt: skip
COMORBIDITIES = [
    "E1165", "I10", "E785", "E039", "K219", "F329", "D649", "I480", "E669", "G4733", "Z87891", "Z794", "M810",
    "E559", "F419", "G4700", "H409", "I739", "K5900", "M1990", "R2689", "Z7901", "Z7982", "Z8673", "D696",
]  # fmt: skip
ACUTE = frozenset({"N179", "E871", "E876", "J9601", "R6521", "D696"})  # may arise during the stay: POA N
POA_EXEMPT = frozenset({"Z87891", "Z794", "Z7901", "Z7982", "Z8673", "Z9181", "Y92009"})  # CMS's exempt list
# CL103 patient status: home, home health, skilled nursing, rehabilitation, transfer, against
# advice, hospice, expired; the last only for the sicker cases (see plan_stays).
STATUSES = ["01"] * 11 + ["06"] * 3 + ["03"] * 3 + ["62", "02", "07", "50"]
FIRST_NAMES = ["JANE", "JOHN", "MARIA", "ROBERT", "LINDA", "JAMES", "SUSAN", "DAVID"]
LAST_NAMES = ["SMITH", "JOHNSON", "GARCIA", "BROWN", "LEE", "MILLER", "DAVIS", "LOPEZ"]


@dataclass
class PlannedStay:
    claim_id: str
    birth_date: date
    sex: str  # F, M or U
    patient_is_subscriber: bool
    admitted: datetime
    discharged: date
    status: str  # CL103 as written: "01"
    admission_type: str
    principal: tuple[str, str]  # (code, POA as written)
    admitting: str
    others: list[tuple[str, str]] = field(default_factory=list)  # ABF, (code, POA as written)
    external: list[tuple[str, str]] = field(default_factory=list)  # ABN
    procedures: list[str] = field(default_factory=list)  # the first is the principal one (BBR)

    @property
    def age(self):
        born, day = self.birth_date, self.admitted.date()
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def poa_of(rng, code, principal=False):
    """A POA indicator as a hospital writes it: only an acute condition arises during the stay."""
    if code in POA_EXEMPT:
        return rng.choice(["1", ""])
    if principal:
        return "Y"
    if code in ACUTE:
        return rng.choices(["Y", "N", "U", "W"], weights=[80, 15, 3, 2])[0]
    return rng.choices(["Y", "U", "W"], weights=[97, 2, 1])[0]


def plan_stays(stays, seed):
    """The stays render() writes."""
    rng = random.Random(seed)
    span = (LAST_DISCHARGE - FIRST_DISCHARGE).days + 1
    planned = []
    for number in range(1, stays + 1):
        case = rng.choice(CASES)
        procedures = list(rng.choice(case.procedures))
        days = rng.randint(*case.days)
        if "5A1955Z" in procedures:  # ventilation for over 96 consecutive hours
            days = max(days, 5)
        discharged = FIRST_DISCHARGE + timedelta(days=rng.randrange(span))
        admitted = datetime.combine(discharged - timedelta(days=days), datetime.min.time())
        admitted += timedelta(minutes=rng.randrange(24 * 60))
        age_days = rng.randrange(case.ages[0] * 365 + 1, (case.ages[1] + 1) * 365 - 1)
        others = rng.sample(case.others, rng.randint(1, len(case.others)))
        others += rng.sample([code for code in COMORBIDITIES if code not in others], rng.randint(0, 18))
        status = rng.choice(STATUSES)
        if case.principal in ("A4151", "I214", "J189") and rng.random() < 0.08:
            status = "20"
        planned.append(PlannedStay(
            claim_id=f"I{seed:03d}{number:07d}",
            birth_date=admitted.date() - timedelta(days=age_days),
            sex="U" if rng.random() < 0.01 else rng.choice("FM"),
            patient_is_subscriber=rng.random() > 0.2,
            admitted=admitted,
            discharged=discharged,
            status=status,
            admission_type=case.admission_type,
            principal=(case.principal, poa_of(rng, case.principal, principal=True)),
            admitting=case.admitting,
            others=[(code, poa_of(rng, code)) for code in others],
            external=[(code, poa_of(rng, code)) for code in case.external],
            procedures=procedures,
        ))  # fmt: skip
    return planned


def _hi(composites):
    """HI segments of at most 12 composites each."""
    return ["HI*" + "*".join(composites[start : start + CODES_PER_HI]) for start in range(0, len(composites), CODES_PER_HI)]


def _diagnosis(qualifier, code, poa):
    return f"{qualifier}:{code}:::::::{poa}" if poa else f"{qualifier}:{code}"  # POA is the 9th component


def _stay_segments(stay, hl_parent, hl_next):
    """The 2000B (and 2000C) loops and the claim; returns (segments, next HL number)."""
    subscriber_hl = hl_next
    number = int(stay.claim_id[-7:])
    first, last = FIRST_NAMES[number % 8], LAST_NAMES[number // 8 % 8]
    born = f"{stay.birth_date:%Y%m%d}"
    segments = [f"HL*{subscriber_hl}*{hl_parent}*22*{0 if stay.patient_is_subscriber else 1}"]
    if stay.patient_is_subscriber:
        segments += [
            "SBR*P*18*******MA",
            f"NM1*IL*1*{last}*{first}****MI*{stay.claim_id}A",
            "N3*12 ELM ST",
            "N4*SPRINGFIELD*IL*62701",
            f"DMG*D8*{born}*{stay.sex}",
            "NM1*PR*2*MEDICARE PART A*****PI*00435",
        ]
    else:
        segments += [
            "SBR*P**GRP01******CI",
            f"NM1*IL*1*{last}*PAT****MI*M{stay.claim_id}",
            "DMG*D8*19700101*F",  # the subscriber's own: the reader must prefer the patient's
            "NM1*PR*2*ACME HEALTH PLAN*****PI*87726",
            f"HL*{subscriber_hl + 1}*{subscriber_hl}*23*0",
            "PAT*19",
            f"NM1*QC*1*{last}*{first}",
            "N3*12 ELM ST",
            "N4*SPRINGFIELD*IL*62701",
            f"DMG*D8*{born}*{stay.sex}",
        ]
    days = (stay.discharged - stay.admitted.date()).days
    lines = [("0120", "DA", days, 1450.00 * days), ("0250", "UN", 1, 380.25), ("0300", "UN", 1, 212.50)]
    if stay.procedures:
        lines.append(("0360", "UN", 1, 18500.00))
    if stay.admission_type == "1":
        lines.append(("0450", "UN", 1, 1210.00))
    total = sum(charge for *_, charge in lines)
    segments += [
        f"CLM*{stay.claim_id}*{total:.2f}***11:A:1**A*Y*Y",
        "DTP*096*TM*1130",
        f"DTP*434*RD8*{stay.admitted:%Y%m%d}-{stay.discharged:%Y%m%d}",
        f"DTP*435*DT*{stay.admitted:%Y%m%d%H%M}",
        f"CL1*{stay.admission_type}*1*{stay.status}",
        f"REF*EA*MR{stay.claim_id}",
        "HI*" + _diagnosis("ABK", *stay.principal),
        f"HI*ABJ:{stay.admitting}",
    ]
    if stay.external:
        segments += _hi([_diagnosis("ABN", code, poa) for code, poa in stay.external])
    segments += _hi([_diagnosis("ABF", code, poa) for code, poa in stay.others])
    if stay.procedures:
        day = f"{stay.admitted:%Y%m%d}"
        segments.append(f"HI*BBR:{stay.procedures[0]}:D8:{day}")
        segments += _hi([f"BBQ:{code}:D8:{day}" for code in stay.procedures[1:]])
    segments += [
        f"HI*BE:80:::{days}",  # value code 80: covered days, which the reader skips
        "NM1*71*1*WELBY*MARCUS****XX*1245319599",
    ]
    for number, (revenue, unit, units, charge) in enumerate(lines, 1):
        segments += [f"LX*{number}", f"SV2*{revenue}**{charge:.2f}*{unit}*{units}"]
        if number == 1:
            segments.append(f"DTP*472*RD8*{stay.admitted:%Y%m%d}-{stay.discharged:%Y%m%d}")
    return segments, subscriber_hl + (1 if stay.patient_is_subscriber else 2)


def render(planned):
    """The interchange holding these stays, as bytes ("~" and a newline end each segment)."""
    isa = (
        "ISA*00*          *00*          *ZZ*MEDCODEBENCH   *ZZ*ACMEHEALTH     "
        "*251101*1200*^*00501*000000001*0*T*:"
    )
    out = [isa, "GS*HC*MEDCODEBENCH*ACMEHEALTH*20251101*1200*1*X*005010X223A2"]
    transactions = 0
    for start in range(0, len(planned), STAYS_PER_TRANSACTION):
        transactions += 1
        control = f"{transactions:04d}"
        body = [
            f"ST*837*{control}*005010X223A2",
            f"BHT*0019*00*BATCH{control}*20251101*1200*CH",
            "NM1*41*2*MEDCODE BENCH HOSPITAL*****46*TGJ23",
            "PER*IC*BILLING OFFICE*TE*2175551212",
            "NM1*40*2*ACME HEALTH*****46*87726",
            "HL*1**20*1",
            "PRV*BI*PXC*282N00000X",
            "NM1*85*2*MEDCODE BENCH HOSPITAL*****XX*1234567893",
            "N3*1 MAIN ST",
            "N4*SPRINGFIELD*IL*62701",
            "REF*EI*123456789",
        ]
        hl_next = 2
        for stay in planned[start : start + STAYS_PER_TRANSACTION]:
            segments, hl_next = _stay_segments(stay, 1, hl_next)
            body += segments
        body.append(f"SE*{len(body) + 1}*{control}")  # SE01 counts ST through SE
        out += body
    out += [f"GE*{transactions}*1", "IEA*1*000000001"]
    return "".join(segment + "~\n" for segment in out).encode("ascii")


def generate(stays, seed=7):
    """N stays as the bytes of an 837I file; the same arguments always give the same bytes."""
    return render(plan_stays(stays, seed))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stays", type=int, metavar="N")
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.stays < 1:
        parser.error("N must be 1 or more")
    args.out.write_bytes(generate(args.stays, args.seed))
    print(f"{args.out}: {args.stays} stays")


if __name__ == "__main__":
    main()
