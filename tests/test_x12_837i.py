"""The 837I reader (medcode/scrubber/x12i.py): inpatient stays as written, bad files refused,
one bad claim kept to itself, envelope counts as warnings, and the generator's files
(bench/make_837i.py) read back whole. No database."""

import sys
from datetime import date

import pytest

from medcode.inpatient.stay import Diagnosis, Stay
from medcode.scrubber.claim import BatchError
from medcode.scrubber.x12 import Reader
from medcode.scrubber.x12i import Reader837I, read_837i
from tests.factories import bench_module, pyx12_envelope_errors
from tests.factories import x12_recount as recount
from tests.factories import x12_segments as segments_of

ISA = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *251101*0900*^*00501*000000201*0*T*:"
HEAD = ["BHT*0019*00*B201*20251101*0900*CH", "NM1*41*2*NORTHSIDE HOSPITAL*****46*S1", "PER*IC*BILLING*TE*5555550100",
        "NM1*40*2*ACME HEALTH*****46*87726", "HL*1**20*1", "NM1*85*2*NORTHSIDE HOSPITAL*****XX*1234567893",
        "N3*1 MAIN ST", "N4*SPRINGFIELD*IL*62701", "REF*EI*123456789"]  # fmt: skip
LINES = ["NM1*71*1*WELBY*MARCUS****XX*1245319599", "LX*1", "SV2*0120**5800*DA*4",
         "DTP*472*RD8*20251230-20260103", "LX*2", "SV2*0250**380.25*UN*1"]  # fmt: skip


def interchange(*segments, version="005010X223A2"):
    """An interchange of one transaction set holding these segments (after the billing
    provider), SE01, GE01 and IEA01 counted right."""
    body = [f"ST*837*0001*{version}", *HEAD, *segments]
    return "".join(segment + "~\n" for segment in [
        ISA, f"GS*HC*SUBMITTER*RECEIVER*20251101*0900*201*X*{version}", *body, f"SE*{len(body) + 1}*0001",
        "GE*1*201", "IEA*1*000000201",
    ])  # fmt: skip


def subscriber(hl, born="19481231", sex="F", dependants=False):
    return [f"HL*{hl}*1*22*{int(dependants)}", f"SBR*P*{'' if dependants else '18'}*******MA",
            "NM1*IL*1*DOE*JANE****MI*M001", f"DMG*D8*{born}*{sex}", "NM1*PR*2*MEDICARE*****PI*00435"]  # fmt: skip


def patient(hl, parent, born="19900620", sex="F"):
    return [f"HL*{hl}*{parent}*23*0", "PAT*19", "NM1*QC*1*ROE*LUCY", f"DMG*D8*{born}*{sex}"]


def claim(claim_id, *his, period="20251230-20260104", admitted="DTP*435*DT*202512301415", status="06"):
    """A claim's 2300 loop: CLM, dates, CL1, the HI segments given, and two service lines."""
    dates = [f"DTP*434*RD8*{period}"] + ([admitted] if admitted else [])
    return [f"CLM*{claim_id}*6180.25***11:A:1**A*Y*Y", "DTP*096*TM*1130", *dates, f"CL1*1*7*{status}",
            *(his or ["HI*ABK:I5020:::::::Y"]), *LINES]  # fmt: skip


