"""CasePilot: grounded, cited answers from medcode's data; its page, API and limits.

Facts pinned here were looked up in the bundled files: the MUE 2026Q2 practitioner file
(J1100: 120 units), RVU26C (27130: global 090), the add-on edits 2026Q2 (20700's primaries
include 11043), ICD-10-CM FY2026 (S72.001's 7th characters, E11.22's notes), medcode's
modifier guide and CPT summaries, and the NCCI PTP fixtures in the CMS layout.
"""

import csv
import json
from pathlib import Path

import pytest
from django.test import Client, override_settings

from medcode.accounts.models import ApiToken
from medcode.assistant import engine, guard
from medcode.assistant.models import Conversation
from medcode.reference import importers

from tests.factories import PTP_2026Q2, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "bench" / "questions" / "casepilot.tsv"


def urls_of(answer):
    return [cite.url for cite in answer.citations]


# The default engine ---------------------------------------------------------------------

@pytest.mark.parametrize("question, said, page", [
    ("What is CPT code 99213?", "Established patient office/outpatient visit, low complexity", "/cpt/99213/"),
    ("what does j1100 mean", "Injection, dexamethasone sodium phosphate, 1 mg", "/hcpcs/J1100/"),
    ("explain e119", "Type 2 diabetes mellitus without complications", "/icd-10-cm/E11.9/"),
    ("What is 0DTJ4ZZ?", "Resection of Appendix, Percutaneous Endoscopic Approach", "/icd-10-pcs/0DTJ4ZZ/"),
])
def test_a_code_is_described_and_cited_in_any_form(question, said, page):
    answer = engine.answer(question)
    assert said in answer.text
    assert page in urls_of(answer)
    assert answer.engine == "medcode"


def test_an_add_on_code_lists_its_primaries():
    answer = engine.answer("What is 20700 and what do I report it with?")
    assert "20700 is an add-on code" in answer.text and "11043" in answer.text
    assert "/cpt/20700/#addon" in urls_of(answer)


def test_units_come_from_the_mue_file():
    answer = engine.answer("How many units of J1100 can I bill per day?")
    assert "practitioner: 120 units per day" in answer.text
    assert "/hcpcs/J1100/#mue" in urls_of(answer)


def test_a_heading_is_not_billable_and_its_seventh_characters_are_listed():
    answer = engine.answer("Is S72.001 billable?")
    assert "S72.001 is not billable: it needs a 7th character" in answer.text
    assert "S72.001A (initial encounter for closed fracture)" in answer.text and "S72.001S" in answer.text


def test_global_period_and_fee_come_from_the_fee_schedule():
    assert "Global period of 27130: 090" in engine.answer("What's the global period for 27130?").text
    assert "$" in engine.answer("what does medicare pay for 99213").text


def test_modifiers_are_explained_from_the_guide():
    answer = engine.answer("What does modifier 59 mean and when should XS be used instead?")
    assert "Modifier 59: Distinct procedural service" in answer.text
    assert "Modifier XS: Distinct service on a separate organ or structure" in answer.text
    assert "/modifiers/XS/" in urls_of(answer)


def test_words_find_the_code_and_its_instructions():
    answer = engine.answer("Code for type 2 diabetes with diabetic chronic kidney disease")
    assert answer.codes[0].code == "E1122"
    assert "Use additional code: code to identify stage of chronic kidney disease (N18.1-N18.6)" in answer.text


def test_excludes1_answers_whether_two_diagnoses_go_together():
    answer = engine.answer("can I report E11.9 together with E10.9?")
    assert "Excludes1: never report them together" in answer.text
    assert "type 1 diabetes mellitus (E10.-)" in answer.text


def test_a_pair_without_ptp_edits_says_so_and_gives_the_add_on_rule():
    # 20700 (2025) is newer than the shipped 2024 Q3 PTP release: no edit pairs it, and the answer says
    # how old that release is.
    answer = engine.answer("Can 20700 be billed with 11043 on the same day?")
    assert "11043 is one of its listed primary codes" in answer.text
    assert "No active NCCI PTP edit pairs 20700 and 11043 (practitioner, 2024Q3)" in answer.text
    assert "NCCI PTP edits, practitioner 2024Q3 (in effect from Jul 1, 2024) is the newest loaded" in answer.text


