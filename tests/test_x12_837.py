"""The 837P reader (medcode/scrubber/x12.py): claims as written, bad files refused, one bad
claim kept to itself, and the generator's files (bench/make_837.py) read back whole."""

from datetime import date

import pytest

from medcode.scrubber.claim import BatchError, Claim, ServiceLine
from medcode.scrubber.x12 import Reader, read_837p
from tests.factories import bench_module, pyx12_envelope_errors
from tests.factories import x12_recount as recount
from tests.factories import x12_segments as segments_of

# Two claims: Jane Doe is her own subscriber (2000B only); Lucy Roe is Richard Roe's dependant
# (2000C patient loop), so her DMG, not his, gives the claim's age and sex.
ISA = "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       *250301*0900*^*00501*000000101*0*T*:~"
GOOD = (
    ISA
    + """
GS*HC*SUBMITTER*RECEIVER*20250301*0900*101*X*005010X222A1~
ST*837*0001*005010X222A1~
BHT*0019*00*B101*20250301*0900*CH~
NM1*41*2*NORTHSIDE CLINIC*****46*S1~
PER*IC*BILLING*TE*5555550100~
NM1*40*2*ACME HEALTH*****46*87726~
HL*1**20*1~
NM1*85*2*NORTHSIDE CLINIC*****XX*1234567893~
N3*1 MAIN ST~
N4*SPRINGFIELD*IL*62701~
REF*EI*123456789~
HL*2*1*22*0~
SBR*P*18*GRP01******CI~
NM1*IL*1*DOE*JANE****MI*M001~
N3*12 ELM ST~
N4*SPRINGFIELD*IL*62701~
DMG*D8*19600315*F~
NM1*PR*2*ACME HEALTH*****PI*87726~
CLM*CLAIM-A*407***11:B:1*Y*A*Y*Y~
HI*ABK:M1711*ABF:I10*ABF:E119~
NM1*82*1*WELBY*MARCUS****XX*1245319599~
LX*1~
SV1*HC:99214:25*165*UN*1***1:2:3~
DTP*472*D8*20250314~
LX*2~
SV1*HC:20610:rt*210*UN*1***1~
DTP*472*D8*20250314~
LX*3~
SV1*HC:J1100*32*UN*4***1~
DTP*472*D8*20250314~
HL*3*1*22*1~
SBR*P**GRP02******CI~
NM1*IL*1*ROE*RICHARD****MI*M002~
N3*9 OAK AVE~
N4*SPRINGFIELD*IL*62702~
DMG*D8*19700101*M~
NM1*PR*2*ACME HEALTH*****PI*87726~
HL*4*3*23*0~
PAT*19~
NM1*QC*1*ROE*LUCY~
N3*9 OAK AVE~
N4*SPRINGFIELD*IL*62702~
DMG*D8*20150620*F~
CLM*CLAIM-B*760***22:B:1*Y*A*Y*Y~
DTP*431*D8*20250601~
HI*ABK:S83241A*ABF:M25561~
LX*1~
SV1*HC:99213*110*UN*1***1:2~
DTP*472*D8*20250619~
LX*2~
SV1*HC:73721:26:RT*650*UN*1***1~
DTP*472*D8*20250619~
SE*52*0001~
GE*1*101~
IEA*1*000000101~
"""
)

EXPECTED = [
    Claim(
        claim_id="CLAIM-A",
        diagnoses=["M1711", "I10", "E119"],
        lines=[
            ServiceLine(1, "99214", ["25"], 1, [1, 2, 3], date(2025, 3, 14), "165"),
            ServiceLine(2, "20610", ["RT"], 1, [1], date(2025, 3, 14), "210"),
            ServiceLine(3, "J1100", [], 4, [1], date(2025, 3, 14), "32"),
        ],
        age=64,  # born 15 March 1960, seen the day before her 65th birthday
        sex="F",
        place_of_service="11",
        source="good.837 claim 1 (segment 20)",
    ),
    Claim(
        claim_id="CLAIM-B",
        diagnoses=["S83241A", "M25561"],
        lines=[
            ServiceLine(1, "99213", [], 1, [1, 2], date(2025, 6, 19), "110"),
            ServiceLine(2, "73721", ["26", "RT"], 1, [1], date(2025, 6, 19), "650"),
        ],
        age=9,  # Lucy, born 20 June 2015; her father Richard's DMG says 1970 and M
        sex="F",
        place_of_service="22",
        source="good.837 claim 2 (segment 45)",
    ),
]