# Jane Doe is her own subscriber; Lucy Roe is the dependant of a subscriber born 1950 (M), and
# her own DMG (1990, F) gives the stay its age and sex. Lucy's stay has no admission date.
GOOD = interchange(
    *subscriber(2),
    *claim("STAY-A", "HI*ABK:I5020:::::::Y", "HI*ABJ:R0602",
           "HI*ABF:N179:::::::N*ABF:E1165:::::::Y*ABF:Z87891:::::::1*ABF:I10"),
    *subscriber(3, born="19500101", sex="M", dependants=True),
    *patient(4, 3),
    *claim("STAY-B", "HI*ABK:S72001A:::::::Y", "HI*ABN:W19XXXA:::::::Y*ABN:Y92009", "HI*ABF:D649:::::::U",
           "HI*BBR:0QS604Z:D8:20270616*BBQ:30233N1:D8:20270617", "HI*BE:80:::5*BG:01",
           period="20270615-20270620", admitted="", status="03"),
)  # fmt: skip
EXPECTED = [
    Stay(
        principal=Diagnosis("I5020", "Y"),
        secondary=[Diagnosis("N179", "N"), Diagnosis("E1165", "Y"), Diagnosis("Z87891", ""), Diagnosis("I10", "")],
        admit_diagnosis=Diagnosis("R0602"),
        age=76,  # born 31 December 1948, admitted on the 30th: the day before her 77th birthday
        sex="F",
        discharge_status=6,
        discharge_date=date(2026, 1, 4),
        claim_id="STAY-A",
        bill_type="11",  # CLM05-1: hospital inpatient
        source="good.837 claim 1 (segment 18)",
    ),
    Stay(
        principal=Diagnosis("S72001A", "Y"),
        secondary=[Diagnosis("D649", "U"), Diagnosis("W19XXXA", "Y"), Diagnosis("Y92009", "")],  # ABF, then ABN
        procedures=["0QS604Z", "30233N1"],
        age=36,  # on 15 June 2027, the statement period's first day, five days before her 37th birthday
        sex="F",
        discharge_status=3,
        discharge_date=date(2027, 6, 20),
        claim_id="STAY-B",
        bill_type="11",
        source="good.837 claim 2 (segment 41)",
    ),
]


def read(text, name="good.837", **options):
    """(stays, warnings) of an 837I written as text."""
    reader = Reader837I(text.encode("ascii"), name, **options)
    return list(reader), reader.warnings


def position_of(text, start, after="ISA"):
    """The 1-based position of the first segment that starts with `start`, from the first that
    starts with `after` on."""
    segments = segments_of(text)
    first = next(number for number, segment in enumerate(segments) if segment.startswith(after))
    return next(number for number, segment in enumerate(segments[first:], first + 1) if segment.startswith(start))


@pytest.fixture(scope="module")
def make_837i():
    return bench_module("make_837i")


def test_reads_a_subscriber_stay_and_a_patient_loop_stay():
    stays, warnings = read(GOOD)
    assert stays == EXPECTED
    assert warnings == []
    assert position_of(GOOD, "CLM*STAY-B") == 41
    assert pyx12_envelope_errors(GOOD) == []  # the hand-written envelope is right by pyx12's X12Reader too


def test_read_837i_is_a_lazy_generator_and_a_reader_reads_its_file_once():
    stays = read_837i(b"not x12", "x.837")  # nothing read yet, nothing raised
    with pytest.raises(BatchError):
        next(stays)
    assert list(read_837i(GOOD.encode(), "good.837")) == EXPECTED
    reader = Reader837I(GOOD.encode(), "good.837")
    assert len(list(reader)) == 2
    with pytest.raises(RuntimeError, match="read already: a Reader837I reads its file once"):
        list(reader)


def test_the_age_is_at_admission_and_without_one_at_the_statement_periods_first_day():
    later_period = GOOD.replace("RD8*20251230-", "RD8*20251231-")  # her birthday
    assert read(later_period)[0][0].age == 76  # still admitted on the 30th
    stays, _ = read(later_period.replace("DTP*435*DT*202512301415", "DTP*435*D8*20251231"))
    assert stays[0].age == 77 and stays[0].problems == []
    stays, _ = read(recount(later_period.replace("DTP*435*DT*202512301415~\n", "")))
    assert stays[0].age == 77 and stays[0].problems == []


def test_the_patients_dmg_wins_and_a_patient_without_one_does_not_borrow_the_subscribers():
    stays, _ = read(GOOD.replace("DMG*D8*19900620*F", "DMG*D8*19900620*M"))
    assert (stays[1].age, stays[1].sex) == (36, "M")  # the subscriber is 77 and M
    text = recount(GOOD.replace("DMG*D8*19900620*F~\n", ""))
    stays, warnings = read(text)
    assert stays[1].sex == "U" and warnings == []
    at = position_of(text, "CLM*STAY-B")
    assert stays[1].problems == [f"CLM at segment {at}: no DMG for the patient (loop 2010CA): the age is unknown"]