def test_a_pair_is_answered_from_the_ptp_edit_and_a_follow_up_keeps_the_codes():
    importers.import_file("ncci-ptp", PTP_2026Q2)
    first = engine.answer("Can 20610 be billed with 99213 on the same day?")
    assert "99213 is column 2 to 20610" in first.text and "modifier indicator 1" in first.text
    assert any("ncci_code=99213" in url and url.endswith("#ncci") for url in urls_of(first))
    follow_up = engine.answer("and with modifier 25?", context_codes=first.codes)
    assert "Modifier 25 may bypass this edit" in follow_up.text


def test_guidelines_point_to_the_heading_and_say_what_medcode_lacks():
    answer = engine.answer("Guidelines for E/M services")
    assert "/cpt/99202-99499/" in urls_of(answer)
    assert "does not hold the official coding guidelines" in answer.text and "CaseConsultant" in answer.text


def test_coverage_without_code_lists_says_so_and_finds_documents_by_title():
    answer = engine.answer("Does Medicare cover 27130?")
    assert "Medicare coverage code lists are not loaded" in answer.text
    assert "A56796: Billing and Coding: Lower Extremity Major Joint Replacement (Hip and Knee)" in answer.text


def test_an_unknown_code_is_not_found_and_not_repeated():
    answer = engine.answer("What is CPT 99999?")
    assert "not found in medcode's catalogue" in answer.text
    assert "99999" not in answer.text


def test_no_answer_to_the_question_file_names_a_code_the_catalogue_lacks():
    with open(QUESTIONS, encoding="utf-8") as handle:
        questions = [row["question"] for row in csv.DictReader(handle, delimiter="\t")]
    assert len(questions) >= 150
    invented = {q: guard.unknown_codes(engine.answer(q).text) for q in questions}
    assert {q: codes for q, codes in invented.items() if codes} == {}


def test_the_guard_catches_an_invented_code_but_not_amounts():
    assert guard.unknown_codes("Report 99999 with E11.9, paid $135.61 (RVU26C, 2026Q2).") == ["99999"]


# The JSON API ----------------------------------------------------------------------------

def test_api_answers_with_citations_and_the_engine(client):
    response = client.post("/api/assistant/ask", json.dumps({"question": "global period for 27130"}),
                           content_type="application/json")
    body = response.json()
    assert response.status_code == 200 and body["engine"] == "medcode"
    assert "090" in body["answer"] and {"label": "CPT 27130 · RVU", "url": "/cpt/27130/#rvu"} in body["citations"]
    follow = client.post("/api/assistant/ask", json.dumps({"question": "and the MUE units?", "codes": body["codes"]}),
                         content_type="application/json").json()
    assert "MUE for 27130" in follow["answer"]


@pytest.mark.parametrize("body", [{"question": ""}, {"question": "x" * 1001}, {}, {"question": "ok", "codes": ["a"] * 11}])
def test_api_refuses_bad_questions_clearly(client, body):
    response = client.post("/api/assistant/ask", json.dumps(body), content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]


@override_settings(MEDCODE_ASSISTANT_DAILY={"guest": 2, "free": 5, "subscriber": 50})
def test_a_guest_has_a_few_questions_a_day_even_with_fresh_cookies(frozen_clock):
    for _ in range(2):
        assert Client().post("/api/assistant/ask", json.dumps({"question": "what is 99213"}),
                             content_type="application/json").status_code == 200
    refused = Client().post("/api/assistant/ask", json.dumps({"question": "what is 99213"}), content_type="application/json")
    assert refused.status_code == 429 and "daily limit of 2 questions" in refused.json()["detail"]


