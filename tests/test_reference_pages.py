"""Reference sections on code pages, the tools' pages and their API, as readers see them."""

import html
import json
import re

import pytest

from medcode.reference import importers
from tests.factories import PTP_2026Q2, REFERENCE_FIXTURES, make_user

pytestmark = pytest.mark.django_db


def text_of(response):
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def section(response, key):
    markup = response.content.decode()
    match = re.search(rf'<section id="{key}"[^>]*>(.*?)</section>', markup, re.S)
    assert match, f"no section {key}"
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))))


@pytest.fixture
def ptp():
    importers.import_file("ncci-ptp", PTP_2026Q2)


def test_20700_shows_its_primaries_rvus_and_global_period(page):
    response, _ = page("/cpt/20700/?date=2026-05-01")
    addon = section(response, "addon")
    assert "20700 is an add-on code" in addon and "11043" in addon
    rvu = section(response, "rvu")
    assert "ZZZ" in rvu and "Add-on code" in rvu and "1.46" in rvu  # work RVU of 20700, RVU26C


def test_99213_shows_its_mue_a_locality_fee_and_the_old_ptp_release(page):
    response, _ = page("/cpt/99213/?locality=09102-04")
    mue = section(response, "mue")
    assert re.search(r"Practitioner 2 MAI 3", mue)
    rvu = section(response, "rvu")
    assert "$95.19" in rvu  # national non-facility: 2.85 RVUs x 33.4009
    # Miami (09102-04): (1.30 x 1.000 + 1.46 x 1.041 + 0.09 x 2.529) x 33.4009
    assert "Miami" in rvu and "$101.79" in rvu
    ncci = section(response, "ncci")  # the shipped 2024 Q3 edits, said to be older than today calls for
    assert "Release 2024Q3" in ncci and "a newer release was due by Oct 1, 2024" in ncci


def test_ncci_section_lists_filters_and_explains_the_edits(page, ptp):
    response, _ = page("/cpt/99213/?date=2026-05-01&ncci_role=column2")
    ncci = section(response, "ncci")
    assert "20610" in ncci and "May be bypassed by modifier 25" in ncci
    response, _ = page("/cpt/20610/?date=2026-05-01&ncci_role=column2&ncci_status=deleted")
    deleted = section(response, "ncci")
    assert "27130" in deleted and "2010-03-31" in deleted and "Not applicable" in deleted
    response, _ = page("/cpt/20610/?date=2026-05-01&ncci_role=column2&ncci_code=274")
    assert "27447" in section(response, "ncci") and "27130" not in section(response, "ncci")


def test_modifiers_section_links_to_modifier_pages(page, ptp):
    response, _ = page("/cpt/27130/")
    modifiers = section(response, "modifiers")
    for modifier in ("50", "51", "80", "62", "57", "78"):
        assert re.search(rf"\b{modifier}\b", modifiers)
    assert 'href="/modifiers/50/"' in response.content.decode()
    guide = page("/modifiers/59/")[1]
    assert "When to use it" in guide and "Common mistakes" in guide
    hcpcs = page("/modifiers/XS/")[1]
    assert "Separate structure" in hcpcs
    assert page("/modifiers/ZZZ/")[0].status_code == 404


def test_guests_get_the_section_titles_never_the_numbers(client):
    client.get("/hcpcs/J1100/")  # the guest's one view
    response = client.get("/cpt/99213/?locality=09102-04")
    markup = response.content.decode()
    for title in ("NCCI procedure-to-procedure edits", "Medically unlikely edits", "RVUs, global period and payment"):
        assert title in markup
    assert "Register to view content" in markup
    assert "95.19" not in markup and "MAI 3" not in markup and "1.46" not in markup


