"""Case2Code: what a coder gets from the box, the page, the autocomplete and the API.

The session database holds the real bundled catalogue and its word index. Codes and
titles pinned here were looked up in the loaded ICD-10-CM FY2026, HCPCS 2026 and PCS files.
"""

import pytest
from django.test import Client, override_settings

from medcode.codes.models import Code
from medcode.search import engine, lexical
from medcode.search.query import MAX_CHARS, clean, parse

pytestmark = pytest.mark.django_db


def codes_of(results, top=5):
    return [hit.code.display_code for hit in results.hits[:top]]


# Reading the query --------------------------------------------------------------------

@pytest.mark.parametrize("typed, code", [
    ("S72.001A", "S72001A"), ("s72001a", "S72001A"), (" E11.9 ", "E119"), ("J1100", "J1100"),
    ("0DTJ4ZZ", "0DTJ4ZZ"), ("20700", "20700"), ("S72.0", "S720"), ("207", "207"),
])
def test_codes_and_prefixes_are_read_as_codes(typed, code):
    query = parse(typed)
    assert (query.kind, query.code) == ("code", code)


def test_a_range_is_read_as_a_range():
    query = parse("20700-20704")
    assert (query.kind, query.code, query.range_end) == ("range", "20700", "20704")


@pytest.mark.parametrize("typed", ["type 2 diabetes", "broken hip", "flu shot", "MRI knee without contrast"])
def test_words_are_not_mistaken_for_codes(typed):
    assert parse(typed).kind == "words"


def test_abbreviations_are_spelt_out_and_lay_words_kept():
    query = parse("DM2 w/o complications")
    alternatives = {alt for group in query.groups for alt in group}
    assert ("type", "2", "diabetes", "mellitus") in alternatives
    assert ("without",) in alternatives
    assert "w" not in {word for alt in alternatives for word in alt}
    assert parse("heart attack").groups[0][:2] == [("heart", "attack"), ("myocardial", "infarction")]
    # An ambiguous abbreviation keeps the user's own word for the meaning half.
    assert "ed" in parse("fall, first ED visit").meaning.split()


def test_accented_words_are_read_as_the_index_spells_them():
    assert parse("Ménière's disease").words == ["meniere", "disease"]
    assert "H81.0" in [h.code.display_code[:5] for h in engine.search("Ménière's disease", system="icd10cm").hits[:5]]


def test_hostile_text_is_cleaned_not_rejected():
    text = "\u202e\x00fracture\u200b\tof   hip" + "x" * (MAX_CHARS * 2)
    cleaned = clean(text)
    assert "\x00" not in cleaned and "\u202e" not in cleaned
    assert len(cleaned) <= MAX_CHARS
    assert cleaned.startswith("fracture of hip")


# Finding codes by number ---------------------------------------------------------------

def test_an_exact_code_comes_first_then_its_children():
    results = engine.search("S72.0")
    assert results.mode == "code"
    assert codes_of(results, 3) == ["S72.0", "S72.00", "S72.001"]
    assert all(hit.code.code.startswith("S720") for hit in results.hits)


def test_a_range_lists_the_codes_in_it():
    results = engine.search("20700-20704")
    assert codes_of(results, 10) == ["20700", "20701", "20702", "20703", "20704"]


def test_a_code_two_sets_share_finds_both_likeliest_first():
    results = engine.search("J1100")
    assert codes_of(results, 2) == ["J1100", "J11.00"]
    assert results.hits[0].code.title == "Injection, dexamethasone sodium phosphate, 1 mg"


def test_code_like_words_no_code_has_are_searched_as_words():
    results = engine.search("b12 deficiency", system="icd10cm")
    assert results.query.kind == "words"
    assert any(hit.code.code.startswith("D51") or hit.code.code.startswith("E538") for hit in results.hits[:5])


# Finding codes by words ----------------------------------------------------------------