def read(text, name="good.837", **options):
    """(claims, warnings) of an 837P written as text."""
    reader = Reader(text.encode("ascii"), name, **options)
    return list(reader), reader.warnings


def position_of(text, start):
    """The 1-based position of the first segment that starts with `start`."""
    return next(number for number, segment in enumerate(segments_of(text), 1) if segment.startswith(start))


@pytest.fixture(scope="module")
def make_837():
    return bench_module("make_837")


def test_reads_a_subscriber_claim_and_a_patient_loop_claim():
    claims, warnings = read(GOOD)
    assert claims == EXPECTED
    assert warnings == []


def test_the_hand_written_file_passes_pyx12s_envelope_checks():
    assert pyx12_envelope_errors(GOOD) == []


def test_read_837p_is_a_lazy_generator():
    claims = read_837p(b"not x12", "x.837")  # nothing read yet, nothing raised
    with pytest.raises(BatchError):
        next(claims)
    assert list(read_837p(GOOD.encode(), "good.837")) == EXPECTED


def test_rd8_range_gives_its_first_day_and_a_claim_date_serves_lines_without_one():
    text = GOOD.replace("DTP*472*D8*20250619~\nLX*2", "DTP*472*RD8*20250619-20250621~\nLX*2")
    text = text.replace("SV1*HC:73721:26:RT*650*UN*1***1~\nDTP*472*D8*20250619~\n", "SV1*HC:73721:26:RT*650*UN*1***1~\n")
    text = recount(text.replace("DTP*431*D8*20250601~", "DTP*431*D8*20250601~\nDTP*472*RD8*20250620-20250622~"))
    claims, warnings = read(text)
    patient = claims[1]
    assert (patient.day, patient.lines[0].day, patient.lines[1].day) == (date(2025, 6, 20), date(2025, 6, 19), None)
    assert patient.day_of(patient.lines[1]) == date(2025, 6, 20)
    assert patient.age == 10  # on the claim's date, the 20th: her birthday
    assert patient.problems == [] and warnings == []


def test_codes_are_upper_case_and_diagnoses_lose_their_dots():
    text = GOOD.replace("HI*ABK:M1711*ABF:I10*ABF:E119~", "HI*ABK:m17.11*ABF:I10*ABF:e11.9~")
    claims, _ = read(text.replace("SV1*HC:J1100*", "SV1*HC:j1100*"))
    assert claims[0].diagnoses == ["M1711", "I10", "E119"]
    assert claims[0].lines[2].code == "J1100"
    assert claims[0].problems == []


def test_a_patient_loop_without_dmg_does_not_borrow_the_subscribers_age_or_sex():
    claims, _ = read(recount(GOOD.replace("DMG*D8*20150620*F~\n", "")))
    assert (claims[1].age, claims[1].sex) == (None, None)
    assert (claims[0].age, claims[0].sex) == (64, "F")


@pytest.mark.parametrize(
    "text",
    [
        GOOD.replace("\n", "\r\n"),
        GOOD.replace("\n", ""),
        "\ufeff\r\n" + GOOD,
        GOOD.replace("~\n", "\n").replace("*", "|").replace(":", ">"),  # the ISA says which separators
    ],
    ids=["crlf", "one-line", "bom-and-blank-line", "pipe-caret-newline"],
)
def test_line_breaks_byte_order_marks_and_other_separators_read_the_same(text):
    reader = Reader(text.encode("utf-8"), "good.837")
    assert list(reader) == EXPECTED and reader.warnings == []


def test_concatenated_interchanges_are_read_one_after_the_other():
    second = GOOD.replace("000000101", "000000102").replace("CLAIM-", "CLAIM2-")
    claims, warnings = read(GOOD + second)
    assert [(c.claim_id, c.source) for c in claims][2:] == [
        ("CLAIM2-A", "good.837 claim 3 (segment 76)"),
        ("CLAIM2-B", "good.837 claim 4 (segment 101)"),
    ]
    assert warnings == []
    _, warnings = read(GOOD.replace("GE*1*101~\nIEA*1*000000101~\n", "") + second)
    assert warnings == [
        "ISA at segment 55 (byte 1348): no GE closed functional group '101'",
        "ISA at segment 55 (byte 1348): no IEA closed interchange '000000101'",
    ]