def test_coverage_sections_and_the_crosswalk(page):
    response, _ = page("/cpt/99213/")
    assert "code lists are not loaded" in section(response, "coverage")
    importers.import_file("coverage", [REFERENCE_FIXTURES / "mcd"], release="2026-10-01")
    response, _ = page("/icd-10-cm/G43.909/")
    assert "70551" in section(response, "crosswalks")
    response, _ = page("/cpt/70551/")
    coverage = section(response, "coverage")
    assert "A57215" in coverage and "MRI and CT Scans of the Head and Neck" in coverage
    assert "G43.909" in coverage and "Headache & migraine" in coverage


def test_coverage_document_search(client):
    text = text_of(client.get("/coverage/?q=L33718"))
    assert "Positive Airway Pressure" in text


def test_claim_check_page_flags_each_kind_of_problem(subscriber_client, ptp):
    response = subscriber_client.post("/tools/claim-check/", {
        "lines": "20700\n99213 3\n11042\n97597", "setting": "practitioner", "date": "2026-05-01",
    })
    text = text_of(response)
    assert "20700 is an add-on code reported without an eligible primary code" in text
    assert "3 units on the day, above the MUE of 2" in text
    assert "11042 (column 1) with 97597 (column 2): 97597 is denied" in text
    fixed = text_of(subscriber_client.post("/tools/claim-check/", {
        "lines": "11043\n20700\n11042\n97597-59", "setting": "practitioner", "date": "2026-05-01",
    }))
    assert "bypassed by modifier 59" in fixed and "Denied" not in fixed


def test_claim_check_needs_csrf(ptp):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/tools/claim-check/", {"lines": "99213"}).status_code == 403


def test_claim_check_rejects_hostile_input_clearly(subscriber_client):
    response = subscriber_client.post("/tools/claim-check/", {"lines": "<script>alert(1)</script>"})
    markup = response.content.decode()
    assert "is not a CPT or HCPCS code" in text_of(response)
    assert "<script>alert(1)" not in markup and "&lt;script&gt;alert(1)" in markup
    huge = subscriber_client.post("/tools/claim-check/", {"lines": "99213\n" * 3000})
    assert "at most 5000 characters" in text_of(huge)


def test_a_tool_run_uses_a_view_like_a_page(client):
    prefilled = client.get("/tools/fees/?codes=99213")  # a link fills the form, it does not spend a view
    assert 'value="99213"' in prefilled.content.decode() and "$95.19" not in text_of(prefilled)
    first = text_of(client.post("/tools/fees/", {"codes": "99213"}))
    assert "$95.19" in first
    second = text_of(client.post("/tools/fees/", {"codes": "99213,27130"}))
    assert "Register to run the fee calculator" in second and "$" not in second.split("Calculate")[-1]


def test_fee_calculator_page(subscriber_client):
    text = text_of(subscriber_client.post("/tools/fees/", {"codes": "27130-50, 27447", "locality": "09102-04",
                                                           "facility": "1"}))
    assert "Modifier 50" in text and "Multiple procedures" in text and "Total allowed" in text
    bad = text_of(subscriber_client.post("/tools/fees/", {"codes": "27130-5OO"}))
    assert "'5OO' is not a modifier" in bad and "Total allowed" not in bad


def test_reference_status_page_says_what_is_missing(client):
    text = text_of(client.get("/reference/"))
    assert "Medicare coverage article code lists Not loaded" in text
    assert "MUE, practitioner services 2026Q2" in text and "NCCI PTP edits, practitioner 2024Q3" in text