@pytest.mark.parametrize("words, system, wanted", [
    ("broken hip", "icd10cm", lambda code: code.code.startswith("S720")),
    ("heart attack", "icd10cm", lambda code: code.code == "I219"),
    ("type 2 diabetes w/o complications", "icd10cm", lambda code: code.code == "E119"),
    ("colon cancer", "icd10cm", lambda code: code.code == "C189"),
    ("gout", "icd10cm", lambda code: code.code == "M109"),
    ("decadron 1 mg injection", "hcpcs", lambda code: code.code == "J1100"),
    ("remove antibiotic beads thigh", "cpt", lambda code: code.code == "20701"),
    ("MRI knee without contrast", "cpt", lambda code: code.code == "73721"),
    ("laparoscopic appendectomy", "icd10pcs", lambda code: code.code == "0DTJ4ZZ"),
])
def test_plain_words_find_the_code_in_the_top_five(words, system, wanted):
    results = engine.search(words, system=system)
    assert any(wanted(hit.code) for hit in results.hits[:5]), codes_of(results)


def test_broken_hip_finds_a_hip_fracture_across_every_code_set():
    assert any(hit.code.code.startswith("S720") for hit in engine.search("broken hip").hits[:5])


def test_a_misspelt_word_is_corrected_and_said():
    results = engine.search("pnuemonia", system="icd10cm")
    assert results.corrections == {"pnuemonia": "pneumonia"}
    assert "J18.9" in codes_of(results)


def test_codes_holding_two_things_said_come_before_codes_holding_one_common_thing():
    # No code says elevated, liver and enzymes; ranking any one word alone put codes saying only
    # "liver" among the first 40. "enzymes" is rare enough to count alone.
    groups = parse("elevated liver enzymes").groups
    holders = [{code_id for code_id, _, _ in lexical.match([group], {}, limit=10**6)} for group in groups]
    alone = [found for group, found in zip(groups, holders) if lexical.frequency(group) < lexical.RARE_ALONE]
    assert 0 < len(alone) < len(groups)
    ranked = [code_id for code_id, _, _ in lexical.match(groups, {}, limit=40)]
    assert len(ranked) == 40
    for code_id in ranked:
        assert sum(code_id in found for found in holders) >= 2 or any(code_id in found for found in alone)


def test_what_the_query_rules_out_outranks_codes_that_have_it():
    # K21.00 says "with esophagitis, without bleeding": holding both words is not enough.
    results = engine.search("GERD without esophagitis", system="icd10cm")
    assert codes_of(results, top=1) == ["K21.9"]
    assert results.hits[0].code.title == "Gastro-esophageal reflux disease without esophagitis"


def test_a_words_rarity_counts_every_code_a_search_for_it_finds():
    # "medication" is searched by its stem, which "Medical and Surgical" holds: it is a common
    # word, and the any-word fallback must not rank tens of thousands of PCS codes for it.
    found = lexical.match([[("medication",)]], {"include_deleted": True}, limit=10**6)
    assert len(found) > Code.objects.filter(system="icd10pcs").count() / 2
    assert lexical.vocabulary()["medication"] == len(found)
    assert lexical.frequency([("medication",)]) >= lexical.COMMON_WORD_DOCUMENTS


def test_results_show_the_path_and_the_words_that_matched():
    hit = next(h for h in engine.search("type 2 diabetes w/o complications", system="icd10cm").hits
               if h.code.code == "E119")
    assert [step.display_code for step in hit.path] == ["4", "E08-E13", "E11"]
    assert {"diabetes", "complications"} <= set(hit.matched)


def test_filters_narrow_the_results():
    billable = engine.search("fracture femur", system="icd10cm", billable=True, limit=30)
    assert billable.hits and all(hit.code.billable for hit in billable.hits)
    in_chapter = engine.search("fracture", chapter="19", limit=30)
    assert in_chapter.hits and all(hit.code.path.startswith("19|") for hit in in_chapter.hits)
    deleted = Code.objects.filter(status=Code.Status.DELETED, system="icd10pcs").first()
    assert deleted.code not in [h.code.code for h in engine.search(deleted.title, system="icd10pcs", limit=50).hits]
    with_deleted = engine.search(deleted.title, system="icd10pcs", include_deleted=True, limit=50)
    assert deleted.code in [h.code.code for h in with_deleted.hits]


def test_without_the_semantic_index_search_is_lexical_and_says_why():
    results = engine.search("heart attack")
    assert results.mode == "lexical"
    assert "lexical only" in results.notice