def test_unknown_sex_is_none():
    claims, _ = read(GOOD.replace("DMG*D8*19600315*F~", "DMG*D8*19600315*U~"))
    assert claims[0].sex is None and claims[0].problems == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (b"   \r\n", "empty file"),
        (b"claim_id,code\nA1,99213\n", r"ISA at segment 1 \(byte 0\): not an X12 5010 interchange.*ISA"),
        (GOOD[:60].encode(), r"ISA at segment 1 \(byte 0\).*only 60 characters"),
        (GOOD.replace("SUBMITTER      *ZZ", "SUBMITTER     *ZZ", 1).encode(), r"ISA06 is 14 characters, not 15"),
        (GOOD.replace("*00501*", "*00401*", 1).encode(), r"ISA at segment 1 \(byte 0\): version 00401"),
        (GOOD.replace("*T*:~", "*T*~~", 1).encode(), r"ISA at segment 1 \(byte 0\).*separators"),
    ],
    ids=["empty", "blank", "csv", "truncated-isa", "isa-field-too-short", "4010", "bad-separators"],
)
def test_a_file_that_is_not_x12_5010_is_refused(data, message):
    with pytest.raises(BatchError, match=message):
        Reader(data, "upload.837")


def test_an_eligibility_inquiry_270_is_refused_at_its_gs():
    text = GOOD.replace("GS*HC*", "GS*HS*").replace("005010X222A1", "005010X279A1").replace("ST*837*", "ST*270*")
    with pytest.raises(BatchError, match=r"upload\.837: GS at segment 2 \(byte 107\): functional group 'HS'"):
        list(Reader(text.encode(), "upload.837"))
    with pytest.raises(BatchError, match=r"ST at segment 3 \(byte 166\): transaction set '270' \(ST01\) is not 837"):
        list(Reader(text.replace("GS*HS*", "GS*HC*").replace("X279A1~\nST", "X222A1~\nST").encode(), "upload.837"))


def test_an_institutional_837i_is_refused_naming_its_version():
    text = GOOD.replace("005010X222A1", "005010X223A2")
    with pytest.raises(BatchError, match=r"GS at segment 2 \(byte 107\): version '005010X223A2' \(837I institutional"):
        list(Reader(text.encode(), "upload.837"))
    only_st = GOOD.replace("ST*837*0001*005010X222A1", "ST*837*0001*005010X223A2")
    with pytest.raises(BatchError, match=r"ST at segment 3 .*'005010X223A2' \(837I institutional claim\) \(ST03\)"):
        list(Reader(only_st.encode(), "upload.837"))


def test_a_transaction_set_whose_version_nothing_states_is_refused():
    text = GOOD.replace("GS*HC*SUBMITTER*RECEIVER*20250301*0900*101*X*005010X222A1~\n", "")
    claims, warnings = read(text.replace("GE*1*101~\n", ""))  # no GS, but ST03 says 837P
    assert [c.claim_id for c in claims] == ["CLAIM-A", "CLAIM-B"] and claims[0].lines == EXPECTED[0].lines
    assert warnings == [
        "ST at segment 2 (byte 107): outside a functional group (no GS before it)",
        "IEA at segment 54 (byte 1289): IEA01 '1', but the functional groups in the interchange are 0",
    ]
    with pytest.raises(BatchError, match=r"ST at segment 2 \(byte 107\): version '' \(ST03\)"):
        read(text.replace("ST*837*0001*005010X222A1", "ST*837*0001"))


def test_a_reader_reads_its_file_once():
    reader = Reader(GOOD.encode(), "good.837")
    assert len(list(reader)) == 2
    with pytest.raises(RuntimeError, match="read already"):
        list(reader)


def test_over_the_size_limit_is_refused_before_reading():
    with pytest.raises(BatchError, match=r"over the limit of 1,000"):
        Reader(GOOD.encode(), "big.837", max_bytes=1000)