def test_what_changed_page(subscriber_client):
    importers.import_file("mue", [REFERENCE_FIXTURES / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"])
    text = text_of(subscriber_client.get("/reference/changes/?kind=mue-practitioner&from=2026Q2&to=2026Q3&code=99213"))
    assert "0 added · 0 removed · 1 changed" in text and "units 2 → 3" in text


def test_what_changed_for_a_code_is_metered_like_its_page(client):
    importers.import_file("mue", [REFERENCE_FIXTURES / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"])
    url = "/reference/changes/?kind=mue-practitioner&from=2026Q2&to=2026Q3&code="
    overall = text_of(client.get(url))
    assert "4 changed" not in overall and "Subscribe to list every change" in overall and "units 2 → 3" not in overall
    assert "units 2 → 3" in text_of(client.get(url + "99213"))  # the guest's one view
    refused = text_of(client.get(url + "20700"))
    assert "Register to view what changed for 20700" in refused and "Code Descriptor" not in refused
    api = client.get("/api/reference/changes?kind=mue-practitioner&from=2026Q2&to=2026Q3&code=20700").json()
    assert api["counts"]["changed"] == 0 and api["changed"] is None


# API -------------------------------------------------------------------------------------

def test_api_sections_for_a_subscriber(subscriber_client, ptp):
    mue = subscriber_client.get("/api/codes/cpt/99213/mue").json()
    assert {(m["setting"], m["units"]) for m in mue} >= {("practitioner", 2), ("hospital", 2)}
    rvu = subscriber_client.get("/api/codes/cpt/27130/rvu?locality=09102-04").json()
    assert rvu["indicators"]["global"].startswith("90 days") and rvu["payment"][1]["amount"]
    ncci = subscriber_client.get("/api/codes/cpt/99213/ncci?role=column2&date=2026-05-01").json()
    assert ncci["count"] == 1 and ncci["edits"][0]["column1"] == "20610" and ncci["edits"][0]["modifier_indicator"] == 1
    assert subscriber_client.get("/api/codes/cpt/99213/ncci?role=sideways").status_code == 400
    assert subscriber_client.get("/api/codes/cpt/99213/rvu?locality=nowhere").status_code == 400


def test_api_claim_check(subscriber_client, ptp):
    body = {"date": "2026-05-01", "lines": [{"code": "20700"}, {"code": "29881"}, {"code": "29877", "modifiers": ["59"]}]}
    result = subscriber_client.post("/api/reference/claim-check", json.dumps(body), content_type="application/json").json()
    kinds = {(f["kind"], f["severity"]) for f in result["findings"]}
    assert ("addon", "deny") in kinds and ("ptp", "deny") in kinds and result["denials"] == 2
    bad = subscriber_client.post("/api/reference/claim-check", json.dumps({"lines": [{"code": "<b>"}]}),
                                 content_type="application/json")
    assert bad.status_code == 400 and "not a CPT or HCPCS code" in bad.json()["detail"]


def test_api_is_metered_like_the_pages(client):
    assert client.get("/api/codes/cpt/99213/mue").status_code == 200  # the guest's one view
    refused = client.get("/api/codes/cpt/27130/rvu")
    assert refused.status_code == 402 and "register" in refused.json()["detail"]
    assert client.get("/api/codes/cpt/99213/mue").status_code == 200  # already unlocked: free


def test_api_schema_documents_the_reference_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/codes/{system}/{code}/ncci", "/api/codes/{system}/{code}/rvu", "/api/reference/claim-check",
                 "/api/reference/fees", "/api/reference/changes", "/api/reference/localities"):
        assert path in paths


def test_a_tool_run_costs_what_opening_its_codes_pages_would(client):
    """A free account's five views open five codes, by page or by tool; codes already open cost nothing."""
    client.force_login(make_user("free@example.com"))
    assert "$95.19" in text_of(client.post("/tools/fees/", {"codes": "99213, 99214, 99212"}))
    for _ in range(3):  # already open: free to run again, alone or with others
        assert "$95.19" in text_of(client.post("/tools/fees/", {"codes": "99213"}))
    client.get("/cpt/27447/")  # the fourth code, by its page
    text = text_of(client.post("/tools/fees/", {"codes": "99213, 20610, 27130"}))
    assert "Upgrade to run the fee calculator" in text and "This run needs 2 views; 1 is left" in text
    assert "$95.19" in text_of(client.post("/tools/fees/", {"codes": "27447, 99213, 20610"}))
    assert "Upgrade to run" in text_of(client.post("/tools/fees/", {"codes": "27130"}))
    assert "$95.19" in text_of(client.post("/tools/fees/", {"codes": "99213, 27447"}))
