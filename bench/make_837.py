"""Write a valid, deterministic X12 837P (005010X222A1) interchange for tests and benchmarks.

    .venv/bin/python bench/make_837.py --claims 10000 --seed 7 --out var/claims.837 [--faults] [--lines N]

Each claim has 1-12 ICD-10-CM diagnoses and 1-10 service lines (--lines N: exactly N) drawn
from small lists of real public codes; about one claim in four has a patient who is not the subscriber (a
2000C patient loop). Claims are grouped 100 to a transaction set (ST/SE), all in one
functional group and interchange, with every control count right.

--faults plants two bad claims in every thousand (claims 2 and 3, 1002 and 1003, ...): the
first has a line pointing at a diagnosis the claim does not have, the second a line whose
units (SV104) are not a number. `fault_in(number)` says which, for tests.

Stdlib only, so tests load it with importlib (bench/ is not a package):
`plan_claims()` gives the claims as written, `generate()` the file's bytes.
"""

import argparse
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

CLAIMS_PER_TRANSACTION = 100

DIAGNOSES = [
    "I10", "E119", "E785", "M1711", "M25561", "J069", "R079", "Z0000", "S83241A", "N390",
    "E039", "K219", "F329", "M545", "J45909", "E6601", "G4733", "R51", "M79604", "Z23",
    "I2510", "N186", "R1013", "M7989", "J0190", "H1013", "L989", "R0602", "Z1231", "E1165",
]  # fmt: skip
# code -> (charge per unit, modifiers a line with it may carry, most units a line bills)
PROCEDURES = {
    "99213": ("110.00", ["25"], 1),
    "99214": ("165.00", ["25"], 1),
    "99203": ("150.00", [], 1),
    "20610": ("210.00", ["RT", "LT", "50"], 1),
    "29881": ("1450.00", ["RT", "LT"], 1),
    "27447": ("2200.00", ["RT", "LT"], 1),
    "36415": ("12.00", [], 1),
    "80053": ("45.00", ["91"], 1),
    "85025": ("30.00", ["91"], 2),
    "93000": ("60.00", [], 1),
    "71046": ("95.00", ["26", "TC"], 1),
    "73721": ("650.00", ["RT", "LT", "26"], 1),
    "J1100": ("8.00", ["JZ"], 10),  # dexamethasone, per 1 mg
    "G0439": ("175.00", [], 1),
    "90471": ("25.00", [], 1),
    "97110": ("40.00", ["GP", "59"], 4),  # therapeutic exercise, per 15 minutes
}
PLACES_OF_SERVICE = ["11", "11", "11", "22", "21", "23", "02", "12"]
FIRST_NAMES = ["JANE", "JOHN", "MARIA", "ROBERT", "LINDA", "JAMES", "SUSAN", "DAVID"]
LAST_NAMES = ["SMITH", "JOHNSON", "GARCIA", "BROWN", "LEE", "MILLER", "DAVIS", "LOPEZ"]


@dataclass
class PlannedLine:
    code: str
    modifiers: list[str]
    units: str  # as written in SV104: a fault writes a non-number
    pointers: list[int]
    charge: str  # SV102, the line's total: charge per unit times units
    first_day: date
    last_day: date  # after first_day: written as an RD8 range


@dataclass
class PlannedClaim:
    claim_id: str
    birth_date: date
    sex: str  # F, M or U
    patient_is_subscriber: bool
    place_of_service: str
    diagnoses: list[str]
    lines: list[PlannedLine] = field(default_factory=list)
    fault: str | None = None


def fault_in(number):
    """The fault --faults plants in the claim with this 1-based number, or None."""
    return {2: "pointer", 3: "units"}.get(number % 1000)


def plan_claims(claims, seed, faults=False, lines=None):
    """The claims generate() writes; `lines` fixes every claim's line count (default 1-10)."""
    rng = random.Random(seed)
    planned = []
    for number in range(1, claims + 1):
        service_day = date(2025, 1, 2) + timedelta(days=rng.randrange(360))
        claim = PlannedClaim(
            claim_id=f"C{seed:03d}{number:07d}",
            birth_date=date(1935, 1, 1) + timedelta(days=rng.randrange(30000)),
            sex=rng.choice("FFFMMMU"),
            patient_is_subscriber=rng.random() > 0.25,
            place_of_service=rng.choice(PLACES_OF_SERVICE),
            diagnoses=rng.sample(DIAGNOSES, rng.randint(1, 12)),
            fault=fault_in(number) if faults else None,
        )
        for _ in range(lines or rng.randint(1, 10)):
            code = rng.choice(list(PROCEDURES))
            price, usual_modifiers, most_units = PROCEDURES[code]
            modifiers = [rng.choice(usual_modifiers)] if usual_modifiers and rng.random() < 0.3 else []
            units = rng.randint(1, most_units) if rng.random() < 0.3 else 1
            count = min(len(claim.diagnoses), rng.randint(1, 4))
            span = 2 if rng.random() < 0.1 else 0  # a few lines bill a range of days
            claim.lines.append(PlannedLine(
                code=code,
                modifiers=modifiers,
                units=str(units),
                pointers=sorted(rng.sample(range(1, len(claim.diagnoses) + 1), count)),
                charge=f"{float(price) * units:.2f}",
                first_day=service_day,
                last_day=service_day + timedelta(days=span),
            ))  # fmt: skip
        if claim.fault == "pointer":
            claim.lines[-1].pointers[-1] = len(claim.diagnoses) + 1
        elif claim.fault == "units":
            claim.lines[0].units = "X"
        planned.append(claim)
    return planned