@pytest.mark.parametrize(
    ("wrong", "right", "warning"),
    [
        ("SE*51*0001~", "SE*52*0001~", "SE at segment 54 (byte 1336): SE01 '51', but the segments from ST to SE are 52"),
        ("SE*52*0002~", "SE*52*0001~", "SE at segment 54 (byte 1336): SE02 '0002', but ST02 is '0001'"),
        ("GE*2*101~", "GE*1*101~", "GE at segment 55 (byte 1348): GE01 '2', but the transaction sets in the group are 1"),
        ("IEA*3*000000101~", "IEA*1*000000101~", "IEA at segment 56 (byte 1358): IEA01 '3', but the functional groups"),
    ],
    ids=["SE01", "SE02", "GE01", "IEA01"],
)
def test_a_wrong_envelope_count_is_a_warning_and_every_claim_is_read(wrong, right, warning):
    text = GOOD.replace(right, wrong)
    claims, warnings = read(text)
    assert claims == EXPECTED
    assert len(warnings) == 1 and warnings[0].startswith(warning)
    assert pyx12_envelope_errors(text)  # pyx12's own X12Reader agrees something is wrong


def test_a_truncated_file_keeps_its_whole_claims_and_flags_the_cut_one():
    cut = GOOD.index("SV1*HC:73721") + 10
    claims, warnings = read(GOOD[:cut])
    assert claims[0] == EXPECTED[0]
    assert [line.code for line in claims[1].lines] == ["99213", ""]
    assert any("the file ends inside this claim" in problem for problem in claims[1].problems)
    assert any("no segment terminator" in warning for warning in warnings)
    assert any("no SE closes '0001'" in warning for warning in warnings)


def test_an_empty_segment_mid_file_is_refused_where_it_is():
    text = GOOD.replace("LX*2~\nSV1*HC:20610", "LX*2~~\nSV1*HC:20610")
    with pytest.raises(BatchError, match=r"an empty segment after segment 26: the \d+ bytes from byte \d+ on"):
        read(text)


def test_a_segment_outside_any_transaction_set_is_refused():
    with pytest.raises(BatchError, match=r"CLM at segment 55 \(byte \d+\): outside a transaction set"):
        read(GOOD.replace("GE*1*101~", "CLM*STRAY*1***11:B:1~\nGE*1*101~"))


def claim(claim_id, hi="HI*ABK:I10*ABF:E119", lines=("SV1*HC:99213*110*UN*1***1:2",)):
    """The segments of a subscriber-is-patient claim, its lines on 14 March 2025."""
    segments = ["HL*{hl}*1*22*0", "SBR*P*18*GRP01******CI", "NM1*IL*1*DOE*JANE****MI*M001", "DMG*D8*19600315*F",
                f"CLM*{claim_id}*110***11:B:1*Y*A*Y*Y", hi]  # fmt: skip
    for number, line in enumerate(lines, 1):
        segments += [f"LX*{number}", line, "DTP*472*D8*20250314"]
    return segments


def three_claims(middle):
    """An interchange of three claims, the middle one `middle` (its segments)."""
    last = claim("LAST", lines=("SV1*HC:99214*165*UN*1***1", "SV1*HC:93000*60*UN*1***2"))
    body = [segment.replace("{hl}", str(hl)) for hl, segments in enumerate([claim("FIRST"), middle, last], 2)
            for segment in segments]  # fmt: skip
    head = GOOD[: GOOD.index("HL*2*1*22*0")]  # ISA to the billing provider
    return recount(head + "".join(segment + "~\n" for segment in body) + "SE*0*0001~\nGE*1*101~\nIEA*1*000000101~\n")