@pytest.mark.parametrize(("written", "sex"), [("F", "F"), ("M", "M"), ("U", "U"), ("", "U"), ("X", "U")])
def test_sex_is_f_m_or_u(written, sex):
    stays, _ = read(GOOD.replace("DMG*D8*19481231*F", f"DMG*D8*19481231*{written}"))
    assert stays[0].sex == sex and stays[0].problems == []


def test_codes_are_upper_case_and_lose_their_dots_and_poa_1_or_blank_is_none():
    text = GOOD.replace("HI*ABK:I5020:::::::Y", "HI*ABK:i50.20:::::::y").replace("BBQ:30233N1", "BBQ:30233n1")
    stays, _ = read(text.replace("ABF:E1165:::::::Y", "ABF:e11.65:::::::"))
    assert stays[0].principal == Diagnosis("I5020", "Y")
    assert stays[0].secondary[1] == Diagnosis("E1165", "")
    assert stays[1].procedures == ["0QS604Z", "30233N1"]
    assert [s.problems for s in stays] == [[], []]


def test_the_type_of_bill_is_read_from_clm05():
    stays, _ = read(GOOD.replace("CLM*STAY-B*6180.25***11:A:1", "CLM*STAY-B*6180.25***13:A:1"))
    assert [s.bill_type for s in stays] == ["11", "13"]


def test_an_hi_or_cl1_before_any_claim_is_a_warning_and_not_read():
    text = recount(GOOD.replace("CLM*STAY-A*", "HI*ABF:E871~\nCL1*1*1*20~\nCLM*STAY-A*"))
    stays, warnings = read(text)
    assert [(s.secondary, s.discharge_status, s.problems) for s in stays] == [
        (e.secondary, e.discharge_status, []) for e in EXPECTED
    ]
    assert warnings == [
        "HI at segment 18 (byte 560): outside any claim (no CLM before it); ignored",
        "CL1 at segment 19 (byte 573): outside any claim (no CLM before it); ignored",
    ]


def test_nothing_is_read_from_the_service_lines():
    text = recount(GOOD.replace("LX*1~", "LX*1~\nHI*ABF:E871~\nCL1*1*1*20~\nDTP*434*RD8*20260101-20260131~", 1))
    stays, warnings = read(text)
    assert stays[0] == EXPECTED[0] and warnings == []


def three_stays(*middle):
    """An interchange of three subscribers' stays, the middle one's segments from `middle`:
    claim(...) with some change, a subscriber's DMG left as it is unless middle has one."""
    people = middle if any(segment.startswith("HL*") for segment in middle) else (*subscriber(3), *middle)
    return interchange(*subscriber(2), *claim("FIRST"), *people, *subscriber(4), *claim("LAST"))


def changed(old, new):
    return [segment.replace(old, new) for segment in claim("BAD")]


ids = "*".join


