"""Medicare physician fee schedule payment for a claim line, the way Medicare computes it.

Payment = (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x conversion factor,
then the payment modifiers: 26/TC pick the component row, 50 the bilateral rule, 51 the
multiple-procedure rule, 80/81/82/AS the assistant share, 62 the co-surgeon share,
54/55 the share of the global package (Medicare Claims Processing Manual, ch. 12, sec. 40).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from medcode.reference import fees

CENT = Decimal("0.01")
ONE = Decimal("1")
ASSISTANT_SHARE = Decimal("0.16")
NON_PHYSICIAN_ASSISTANT_SHARE = Decimal("0.136")  # AS: 85% of the 16% assistant share
CO_SURGEON_SHARE = Decimal("0.625")
SECONDARY_SHARE = Decimal("0.5")
# Family reductions medcode names but does not compute: their amounts depend on the other codes' components.
REDUCTIONS_NOT_COMPUTED = {
    "3": "endoscopic base reduction", "4": "diagnostic imaging reduction", "5": "therapy practice-expense reduction",
    "6": "diagnostic cardiovascular reduction", "7": "diagnostic ophthalmology reduction",
}


@dataclass
class Quote:
    code: str
    modifiers: list
    facility: bool
    locality: object = None
    row: object = None
    release: object = None
    rvus: dict = field(default_factory=dict)
    base: Decimal | None = None  # before payment-modifier adjustments
    amount: Decimal | None = None
    steps: list = field(default_factory=list)  # what was applied, in words
    problems: list = field(default_factory=list)  # why there is no amount, or what to check

    @property
    def payable(self):
        return self.amount is not None


def quote(code, *, day=None, locality=None, facility=False, modifiers=(), fee_rows=None):
    """The allowed amount for one line (before deductible and coinsurance).

    fee_rows: the (release, rows) of fees.rows_for, when the caller has read them already.
    """
    modifiers = [m.upper() for m in modifiers if m]
    result = Quote(code=code, modifiers=modifiers, facility=facility, locality=locality)
    release, rows = fee_rows or fees.rows_for(code, day)
    result.release = release
    if release is None:
        result.problems.append("The Physician Fee Schedule relative value file is not loaded.")
        return result
    component = next((m for m in ("26", "TC", "53") if m in modifiers), "")
    row = rows.get(component)
    if row is None:
        base_row = rows.get("")
        if base_row is None and not rows:
            result.problems.append(f"{code} is not in the fee schedule ({release.label}).")
            return result
        if component in {"26", "TC"}:
            indicator = (base_row or next(iter(rows.values()))).pctc
            result.problems.append(f"Modifier {component} does not apply to {code}: "
                                   f"{fees.PCTC.get(indicator, indicator)}.")
            return result
        row = base_row
        if component == "53":
            result.steps.append("No separate discontinued-procedure (53) values: the contractor prices it.")
    result.row = row
    if row.status not in fees.PAID_STATUSES:
        result.problems.append(f"Status {row.status}: {fees.STATUS.get(row.status, 'not paid')}.")
        return result
    if row.status == "R":
        result.steps.append("Status R: restricted coverage, special coverage instructions apply.")
    if not (row.work or row.pe_facility or row.pe_nonfacility or row.mp):
        result.problems.append("No relative values: the Medicare contractor prices this service.")
        return result
    pe = row.pe_facility if facility else row.pe_nonfacility
    if (row.facility_na if facility else row.nonfacility_na):
        other = "non-facility" if facility else "facility"
        result.steps.append(f"CMS has no {'facility' if facility else 'non-facility'} practice expense for "
                            f"this code (NA); the {other} value is used.")
        pe = row.pe_nonfacility if facility else row.pe_facility
    work_gpci, pe_gpci, mp_gpci = (
        (locality.work_gpci, locality.pe_gpci, locality.mp_gpci) if locality else (ONE, ONE, ONE)
    )
    result.rvus = {"work": row.work, "pe": pe, "mp": row.mp, "total": row.work + pe + row.mp}
    adjusted = row.work * work_gpci + pe * pe_gpci + row.mp * mp_gpci
    result.base = _cents(adjusted * row.conversion_factor)
    result.steps.insert(0, (
        f"({row.work} x {work_gpci} + {pe} x {pe_gpci} + {row.mp} x {mp_gpci}) x {row.conversion_factor} "
        f"= ${result.base}" + ("" if locality else " (national: every GPCI 1.000)")
    ))
    result.amount = _apply_modifiers(result, row, modifiers)
    return result


def _apply_modifiers(result, row, modifiers):
    amount = result.base
    if "50" in modifiers:
        rule = {"1": Decimal("1.5"), "2": ONE, "3": Decimal("2")}.get(row.bilateral)
        if rule is None:
            result.problems.append(f"Modifier 50: {fees.BILATERAL.get(row.bilateral, 'not applicable')}.")
        else:
            amount *= rule
            result.steps.append(f"Modifier 50: {fees.BILATERAL[row.bilateral]} (x {rule}).")
    if "51" in modifiers:
        if row.multiple_procedure == "2":
            amount *= SECONDARY_SHARE
            result.steps.append("Modifier 51: a secondary procedure is paid at 50%.")
        else:
            result.steps.append(f"Modifier 51: {fees.MULTIPLE.get(row.multiple_procedure, '')}; "
                                "no 50% reduction applied.")
    if row.multiple_procedure in REDUCTIONS_NOT_COMPUTED:
        result.steps.append(f"Before the {REDUCTIONS_NOT_COMPUTED[row.multiple_procedure]} that applies when "
                            "related services are billed together (multiple procedure indicator "
                            f"{row.multiple_procedure}).")
    assistant = next((m for m in ("80", "81", "82", "AS") if m in modifiers), None)
    if assistant:
        if row.assistant == "1":
            result.problems.append(f"Modifier {assistant}: {fees.ASSISTANT['1']}.")
            return None
        share = NON_PHYSICIAN_ASSISTANT_SHARE if assistant == "AS" else ASSISTANT_SHARE
        amount *= share
        result.steps.append(f"Modifier {assistant}: assistant at surgery, {share * 100:.1f}% of the fee schedule amount.")
        if row.assistant == "0":
            result.steps.append("Payable only with documentation of medical necessity.")
    if "62" in modifiers:
        if row.co_surgeons not in {"1", "2"}:
            result.problems.append(f"Modifier 62: {fees.CO_SURGEONS.get(row.co_surgeons, 'not applicable')}.")
            return None
        amount *= CO_SURGEON_SHARE
        result.steps.append("Modifier 62: each co-surgeon is paid 62.5%.")
    if "66" in modifiers:
        result.problems.append(f"Modifier 66: {fees.TEAM.get(row.team_surgery, 'not applicable')}; "
                               "the contractor prices team surgery.")
        return None
    if "56" in modifiers:
        result.problems.append("Modifier 56: Medicare does not pay preoperative care separately; "
                               "it is paid to the surgeon with modifier 54.")
        return None
    for modifier, share, what in (("54", row.pre_op + row.intra_op, "surgical care only (pre- and intra-operative)"),
                                  ("55", row.post_op, "postoperative care only")):
        if modifier in modifiers:
            if not share:
                result.problems.append(f"Modifier {modifier}: {row.code} has no split of its global package.")
                return None
            amount *= share
            result.steps.append(f"Modifier {modifier}: {what}, {share * 100:.0f}% of the package."
                                + (" Medicare then prorates it by the days of care given." if modifier == "55" else ""))
    if "52" in modifiers:
        result.steps.append("Modifier 52: reduced services are priced by the contractor from the documentation.")
    return _cents(amount)


def quote_claim(lines, *, day=None, locality=None, facility=False):
    """Quotes for several lines of one session.

    Medicare ranks procedures under the standard rule (indicator 2) by their fee itself: the
    highest is paid in full, each other at 50%, whichever line the biller put 51 on.
    """
    quotes = [quote(code, day=day, locality=locality, facility=facility, modifiers=[m for m in mods if m != "51"])
              for code, mods in lines]
    ranked = sorted((q for q in quotes if q.payable and q.row.multiple_procedure == "2"),
                    key=lambda q: q.amount, reverse=True)
    for secondary in ranked[1:]:
        secondary.amount = _cents(secondary.amount * SECONDARY_SHARE)
        secondary.steps.append("Multiple procedures: not the highest-paid procedure of the session, paid at 50%.")
    for q, (_, mods) in zip(quotes, lines):
        q.modifiers = [m.upper() for m in mods if m]
    return quotes


def _cents(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