def test_nonsense_and_empty_queries_return_nothing_quietly():
    assert engine.search("zzqxv qqqq").hits == []
    assert engine.search("   ").hits == []
    assert engine.search("🦷" * 500).hits == []


def test_the_index_knows_when_the_catalogue_changed():
    assert engine.is_current()
    Code.objects.filter(system="cpt", code="20700").delete()
    assert not engine.is_current()


# Pages and JSON ------------------------------------------------------------------------

def test_the_search_page_lists_candidates_with_links(client):
    response = client.get("/case2code/", {"q": "broken hip", "system": "icd-10-cm"})
    text = response.content.decode()
    assert response.status_code == 200
    assert 'href="/icd-10-cm/S72.' in text
    assert "Matched:" in text and "billable" in text


def test_an_exact_code_in_the_box_opens_its_page(client):
    response = client.get("/case2code/", {"q": "s72.001a"})
    assert response["Location"] == "/icd-10-cm/S72.001A/"
    listed = client.get("/case2code/", {"q": "J1100", "list": "1"}).content.decode()
    assert "/hcpcs/J1100/" in listed and "/icd-10-cm/J11.00/" in listed


def test_the_search_page_works_without_a_query_and_with_a_bad_filter(client):
    assert client.get("/case2code/").status_code == 200
    response = client.get("/case2code/", {"q": "fracture", "system": "icd-11"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_every_page_carries_the_search_box(client):
    text = client.get("/cpt/").content.decode()
    assert 'data-suggest="/case2code/suggest/"' in text and 'action="/case2code/"' in text


def test_suggestions_complete_codes_and_words(client):
    by_code = client.get("/case2code/suggest/", {"q": "S72.00"}).json()["results"]
    assert by_code[0]["code"] == "S72.00" and by_code[0]["url"] == "/icd-10-cm/S72.00/"
    by_words = client.get("/case2code/suggest/", {"q": "pneumon"}).json()["results"]
    assert any("pneumonia" in r["title"].lower() for r in by_words[:5]), by_words
    typing = client.get("/case2code/suggest/", {"q": "type 2 diab"}).json()["results"]
    assert "E11.9" in [r["code"] for r in typing[:3]], typing
    assert client.get("/case2code/suggest/", {"q": ""}).json()["results"] == []


@override_settings(MEDCODE_SEARCH_RATE_PER_ADDRESS=3)
def test_one_network_cannot_search_without_pause(client, frozen_clock):
    for _ in range(3):
        assert client.get("/case2code/suggest/", {"q": "fracture"}).status_code == 200
    refused = client.get("/case2code/suggest/", {"q": "fracture"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert Client().get("/case2code/", {"q": "broken hip"}).status_code == 429  # new cookies, same network
    frozen_clock["now"] += 60
    assert client.get("/case2code/", {"q": "broken hip"}).status_code == 200


def test_api_search_answers_with_ranked_codes(client):
    body = client.get("/api/search", {"q": "heart attack", "system": "icd-10-cm", "limit": 5}).json()
    assert body["read_as"] == "words" and body["mode"] == "lexical" and body["semantic"] is False
    assert "lexical only" in body["notice"]
    first = body["results"][0]
    assert {"code", "title", "billable", "badge", "path", "matched", "url"} <= set(first)
    assert "I21.9" in [r["code"] for r in body["results"]]


@pytest.mark.parametrize("params, message", [
    ({"q": "flu", "system": "icd-11"}, "unknown code set"),
    ({"q": "x" * (MAX_CHARS + 1)}, "at most 2000 characters"),
    ({"q": "flu", "limit": "0"}, "greater than or equal to 1"),
    ({"q": "flu", "limit": "many"}, "limit"),
    ({"q": "flu", "billable": "perhaps"}, "billable"),
    ({}, "q"),
])
def test_api_search_refuses_bad_parameters_clearly(client, params, message):
    response = client.get("/api/search", params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_api_search_survives_a_long_odd_query(client):
    response = client.get("/api/search", {"q": ("fracture ☃\u0301\U0001F9B4 of hip " * 100)[:MAX_CHARS]})
    assert response.status_code == 200
    assert response.json()["took_ms"] < 5000


def test_api_search_is_in_the_openapi_schema(client):
    schema = client.get("/api/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "system", "billable", "limit"} <= parameters