def test_a_session_needs_the_csrf_token_and_a_token_does_not():
    user = make_user(subscriber=True)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    forged = browser.post("/api/assistant/ask", json.dumps({"question": "what is 99213"}), content_type="application/json")
    assert forged.status_code == 403
    _, secret = ApiToken.issue(user, "script")
    scripted = Client(enforce_csrf_checks=True).post(
        "/api/assistant/ask", json.dumps({"question": "what is 99213"}), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert scripted.status_code == 200


def test_a_guest_sees_another_codes_metered_facts_only_with_a_view_left(client):
    first = client.post("/api/assistant/ask", json.dumps({"question": "units of J1100?"}), content_type="application/json")
    assert "120 units" in first.json()["answer"]  # the guest's one code page: J1100
    again = client.post("/api/assistant/ask", json.dumps({"question": "J1100 mue"}), content_type="application/json")
    assert "120 units" in again.json()["answer"]  # the same page again costs nothing
    other = client.post("/api/assistant/ask", json.dumps({"question": "global period for 27130"}),
                        content_type="application/json").json()
    assert "090" not in other["answer"] and "Register to view the edits, units, fees and instructions of 27130" in other["answer"]
    assert "Total hip replacement" in other["answer"]  # what the page shows everyone is still said


def test_the_ask_endpoint_is_in_the_openapi_schema(client):
    schema = client.get("/api/openapi.json").json()
    assert "post" in schema["paths"]["/api/assistant/ask"]


# The page ---------------------------------------------------------------------------------

def test_a_code_pages_question_arrives_pre_filled(client):
    text = client.get("/casepilot/", {"q": "J1100 "}).content.decode()
    assert ">\nJ1100 </textarea>" in text


def test_without_javascript_the_form_posts_and_the_answer_shows_with_links(client):
    response = client.post("/casepilot/ask/", {"q": "Is S72.001 billable?"})
    assert response.status_code == 302
    text = client.get(response["Location"]).content.decode()
    assert "S72.001A (initial encounter for closed fracture)" in text
    assert 'href="/icd-10-cm/S72.001/#billable"' in text


def test_the_page_streams_the_answer_as_json_lines(client):
    response = client.post("/casepilot/ask/", {"q": "units of J1100?"}, HTTP_ACCEPT="application/x-ndjson")
    events = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert events[-1]["done"] and "120 units" in events[-1]["html"] and 'href="/hcpcs/J1100/#mue"' in events[-1]["html"]


def test_a_guests_streamed_answer_is_still_there_after_a_reload(client):
    response = client.post("/casepilot/ask/", {"q": "global period for 27130"}, HTTP_ACCEPT="application/x-ndjson")
    b"".join(response.streaming_content)
    assert "Global period of 27130: 090" in client.get("/casepilot/").content.decode()


def test_a_logged_in_readers_conversation_is_kept_listed_and_deletable(client):
    reader = make_user()
    client.force_login(reader)
    client.post("/casepilot/ask/", {"q": "What is 20700?"})
    conversation = Conversation.objects.get(user=reader)
    client.post("/casepilot/ask/", {"q": "and its global period?", "conversation": conversation.pk})
    turns = list(conversation.turns.all())
    assert len(turns) == 2 and "Global period of 20700: ZZZ" in turns[1].answer
    assert "What is 20700?" in client.get("/casepilot/").content.decode()

    other = Client()
    other.force_login(make_user("other@example.com"))
    assert other.post(f"/casepilot/conversations/{conversation.pk}/delete/").status_code == 404
    assert other.get("/casepilot/", {"c": conversation.pk}).status_code == 404
    client.post(f"/casepilot/conversations/{conversation.pk}/delete/")
    assert not Conversation.objects.filter(pk=conversation.pk).exists()


@pytest.mark.django_db
def test_a_headings_notes_are_for_subscribers_as_in_the_api(client):
    """A chapter or block note shows inside the locked sections of every code below it: a guest
    asking for the tuberculosis notes gets the heading, not its note."""
    ask = {"question": "guidelines for tuberculosis"}
    guest = client.post("/api/assistant/ask", json.dumps(ask), content_type="application/json").json()
    assert "A15-A19" in guest["answer"] and "cachexia" not in guest["answer"]
    assert "Subscribe to view the instructional notes of A15-A19" in guest["answer"]
    client.force_login(make_user("sub@clinic.example", subscriber=True))
    subscriber = client.post("/api/assistant/ask", json.dumps(ask), content_type="application/json").json()
    assert "Note at A15-A19" in subscriber["answer"] and "cachexia" in subscriber["answer"]