@pytest.mark.parametrize(
    ("middle", "bad_segment", "message"),
    [
        (claim("BAD", lines=("SV1*HC:99213*110*UN*X***1",)), "SV1*HC:99213*110*UN*X", "units (SV104) 'X'"),
        (claim("BAD", lines=("SV1*HC:99213*110*UN*1.5***1",)), "SV1*HC:99213*110*UN*1.5", "units (SV104) '1.5'"),
        (claim("BAD", lines=("SV1*HC:99213*110*UN*1***1:3",)), "SV1*HC:99213*110*UN*1***1:3", "pointer 3, but the claim has 2"),
        (claim("BAD", lines=("SV1*HC:99213*110*UN*1***0",)), "SV1*HC:99213*110*UN*1***0", "pointer 0, but"),
        (claim("BAD", lines=("SV1*HC:9921*110*UN*1***1",)), "SV1*HC:9921*", "procedure code (SV101-2) '9921'"),
        (claim("BAD", lines=("SV1*HC:99213:2*110*UN*1***1",)), "SV1*HC:99213:2*", "modifier '2'"),
        (claim("BAD", hi="HI*ABK:I10*ABF:1234"), "HI*ABK:I10*ABF:1234", "'1234' is not an ICD-10-CM code"),
        (claim("BAD", hi="HI*ABF:I10"), "HI*ABF:I10", "before the principal one (ABK)"),
        (claim("BAD", hi="HI*" + "*".join(f"ABF:Z{n:02d}" for n in range(13)).replace("ABF", "ABK", 1)),
         "HI*ABK:Z00", "'Z12' is past the 12"),
        (claim("BAD", lines=("SV1*HC:99213*110*UN*1***1",) * 51), "LX*51", "more than 50 service lines"),
        ([segment.replace("D8*20250314", "D8*20250231") for segment in claim("BAD")], "DTP*472*D8*20250231",
         "'20250231' is not a CCYYMMDD date"),
        ([segment.replace("DMG*D8*19600315", "DMG*D8*1960") for segment in claim("BAD")], "DMG*D8*1960*",
         "birth date: '1960'"),
    ],
    ids=["units", "fractional-units", "pointer-past-diagnoses", "pointer-zero", "short-code", "bad-modifier",
         "bad-diagnosis", "no-principal", "13-diagnoses", "51-lines", "bad-date", "bad-birth-date"],
)  # fmt: skip
def test_one_bad_claim_does_not_stop_the_others(middle, bad_segment, message):
    text = three_claims(middle)
    claims, warnings = read(text)
    assert [c.claim_id for c in claims] == ["FIRST", "BAD", "LAST"]
    assert claims[0].problems == [] and claims[2].problems == []
    assert [line.code for line in claims[2].lines] == ["99214", "93000"] and claims[2].age == 64
    at = f"{bad_segment.split('*')[0]} at segment {position_of(text, bad_segment)}"
    assert any(problem.startswith(at) and message in problem for problem in claims[1].problems), claims[1].problems
    assert warnings == []


def test_the_three_claim_file_is_clean_with_a_good_middle_claim():
    text = three_claims(claim("GOOD"))
    claims, warnings = read(text)
    assert [c.problems for c in claims] == [[], [], []] and warnings == []
    assert pyx12_envelope_errors(text) == []


def test_a_generated_file_reads_back_whole(make_837):
    planned = make_837.plan_claims(2000, seed=11)
    claims, warnings = read(make_837.render(planned).decode(), "generated.837")
    assert warnings == []
    assert len(claims) == 2000
    assert sum(len(c.lines) for c in claims) == sum(len(p.lines) for p in planned)
    for got, wrote in zip(claims, planned, strict=True):
        assert got.problems == []
        assert (got.claim_id, got.diagnoses, got.place_of_service) == (wrote.claim_id, wrote.diagnoses, wrote.place_of_service)
        assert got.sex == {"U": None}.get(wrote.sex, wrote.sex)
        served = wrote.lines[0].first_day
        assert got.age == served.year - wrote.birth_date.year - (served.timetuple()[1:3] < wrote.birth_date.timetuple()[1:3])
        assert [(line.code, line.modifiers, int(line.units), line.pointers, line.first_day) for line in wrote.lines] == [
            (line.code, line.modifiers, line.units, line.pointers, line.day) for line in got.lines
        ]


def test_the_generator_is_deterministic_and_its_envelope_passes_pyx12(make_837):
    data = make_837.generate(250, seed=3)
    assert data == make_837.generate(250, seed=3) != make_837.generate(250, seed=4)
    assert pyx12_envelope_errors(data.decode()) == []  # 3 transaction sets of up to 100 claims


def test_generated_faults_stay_in_their_claims(make_837):
    claims = list(read_837p(make_837.generate(12, seed=5, faults=True), "faults.837"))
    assert len(claims) == 12
    faulty = {number: c.problems for number, c in enumerate(claims, 1) if c.problems}
    assert list(faulty) == [2, 3] == [n for n in range(1, 13) if make_837.fault_in(n)]
    assert "diagnosis pointer" in faulty[2][0] and faulty[2][0].startswith("SV1 at segment ")
    assert "units (SV104) 'X'" in faulty[3][0] and faulty[3][0].startswith("SV1 at segment ")
