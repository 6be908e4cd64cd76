"""CasePilot with a language model: an OpenAI-compatible server the test starts on loopback.

The model may only reword medcode's facts: a reply naming a code the facts do not is
dropped for the default engine's answer, also while it streams to the page.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


class FakeModel(BaseHTTPRequestHandler):
    """/v1/chat/completions streaming `reply` in a few server-sent events, as llama.cpp and vLLM do."""

    reply = ""
    seen = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeModel.seen.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        words = FakeModel.reply.split(" ")
        for i, word in enumerate(words):
            piece = word + (" " if i < len(words) - 1 else "")
            event = {"choices": [{"index": 0, "delta": {"content": piece}}]}
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def model():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeModel.seen = []
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    with override_settings(MEDCODE_LLM={"URL": url, "MODEL": "fake-7b", "KEY": "", "TIMEOUT": 5}):
        yield FakeModel
    server.shutdown()


def ask(client, question):
    return client.post("/api/assistant/ask", json.dumps({"question": question}), content_type="application/json").json()


def test_the_model_words_the_facts_and_its_citations_link_to_them(client, model):
    model.reply = "You may bill up to 120 units of J1100 a day as a practitioner [2]."
    body = ask(client, "How many units of J1100 per day?")
    assert body["engine"] == "llm:fake-7b" and body["answer"] == model.reply
    path, request = model.seen[0]
    assert path == "/v1/chat/completions" and request["stream"] is True
    prompt = request["messages"][1]["content"]
    assert "[2] MUE for J1100, practitioner: 120 units per day" in prompt
    page = client.post("/casepilot/ask/", {"q": "How many units of J1100 per day?"}, HTTP_ACCEPT="application/x-ndjson")
    events = [json.loads(line) for line in b"".join(page.streaming_content).decode().splitlines()]
    assert "".join(e.get("text", "") for e in events) == model.reply
    assert events[-1]["engine"] == "llm:fake-7b" and 'href="/hcpcs/J1100/#mue"' in events[-1]["html"]


def test_a_reply_naming_a_code_the_facts_lack_falls_back_to_medcodes_answer(client, model):
    model.reply = "Bill J1100 with J9999 for best results [1]."
    body = ask(client, "How many units of J1100 per day?")
    assert body["engine"] == "medcode" and "J9999" not in body["answer"]
    assert "120 units" in body["answer"] and "named a code the facts do not hold" in body["notice"]
    page = client.post("/casepilot/ask/", {"q": "How many units of J1100 per day?"}, HTTP_ACCEPT="application/x-ndjson")
    events = [json.loads(line) for line in b"".join(page.streaming_content).decode().splitlines()]
    assert {"replace": True} in events and "J9999" not in events[-1]["html"] and "120 units" in events[-1]["html"]


def test_an_unreachable_model_falls_back_too(client):
    with override_settings(MEDCODE_LLM={"URL": "http://127.0.0.1:9/v1", "MODEL": "gone", "KEY": "", "TIMEOUT": 2}):
        body = ask(client, "What is 99213?")
    assert body["engine"] == "medcode" and "could not be reached" in body["notice"]


def test_a_reply_with_an_uncited_sentence_falls_back(client, model):
    model.reply = "You may bill up to 120 units of J1100 a day [2]. Most payers agree."
    body = ask(client, "How many units of J1100 per day?")
    assert body["engine"] == "medcode" and "without its source" in body["notice"]