@pytest.mark.parametrize(
    ("middle", "bad_segment", "message"),
    [
        (changed("ABK:I5020", "ABK:I5"), "HI*ABK:I5", "diagnosis 'I5' (HI01-2, ABK) is not an ICD-10-CM code"),
        (claim("BAD", "HI*ABK:I5020*ABF:1234:::::::Y"), "HI*ABK", "diagnosis '1234' (HI02-2, ABF)"),
        (claim("BAD", "HI*ABK:I5020*ABF:E871:::::::Q"), "HI*ABK",
         "present-on-admission indicator (HI02-9) 'Q' of 'E871' is not Y, N, U, W or 1"),
        (claim("BAD", "HI*ABK:I5020*BBR:0SRD0J"), "HI*ABK",
         "procedure '0SRD0J' (HI02-2, BBR) is not an ICD-10-PCS code"),
        (claim("BAD", "HI*ABK:I5020*BBR:0SRDOJZ"), "HI*ABK", "procedure '0SRDOJZ'"),
        (claim("BAD", "HI*ABK:I5020*BK:4280"), "HI*ABK", "'4280' (HI02) is an ICD-9 code (BK), not ICD-10"),
        (claim("BAD", "HI*ABF:I5020"), "CLM*BAD", "no principal diagnosis (HI with ABK)"),
        (claim("BAD", "HI*ABK:I5020*ABK:J189"), "HI*ABK", "a second principal diagnosis (ABK) 'J189'"),
        (claim("BAD", "HI*ABK:I5020*BBQ:5A1955Z"), "CLM*BAD", "other procedures (BBQ) but no principal"),
        (claim("BAD", "HI*ABK:I5020", "HI*" + ids(f"ABF:Z{n:02d}" for n in range(12)),
               "HI*" + ids(f"ABN:W{n:02d}" for n in range(12)), "HI*ABF:Y99"),
         "HI*ABF:Y99", "diagnosis 'Y99' is past the 25 a stay carries (the principal and 24 others)"),
        (claim("BAD", "HI*ABK:I5020", "HI*BBR:0SRD0JZ*" + ids(f"BBQ:0SRD0J{n}" for n in range(10)),
               "HI*" + ids(f"BBQ:0SRC0J{n}" for n in range(10)), "HI*" + ids(f"BBQ:5A1955{n}" for n in range(5))),
         "HI*BBQ:5A1955", "procedure '5A19554' is past the 25 a stay carries"),
        (changed("DTP*434*RD8*20251230-20260104", "DTP*999*D8*20251230"), "CLM*BAD",
         "no statement period (DTP*434): the discharge date is unknown"),
        (changed("RD8*20251230-20260104", "RD8*20251230-20260231"), "DTP*434",
         "statement period: '20260231' is not a CCYYMMDD date"),
        (changed("RD8*20251230-20260104", "RD8*20260104-20251230"), "DTP*434", "ends before it starts"),
        (changed("DTP*434*RD8", "DTP*434*D8"), "DTP*434", "date format 'D8' (DTP02) is not RD8"),
        (changed("DT*202512301415", "DT*202512302515"), "DTP*435",
         "admission date: '202512302515' is not a CCYYMMDDHHMM date and time"),
        (changed("DT*202512301415", "DT*202601151415"), "CLM*BAD", "admitted on 2026-01-15 (DTP*435), after"),
        (changed("CL1*1*7*06", "CL1*1*7*X1"), "CL1*", "patient status (CL103) 'X1' is not a number"),
        (changed("CL1*1*7*06", "CL1*1*7"), "CL1*", "patient status (CL103) '' is not a number"),
        (changed("CL1*1*7*06", "NTE*ADD*NONE"), "CLM*BAD", "no CL1: the patient status (CL103) is unknown"),
        ([*subscriber(3, born="18990101"), *claim("BAD")], "DMG*D8*1899", "over 124"),
        ([*subscriber(3, born="20260101"), *claim("BAD")], "DMG*D8*2026",
         "born 2026-01-01, after the admission on 2025-12-30"),
        ([*subscriber(3, born=""), *claim("BAD")], "DMG*D8**F", "no birth date (DMG02): the age is unknown"),
        ([*subscriber(3, born="19481331"), *claim("BAD")], "DMG*D8*19481331", "birth date: '19481331' is not"),
        ([*subscriber(3), *claim("")], "CLM**", "no claim identifier (CLM01)"),
    ],
    ids=["short-diagnosis", "numeric-diagnosis", "bad-poa", "short-procedure", "procedure-with-O", "icd9",
         "no-principal", "two-principals", "bbq-without-bbr", "26-diagnoses", "26-procedures", "no-statement-period",
         "bad-discharge-date", "backwards-period", "d8-period", "bad-admission-hour", "admitted-after-discharge",
         "bad-status", "no-status", "no-cl1", "age-over-124", "born-after-admission", "no-birth-date",
         "bad-birth-date", "no-claim-id"],
)  # fmt: skip
def test_one_bad_claim_does_not_stop_the_others(middle, bad_segment, message):
    text = three_stays(*middle)
    stays, warnings = read(text)
    assert [s.claim_id for s in stays] == ["FIRST", stays[1].claim_id, "LAST"]
    assert stays[0].problems == [] and stays[2].problems == []
    assert stays[2].principal == Diagnosis("I5020", "Y") and stays[2].age == 76
    at = f"{bad_segment.split('*')[0]} at segment {position_of(text, bad_segment, after='HL*3*')}"
    assert any(problem.startswith(at) and message in problem for problem in stays[1].problems), stays[1].problems
    assert warnings == []


