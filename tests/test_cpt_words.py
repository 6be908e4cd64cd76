"""CPT in medcode's own words: every code the CMS files list has an entry, what it says agrees with the
CMS facts medcode holds, pages show it with its neighbours, search and CasePilot use it."""

import json
import re

import pytest

from medcode.assistant import engine
from medcode.codes.loaders import cpt
from medcode.codes.models import Code
from medcode.reference.models import AddonEdit, FeeScheduleRow
from medcode.search import engine as search
from tests.factories import make_user

WORDS = cpt.words()


def _fee_rows():
    return {row.code: row for row in FeeScheduleRow.objects.filter(modifier="").only(
        "code", "global_days", "bilateral", "pctc")}


@pytest.mark.django_db
def test_every_cpt_code_has_an_entry_and_its_confidence_says_what_it_holds():
    codes = set(Code.objects.filter(system="cpt", kind="code").values_list("code", flat=True))
    assert codes == set(WORDS), "every CPT page has medcode's words, or says it has none"
    for code, entry in WORDS.items():
        if entry["confidence"] == "sure":
            assert entry["label"] and entry["description"] and entry["keywords"], code
        elif entry["confidence"] == "label-only":
            assert entry["label"] and not entry["description"], code
        else:
            assert entry["confidence"] == "unknown" and not entry["label"] and not entry["description"], code
    described = sum(1 for entry in WORDS.values() if entry["description"])
    assert described / len(WORDS) > 0.9


@pytest.mark.django_db
def test_add_on_wording_follows_the_ncci_add_on_file():
    addons = set(AddonEdit.objects.values_list("addon_code", flat=True))
    for code, entry in WORDS.items():
        if entry["label"]:
            assert entry["label"].startswith("Add-on: ") == (code in addons), code
        text = (entry["description"] or "").lower()
        if code not in addons:
            assert "in addition to the primary" not in text, f"{code} is described as an add-on"


@pytest.mark.django_db
def test_wording_agrees_with_global_period_and_bilateral_indicator():
    rows = _fee_rows()
    for code, entry in WORDS.items():
        row = rows.get(code)
        label = (entry["label"] or "").lower()
        if row is None or not label:
            continue
        if row.global_days in ("010", "090"):
            # A code with a surgical package is a procedure: never described as a visit, test or lab.
            assert not label.startswith(("office visit", "lab test", "anesthesia for")), code
        if row.bilateral == "2":
            assert not re.search(r"\bone side\b|\bunilateral\b", label), f"{code} is priced as both sides"
        if label.startswith("anesthesia for") and cpt.category(code) == "Category I":
            assert code[:2] in ("00", "01"), f"{code} is labelled as an anesthesia service outside 00100-01999"


def test_contrasts_name_other_cpt_codes_medcode_has():
    for code, entry in WORDS.items():
        for contrast in entry["contrasts"]:
            assert contrast["code"] in WORDS and contrast["code"] != code, (code, contrast)
            assert contrast["difference"].strip(), code


def test_no_text_states_rvus_or_units_from_memory():
    """RVUs, MUEs and fees come from the loaded CMS files on the page, never from the words."""
    for code, entry in WORDS.items():
        assert not re.search(r"\bRVUs?\b|\bMUEs?\b|\$\d", entry["description"] or ""), code


@pytest.mark.django_db
def test_the_page_shows_medcodes_words_and_the_codes_confused_with_it(page):
    _, text = page("/cpt/60220/")
    label, description = WORDS["60220"]["label"], WORDS["60220"]["description"]
    assert label in text and description.split(";")[0] in text
    section = re.search(r'<section id="contrasts".*?</section>', text, re.S).group(0)
    assert "Codes often confused with 60220" in section
    for contrast in WORDS["60220"]["contrasts"]:
        assert f'/cpt/{contrast["code"]}/' in section and contrast["difference"] in section


