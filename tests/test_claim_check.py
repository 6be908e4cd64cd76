"""Claim line check and fee calculator, called as plain functions."""

from datetime import date
from decimal import Decimal

import pytest

from medcode.reference import claims, fees, importers, payment, tables
from tests.factories import PTP_2026Q2, REFERENCE_FIXTURES

MAY = date(2026, 5, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def ptp():
    """NCCI PTP edits of 2026Q2 from the fixture in the CMS layout (the real files are not shipped)."""
    return importers.import_file("ncci-ptp", PTP_2026Q2)


def run(text, **options):
    return claims.check(claims.parse_lines(text), day=options.pop("day", MAY), **options)


def by_kind(result, kind, severity=None):
    return [f for f in result.findings if f.kind == kind and (severity is None or f.severity == severity)]


def test_lines_are_read_as_coders_write_them():
    lines = claims.parse_lines("20700\n11043 2\n64483-50 x1\n97110 3 GP 59\n# a comment\n\n99213-25\n"
                               "99214 25\n11043 59\nJ1100 x50\nJ1100 12")
    assert [(line.code, line.units, line.modifiers) for line in lines] == [
        ("20700", 1, []), ("11043", 2, []), ("64483", 1, ["50"]), ("97110", 3, ["GP", "59"]), ("99213", 1, ["25"]),
        ("99214", 1, ["25"]), ("11043", 1, ["59"]), ("J1100", 50, []), ("J1100", 12, []),
    ]


@pytest.mark.parametrize("text, message", [
    ("", "at least one code"),
    ("2070", "line 1: '2070' is not a CPT or HCPCS code"),
    ("99213\n11043 0", "line 2: units must be a whole number"),
    ("11043 1 XYZ", "'XYZ' is not a modifier"),
    ("11043-59-25-76-77-91", "at most 4 modifiers"),
    ("J1100 x2 x3", "two unit counts"),
    ("\n".join(["99213"] * 51), "at most 50 lines"),
])
def test_unreadable_lines_get_a_clear_error(text, message):
    with pytest.raises(claims.ClaimError, match=message):
        claims.parse_lines(text)


def test_add_on_code_without_its_primary_is_denied():
    result = run("20700")
    (finding,) = by_kind(result, "addon")
    assert finding.severity == "deny" and "11043" in finding.message


def test_add_on_code_with_a_listed_primary_passes():
    result = run("11043\n20700")
    assert [f.severity for f in by_kind(result, "addon")] == ["ok"]


def test_add_on_edit_types_2_and_3_leave_room_for_the_contractor():
    (type2,) = by_kind(run("0054T"), "addon")  # type 2: primaries are contractor defined (CCCCC)
    assert type2.severity == "info" and "contractor" in type2.message
    (type3,) = by_kind(run("20701"), "addon")  # active 20701 edits are type 3 since 2023
    assert type3.severity == "warn" and "may accept another primary" in type3.message


def test_units_over_the_mue_are_denied_for_the_whole_day():
    result = run("99213 2\n99213 1")  # practitioner MUE of 99213: 2, MAI 3 (date of service, clinical)
    (finding,) = by_kind(result, "mue")
    assert finding.severity == "deny" and finding.lines == [1, 2]
    assert "3 units on the day, above the MUE of 2" in finding.message and "appeal" in finding.message
    assert not by_kind(run("99213 2"), "mue")


def test_a_line_edit_mue_checks_each_line_on_its_own():
    assert not by_kind(run("A0425 200\nA0425 200"), "mue")  # A0425: MUE 250, MAI 1 (line edit)
    (finding,) = by_kind(run("A0425 300\nA0425 10"), "mue")
    assert finding.lines == [1] and "300 units on one line" in finding.message


def test_mue_depends_on_the_setting():
    assert by_kind(run("J1100 121"), "mue", "deny")  # practitioner and hospital MUE of J1100: 120
    assert not by_kind(run("J1100 120", setting="hospital"), "mue")


def test_ptp_pair_is_denied_and_a_bypass_modifier_is_accepted_where_the_indicator_allows(ptp):
    (denied,) = by_kind(run("11042\n97597"), "ptp")
    assert denied.severity == "deny" and "97597 is denied" in denied.message and "59" in denied.message
    (bypassed,) = by_kind(run("11042\n97597-59"), "ptp")
    assert bypassed.severity == "ok" and "bypassed by modifier 59" in bypassed.message
    (never,) = by_kind(run("29881\n29877-59"), "ptp")  # modifier indicator 0
    assert never.severity == "deny" and "no modifier bypasses" in never.message


def test_a_deleted_edit_does_not_apply(ptp):
    importers.import_file("ncci-ptp", [REFERENCE_FIXTURES / "ccipra-v322r0-f1.txt"])  # 2026Q3 ends 20610/99213 on 2026-06-30
    assert by_kind(run("20610\n99213", day=date(2026, 5, 1)), "ptp", "deny")
    assert not by_kind(run("20610\n99213", day=date(2026, 8, 1)), "ptp")


def test_e_m_and_distinct_service_modifiers_count_only_on_their_own_kind_of_code(ptp):
    (on_visit,) = by_kind(run("20610\n99213-59"), "ptp")  # 59 never bypasses for an E/M code
    assert on_visit.severity == "deny" and "modifier 25" in on_visit.message
    (on_procedure,) = by_kind(run("11042\n97597-25"), "ptp")  # 25 belongs on E/M codes only
    assert on_procedure.severity == "deny"


def test_dates_before_the_loaded_releases_are_flagged():
    result = run("99213", day=date(2020, 3, 2))
    assert any(f.kind == "release" and "No MUE release loaded covers Mar 2, 2020" in f.message for f in result.findings)


def test_status_t_and_x_codes():
    (t_code,) = by_kind(run("96523\n99213"), "status")  # 96523: status T
    assert t_code.severity == "warn" and "no other fee schedule service" in t_code.message
    assert not by_kind(run("96523"), "status")
    (lab,) = by_kind(run("36415\n99213"), "status")  # 36415: status X, paid under another fee schedule
    assert lab.severity == "info"


def test_an_e_m_visit_needs_25_with_a_minor_procedure(ptp):
    result = run("20610\n99213")
    assert by_kind(result, "ptp", "deny") and by_kind(result, "global", "warn")
    fixed = run("20610\n99213-25")
    assert [f.severity for f in by_kind(fixed, "ptp")] == ["ok"] and not by_kind(fixed, "global")


def test_without_ptp_data_the_check_says_pairs_were_not_checked(monkeypatch):
    # An installation whose PTP edits were never loaded (the shipped ones load with the rest).
    loaded = tables.release_for
    monkeypatch.setattr(tables, "release_for", lambda kind, day=None: None if kind.startswith("ptp") else loaded(kind, day))
    (note,) = by_kind(run("11042\n97597"), "ptp")
    assert note.severity == "info" and "not loaded" in note.message


def test_unknown_codes_are_flagged():
    (finding,) = by_kind(run("99999\n99213"), "unknown")
    assert finding.lines == [1]


def test_a_clean_claim():
    result = run("11043\n20700\n99213-25", day=date(2026, 8, 1))  # every shipped release in force
    assert result.clean and not result.denials


# Fee calculator --------------------------------------------------------------------------

def expected(row, pe, gpcis=(1, 1, 1)):
    work, pe_gpci, mp = (Decimal(str(g)) for g in gpcis)
    return ((row.work * work + pe * pe_gpci + row.mp * mp) * row.conversion_factor).quantize(Decimal("0.01"))


def test_national_and_local_payment_of_99213():
    _, rows = fees.rows_for("99213")
    row = rows[""]
    national = payment.quote("99213")
    assert national.amount == expected(row, row.pe_nonfacility) == Decimal("95.19")  # 2.85 x 33.4009
    miami = fees.locality("09102-04")
    local = payment.quote("99213", locality=miami)
    assert local.amount == expected(row, row.pe_nonfacility, (miami.work_gpci, miami.pe_gpci, miami.mp_gpci))
    assert local.amount > national.amount
    assert payment.quote("99213", facility=True).amount == expected(row, row.pe_facility)


def test_payment_modifiers_as_medicare_applies_them():
    base = payment.quote("27130", facility=True).amount
    assert payment.quote("27130", facility=True, modifiers=["50"]).amount == (base * Decimal("1.5")).quantize(Decimal("0.01"))
    assert payment.quote("27130", facility=True, modifiers=["80"]).amount == (base * Decimal("0.16")).quantize(Decimal("0.01"))
    assert payment.quote("27130", facility=True, modifiers=["62"]).amount == (base * Decimal("0.625")).quantize(Decimal("0.01"))
    # 54: the pre- and intra-operative shares of 27130 (0.10 + 0.69)
    assert payment.quote("27130", facility=True, modifiers=["54"]).amount == (base * Decimal("0.79")).quantize(Decimal("0.01"))
    assert not payment.quote("27130", facility=True, modifiers=["56"]).payable
    team = payment.quote("27130", modifiers=["66"])
    assert not team.payable and "Team surgery not permitted" in team.problems[0]


def test_components_use_their_own_rows():
    _, rows = fees.rows_for("71046")
    assert payment.quote("71046", modifiers=["26"]).amount == expected(rows["26"], rows["26"].pe_nonfacility)
    assert payment.quote("71046", modifiers=["TC"]).amount == expected(rows["TC"], rows["TC"].pe_nonfacility)
    refused = payment.quote("99213", modifiers=["26"])
    assert not refused.payable and "does not apply" in refused.problems[0]


def test_codes_outside_the_fee_schedule_have_no_amount():
    excluded = payment.quote("J1100")
    assert not excluded.payable and "Excluded" in excluded.problems[0]


def test_multiple_procedures_pay_the_second_at_half_whichever_line_has_51():
    first, second = payment.quote_claim([("27447", []), ("27130", ["51"])], facility=True)
    alone = {code: payment.quote(code, facility=True).amount for code in ("27447", "27130")}
    high, low = sorted(alone, key=alone.get, reverse=True)
    amounts = {first.code: first.amount, second.code: second.amount}
    assert amounts[high] == alone[high]
    assert amounts[low] == (alone[low] * Decimal("0.5")).quantize(Decimal("0.01"))