def _claim_segments(claim, hl_parent, hl_next):
    """The 2000B (and 2000C) loops and the claim; returns (segments, next HL number)."""
    subscriber_hl = hl_next
    number = int(claim.claim_id[-7:])
    first, last = FIRST_NAMES[number % 8], LAST_NAMES[number // 8 % 8]
    born = claim.birth_date.strftime("%Y%m%d")
    segments = [
        f"HL*{subscriber_hl}*{hl_parent}*22*{0 if claim.patient_is_subscriber else 1}",
        f"SBR*P*{'18' if claim.patient_is_subscriber else ''}*GRP01******CI",
    ]
    if claim.patient_is_subscriber:
        segments += [
            f"NM1*IL*1*{last}*{first}****MI*M{claim.claim_id}",
            "N3*12 ELM ST",
            "N4*SPRINGFIELD*IL*62701",
            f"DMG*D8*{born}*{claim.sex}",
        ]
    else:
        segments += [
            f"NM1*IL*1*{last}*PAT****MI*M{claim.claim_id}",
            "DMG*D8*19700101*F",  # the subscriber's own: the reader must prefer the patient's
        ]
    segments.append("NM1*PR*2*ACME HEALTH PLAN*****PI*87726")
    if not claim.patient_is_subscriber:
        segments += [
            f"HL*{subscriber_hl + 1}*{subscriber_hl}*23*0",
            "PAT*19",
            f"NM1*QC*1*{last}*{first}",
            "N3*12 ELM ST",
            "N4*SPRINGFIELD*IL*62701",
            f"DMG*D8*{born}*{claim.sex}",
        ]
    total = sum(float(line.charge) for line in claim.lines)  # CLM02 is the sum of SV102
    codes = [f"ABK:{claim.diagnoses[0]}"] + [f"ABF:{code}" for code in claim.diagnoses[1:]]
    segments += [
        f"CLM*{claim.claim_id}*{total:.2f}***{claim.place_of_service}:B:1*Y*A*Y*Y",
        "HI*" + "*".join(codes),
        "NM1*82*1*WELBY*MARCUS****XX*1245319599",
    ]
    for number, line in enumerate(claim.lines, 1):
        procedure = ":".join(["HC", line.code, *line.modifiers])
        pointers = ":".join(str(pointer) for pointer in line.pointers)
        if line.last_day == line.first_day:
            served = f"D8*{line.first_day:%Y%m%d}"
        else:
            served = f"RD8*{line.first_day:%Y%m%d}-{line.last_day:%Y%m%d}"
        segments += [
            f"LX*{number}",
            f"SV1*{procedure}*{line.charge}*UN*{line.units}***{pointers}",
            f"DTP*472*{served}",
        ]
    return segments, subscriber_hl + (1 if claim.patient_is_subscriber else 2)


def render(planned):
    """The interchange holding these claims, as bytes ("~" and a newline end each segment)."""
    isa = (
        "ISA*00*          *00*          *ZZ*MEDCODEBENCH   *ZZ*ACMEHEALTH     "
        "*250101*1200*^*00501*000000001*0*T*:"
    )
    out = [isa, "GS*HC*MEDCODEBENCH*ACMEHEALTH*20250101*1200*1*X*005010X222A1"]
    transactions = 0
    for start in range(0, len(planned), CLAIMS_PER_TRANSACTION):
        transactions += 1
        control = f"{transactions:04d}"
        body = [
            f"ST*837*{control}*005010X222A1",
            f"BHT*0019*00*BATCH{control}*20250101*1200*CH",
            "NM1*41*2*MEDCODE BENCH CLINIC*****46*TGJ23",
            "PER*IC*BILLING OFFICE*TE*2175551212",
            "NM1*40*2*ACME HEALTH*****46*87726",
            "HL*1**20*1",
            "NM1*85*2*MEDCODE BENCH CLINIC*****XX*1234567893",
            "N3*1 MAIN ST",
            "N4*SPRINGFIELD*IL*62701",
            "REF*EI*123456789",
        ]
        hl_next = 2
        for claim in planned[start : start + CLAIMS_PER_TRANSACTION]:
            segments, hl_next = _claim_segments(claim, 1, hl_next)
            body += segments
        body.append(f"SE*{len(body) + 1}*{control}")  # SE01 counts ST through SE
        out += body
    out += [f"GE*{transactions}*1", "IEA*1*000000001"]
    return "".join(segment + "~\n" for segment in out).encode("ascii")


def generate(claims, seed, faults=False, lines=None):
    """N claims as the bytes of an 837P file; the same arguments always give the same bytes."""
    return render(plan_claims(claims, seed, faults, lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--faults", action="store_true", help="plant bad claims (see fault_in)")
    parser.add_argument("--lines", type=int, metavar="N", help="lines per claim, 1-50 (default: 1-10 at random)")
    args = parser.parse_args()
    if args.lines is not None and not 1 <= args.lines <= 50:
        parser.error("--lines must be 1 to 50, as an 837P claim allows")
    args.out.write_bytes(generate(args.claims, args.seed, args.faults, args.lines))
    print(f"{args.out}: {args.claims} claims")


if __name__ == "__main__":
    main()