@pytest.mark.django_db
def test_a_code_medcode_has_no_words_for_says_so(page):
    unknown = next(code for code, entry in WORDS.items() if entry["confidence"] == "unknown")
    _, text = page(f"/cpt/{unknown}/")
    assert "medcode has no description of this code yet" in text
    label_only = next(code for code, entry in WORDS.items() if entry["confidence"] == "label-only")
    _, text = page(f"/cpt/{label_only}/")
    assert WORDS[label_only]["label"].removeprefix("Add-on: ")[1:] in text
    assert "medcode has no full description of this code yet" in text


@pytest.mark.django_db
def test_the_cms_summary_is_metered_like_the_other_reference_sections(client):
    make_user("guest-spent@example.com")
    client.get("/cpt/11042/")  # the guest's one view
    locked = client.get("/cpt/20702/").content.decode()
    section = re.search(r'<section id="glance".*?</section>', locked, re.S).group(0)
    assert "Add-on code:" not in section and ("Register" in section or "Upgrade" in section)
    contrasts = re.search(r'<section id="contrasts".*?</section>', locked, re.S).group(0)
    assert "/cpt/20703/" in contrasts, "the neighbours and their differences are public, as the labels are"


@pytest.mark.django_db
def test_the_cms_summary_reads_the_loaded_files(page):
    _, text = page("/cpt/20702/")
    section = re.search(r'<section id="glance".*?</section>', text, re.S).group(0)
    primaries = sorted(AddonEdit.objects.filter(addon_code="20702", deletion_date__isnull=True)
                       .values_list("primary_code", flat=True).distinct())
    assert "Add-on code:" in section and f"{len(primaries)} primary code" in section and primaries[0] in section
    assert "Global period ZZZ" in section
    _, text = page("/cpt/27447/")
    section = re.search(r'<section id="glance".*?</section>', text, re.S).group(0)
    assert "Global period 090" in section and "Add-on code" not in section


@pytest.mark.django_db
@pytest.mark.parametrize("query, code", [
    ("thyroid lobectomy", "60220"), ("carpal tunnel release", "64721"), ("cataract surgery with IOL", "66984"),
    ("EGD with biopsy", "43239"), ("knee scope medial meniscectomy", "29881"),
    ("steroid injection knee joint", "20610"),
])
def test_case2code_finds_procedures_by_how_coders_say_them(query, code):
    found = [hit.code.code for hit in search.search(query, "cpt", limit=5, semantic_search=False).hits]
    assert code in found, found


@pytest.mark.django_db
def test_casepilot_describes_any_described_cpt_code_and_tells_neighbours_apart():
    answer = engine.answer("What is 60220?")
    assert WORDS["60220"]["description"].split(";")[0] in answer.text
    compared = engine.answer("What is the difference between 60220 and 60225?")
    difference = next(c["difference"] for c in WORDS["60220"]["contrasts"] if c["code"] == "60225")
    assert difference.rstrip(".") in compared.text


@pytest.mark.django_db
def test_the_api_gives_medcodes_label_and_contrasts(client):
    body = client.get("/api/codes/cpt/60220").json()
    assert body["label"] == WORDS["60220"]["label"]
    assert [c["code"] for c in body["contrasts"]] == [c["code"] for c in WORDS["60220"]["contrasts"]]
    assert json.dumps(body["contrasts"][0])


@pytest.mark.django_db
def test_no_word_of_medcodes_cpt_text_reads_as_a_code_the_catalogue_lacks():
    from medcode.assistant import guard

    named = {(code, token) for code, entry in WORDS.items() for field in ("label", "description")
             for token in guard.unknown_codes(entry[field] or "")}
    assert not named, named
    # Gene variants and vitamins are not codes; an unknown code is caught in either case.
    assert guard.unknown_codes("BRAF V600E, HbA1c, vitamin B12") == []
    assert guard.unknown_codes("Bill q99999 or S72.999Z") == ["q99999", "S72.999Z"]