def test_the_three_stay_file_is_clean_with_a_good_middle_claim():
    text = three_stays(*claim("GOOD", "HI*ABK:I5020", "HI*" + ids(f"ABF:Z{n:02d}" for n in range(12)),
                             "HI*" + ids(f"ABN:W{n:02d}" for n in range(12))))  # fmt: skip
    stays, warnings = read(text)
    assert [s.problems for s in stays] == [[], [], []] and warnings == []
    assert len(stays[1].secondary) == 24 and stays[1].secondary[12] == Diagnosis("W00")
    assert pyx12_envelope_errors(text) == []


@pytest.mark.parametrize(
    ("wrong", "right", "warning"),
    [
        ("SE*53*0001~", "SE*54*0001~", "SE at segment 56 (byte 1455): SE01 '53', but the segments from ST to SE are 54"),
        ("SE*54*0002~", "SE*54*0001~", "SE at segment 56 (byte 1455): SE02 '0002', but ST02 is '0001'"),
        ("GE*2*201~", "GE*1*201~", "GE at segment 57 (byte 1467): GE01 '2', but the transaction sets in the group are 1"),
        ("IEA*3*000000201~", "IEA*1*000000201~",
         "IEA at segment 58 (byte 1477): IEA01 '3', but the functional groups in the interchange are 1"),
        ("", "IEA*1*000000201~\n", "end of file after segment 57: no IEA closes '000000201'"),
    ],
    ids=["SE01", "SE02", "GE01", "IEA01", "no-IEA"],
)  # fmt: skip
def test_an_envelope_count_that_disagrees_is_a_warning_and_every_stay_is_read(wrong, right, warning):
    text = GOOD.replace(right, wrong)
    assert text != GOOD
    stays, warnings = read(text)
    assert stays == EXPECTED
    assert len(warnings) == 1 and warnings[0].startswith(warning), warnings
    assert pyx12_envelope_errors(text)  # pyx12's own X12Reader agrees something is wrong


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD[:60], r"bad\.837: ISA at segment 1 \(byte 0\).*only 60 characters"),
        (GOOD.replace("*00501*", "*00401*", 1),
         r"ISA at segment 1 \(byte 0\): version 00401 \(ISA12\) is not 00501: 837I 005010X223A2 is 5010"),
        (GOOD.replace("GS*HC*", "GS*HS*"), r"GS at segment 2 \(byte 107\): functional group 'HS' \(GS01\)"),
        (GOOD.replace("ST*837*", "ST*270*"), r"ST at segment 3 \(byte \d+\): transaction set '270' \(ST01\) is not 837"),
        (GOOD.replace("GE*1*201~", "CLM*STRAY*1***11:A:1~\nGE*1*201~"),
         r"CLM at segment 57 \(byte 1467\): outside a transaction set \(no ST before it\)"),
        (GOOD.replace("LX*2~", "LX*2~~", 1), r"an empty segment after segment 30: the [\d,]+ bytes from byte \d+ on"),
        (GOOD.replace("ST*837*0001*005010X223A2~\n", "").replace("SE*54*0001~\n", ""),
         r"BHT at segment 3 \(byte 166\): outside a transaction set"),
        (ISA + "~\nGS*HC*S*R*20251101*0900*201*X*005010X223A2~\nGE*0*201~\nIEA*1*000000201~\n",
         r"bad\.837: no 837I transaction set \(ST\) in the file"),
    ],
    ids=["truncated-isa", "4010", "not-claims", "270", "segment-outside", "empty-segment", "no-st", "no-transactions"],
)
def test_a_broken_envelope_is_a_batch_error_naming_the_segment_and_where(text, message):
    with pytest.raises(BatchError, match=message):
        read(text, "bad.837")


