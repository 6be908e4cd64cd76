"""Code pages and browse pages, as a coder reads them."""

import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings

from medcode.codes.models import Code

pytestmark = pytest.mark.django_db


def _aoc_primaries(addon):
    """Active primaries of an add-on code, read straight from the bundled CMS table."""
    path = next(Path(settings.MEDCODE_REFERENCE_DATA_DIR).glob("aoc_*.tsv.gz"))
    rows = [line.split("\t") for line in gzip.decompress(path.read_bytes()).decode().splitlines()[1:]]
    return {row[3] for row in rows if row[1] == addon and not row[6].strip()}


def test_cpt_20700_shows_the_project_summary_marked_add_on_with_its_primaries(page):
    response, text = page("/cpt/20700/")
    assert response.status_code == 200
    assert "Add-on code" in text and "20700 is an add-on code" in text
    assert "antibiotic" in text  # medcode's own summary
    assert "needs a licensed CPT data file" in text
    primaries = _aoc_primaries("20700")
    assert "11043" in primaries
    for primary in primaries:
        assert f">{primary}<" in text


@pytest.mark.parametrize("addon", ["20701", "20702", "20703", "20704"])
def test_every_antibiotic_device_code_is_an_add_on_with_primaries(page, addon):
    _, text = page(f"/cpt/{addon}/")
    assert f"{addon} is an add-on code" in text
    assert all(f">{primary}<" in text for primary in _aoc_primaries(addon))


def test_icd10cm_page_shows_full_hierarchy_and_inherited_notes(page):
    response, text = page("/icd-10-cm/S72.001A/")
    assert response.status_code == 200
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', text, re.S).group(0)
    for ancestor in ["/icd-10-cm/19/", "/icd-10-cm/S70-S79/", "/icd-10-cm/S72/", "/icd-10-cm/S72.0/",
                     "/icd-10-cm/S72.00/", "/icd-10-cm/S72.001/"]:
        assert ancestor in crumbs
    assert "Fracture of unspecified part of neck of right femur, initial encounter for closed fracture" in text
    assert "Fracture of hip NOS" in text  # inclusion term of S72.00
    assert "traumatic amputation of hip and thigh (S78.-)" in text  # Excludes1 of S72
    assert "S72.001A is billable" in text
    assert "Common Language Description" in text and "7th character, A" in text
    # FY2026 is the first ICD-10-CM release loaded: the page must not claim the code started then.
    assert "or earlier (the earliest release loaded)" in text and "<dt>Effective</dt>" not in text


def test_code_added_by_a_later_release_shows_when_it_took_effect():
    from django.test import Client

    added = Code.objects.filter(system="icd10pcs", changes__change="added", kind="code").first()
    text = Client().get(added.get_absolute_url()).content.decode()
    assert "<dt>Effective</dt><dd>Oct 1, 2025</dd>" in text and "FY2026" in text


@pytest.mark.parametrize("url", ["/icd-10-cm/s72001a/", "/icd-10-cm/S72001A/", "/ICD-10-CM/s72.001a/"])
def test_any_written_form_redirects_to_the_canonical_url(client, url):
    response = client.get(url)
    assert response.status_code == 301 and response["Location"] == "/icd-10-cm/S72.001A/"


def test_header_code_lists_the_seventh_characters(page):
    _, text = page("/icd-10-cm/S72.001/")
    assert "S72.001 is not billable" in text and "Header" in text
    assert "subsequent encounter for closed fracture with routine healing" in text
    assert "/icd-10-cm/S72.001A/" in text


def test_unknown_code_is_a_404_that_suggests_near_codes(page):
    response, text = page("/icd-10-cm/S72.001Z/")
    assert response.status_code == 404
    assert "S72.001Z" in text and "/icd-10-cm/S72.001A/" in text


def test_unknown_system_is_404(client):
    assert client.get("/icd-11/AB12/").status_code == 404


def test_hcpcs_page(page):
    _, text = page("/hcpcs/J1100/")
    assert "Injection, dexamethasone sodium phosphate, 1 mg" in text
    assert "special Medicare coverage instructions apply" in text


def test_pcs_page_explains_the_seven_characters(page):
    _, text = page("/icd-10-pcs/0DTJ4ZZ/")
    assert "Resection of Appendix, Percutaneous Endoscopic Approach" in text
    assert "Gastrointestinal System" in text and "Cutting out or off, without replacement, all of a body part" in text


def test_deleted_pcs_code_has_its_page():
    deleted = Code.objects.filter(system="icd10pcs", status="deleted", kind="code").first()
    from django.test import Client

    text = Client().get(deleted.get_absolute_url()).content.decode()
    assert "Deleted" in text and "Sep 30, 2025" in text and "FY2026" in text


@pytest.mark.parametrize("url, expected", [
    ("/icd-10-cm/", "/icd-10-cm/19/"),
    ("/icd-10-cm/19/", "/icd-10-cm/S70-S79/"),
    ("/icd-10-cm/S70-S79/", "/icd-10-cm/S72/"),
    ("/icd-10-pcs/", "/icd-10-pcs/0/"),
    ("/icd-10-pcs/0D/", "/icd-10-pcs/0DT/"),
    ("/hcpcs/", "/hcpcs/J/"),
    ("/cpt/", "/cpt/10004-69990/"),
])
def test_browse_from_code_set_to_codes(page, url, expected):
    response, text = page(url)
    assert response.status_code == 200 and expected in text


def test_large_groups_are_paged(page):
    _, text = page("/hcpcs/G/")
    assert "Page 1 of" in text
    response, second = page("/hcpcs/G/?page=2")
    assert response.status_code == 200 and "Page 2 of" in second


def test_code_box_opens_any_form_of_a_code(client):
    assert client.get("/go/", {"q": "s72.001a"})["Location"] == "/icd-10-cm/S72.001A/"
    assert client.get("/go/", {"q": " j1100 "})["Location"] == "/hcpcs/J1100/"
    assert client.get("/go/", {"q": "0dtj4zz"})["Location"] == "/icd-10-pcs/0DTJ4ZZ/"
    assert client.get("/go/", {"q": "x" * 5000}).status_code == 404


def test_page_has_the_question_box_and_navigation(page):
    from django.test import Client

    text = Client().get("/cpt/99213/").content.decode()
    assert "Have a question about 99213?" in text
    for name in ["CasePilot", "CaseConsultant", "Case2Code", "CareerCenter", "Log in", "Register"]:
        assert name in text
    _, text = page("/cpt/99213/")  # as a logged-in subscriber
    assert "subscriber@example.com" in text and "Log out" in text and ">Log in<" not in text