def test_an_837p_given_to_the_837i_reader_is_refused_naming_what_it_is():
    text = GOOD.replace("005010X223A2", "005010X222A1")
    with pytest.raises(BatchError, match=r"^upload\.837: GS at segment 2 \(byte 107\): version '005010X222A1' "
                                         r"\(837P professional claim\) \(GS08\), not 005010X223A2$"):  # fmt: skip
        read(text, "upload.837")
    only_st = GOOD.replace("ST*837*0001*005010X223A2", "ST*837*0001*005010X222A1")
    with pytest.raises(BatchError, match=r"ST at segment 3 \(byte 166\): version '005010X222A1' \(837P professional "
                                         r"claim\) \(ST03\), not 005010X223A2"):  # fmt: skip
        read(only_st, "upload.837")
    make_837 = bench_module("make_837")  # the 837P generator's file
    with pytest.raises(BatchError, match=r"GS at segment 2 .*\(837P professional claim\)"):
        list(read_837i(make_837.generate(3, seed=1), "claims.837"))


def test_the_837p_reader_still_refuses_an_837i():
    with pytest.raises(BatchError, match=r"GS at segment 2 \(byte 107\): version '005010X223A2' \(837I institutional "
                                         r"claim\) \(GS08\), not 005010X222A1"):  # fmt: skip
        list(Reader(GOOD.encode(), "upload.837"))


def test_a_truncated_file_keeps_its_whole_stays_and_flags_the_cut_one():
    cut = GOOD.index("HI*BBR:0QS604Z") + 10
    stays, warnings = read(GOOD[:cut])
    assert stays[0] == EXPECTED[0]
    assert stays[1].principal == Diagnosis("S72001A", "Y") and stays[1].procedures == []
    assert stays[1].problems == ["the file ends inside this claim, after segment 47"]
    assert any("no segment terminator" in warning for warning in warnings)
    assert any("no SE closes '0001'" in warning for warning in warnings)


def test_a_file_over_the_limit_is_refused_before_reading():
    with pytest.raises(BatchError, match=r"big\.837: [\d,]+ bytes, over the limit of 1,000"):
        Reader837I(GOOD.encode(), "big.837", max_bytes=1000)


@pytest.mark.parametrize(
    "text",
    [GOOD.replace("\n", "\r\n"), GOOD.replace("\n", ""), "\ufeff\r\n" + GOOD,
     GOOD.replace("~\n", "\n").replace("*", "|").replace(":", ">")],
    ids=["crlf", "one-line", "bom-and-blank-line", "pipe-caret-newline"],
)  # fmt: skip
def test_line_breaks_byte_order_marks_and_other_separators_read_the_same(text):
    reader = Reader837I(text.encode("utf-8"), "good.837")
    assert list(reader) == EXPECTED and reader.warnings == []


def test_a_generated_file_reads_back_whole(make_837i):
    planned = make_837i.plan_stays(50, seed=11)
    data = make_837i.render(planned)
    reader = Reader837I(data, "generated.837")
    stays = list(reader)
    assert reader.warnings == [] and len(stays) == 50
    for got, wrote in zip(stays, planned, strict=True):
        assert got.problems == []
        poa = {"1": ""}
        assert got.principal == Diagnosis(wrote.principal[0], wrote.principal[1])
        assert got.secondary == [Diagnosis(code, poa.get(p, p)) for code, p in wrote.others + wrote.external]
        assert got.admit_diagnosis == Diagnosis(wrote.admitting)
        assert got.procedures == wrote.procedures
        assert (got.claim_id, got.age, got.sex) == (wrote.claim_id, wrote.age, wrote.sex)
        assert (got.discharge_status, got.discharge_date) == (int(wrote.status), wrote.discharged)
    assert {s.discharge_date.year for s in stays} == {2025, 2026, 2027}
    assert any(len(s.secondary) > 12 for s in stays) and any(s.procedures for s in stays)
    assert any(not w.patient_is_subscriber for w in planned)


def test_the_generator_is_deterministic_passes_pyx12_and_runs_from_the_command_line(tmp_path, monkeypatch, make_837i):
    data = make_837i.generate(150, seed=3)
    assert data == make_837i.generate(150, seed=3) != make_837i.generate(150, seed=4)
    assert pyx12_envelope_errors(data.decode()) == []  # 2 transaction sets
    out = tmp_path / "stays.837"
    monkeypatch.setattr(sys, "argv", ["make_837i.py", "20", str(out)])
    make_837i.main()
    assert len(list(read_837i(out.read_bytes(), "stays.837"))) == 20
