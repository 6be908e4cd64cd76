"""Case2Code on ICD-10-PCS: codes built character by character from what the coder said.

Codes pinned here were looked up in the loaded FY2026 PCS tables: 0DTJ0ZZ and 0DTJ4ZZ are
Resection of Appendix (open, percutaneous endoscopic), 0FB03ZX Excision of Liver,
Percutaneous Approach, Diagnostic, 0TJB8ZZ Inspection of Bladder through a scope and
0YU50JZ Supplement of Inguinal Region, Right, Open Approach, Synthetic Substitute.
"""

import pytest

from medcode.codes import systems
from medcode.codes.models import Code
from medcode.search import engine, lexical, pcs
from medcode.search.query import parse

pytestmark = pytest.mark.django_db


def built(words, system=systems.ICD10PCS, top=5):
    groups, _ = lexical.with_corrections(parse(words).groups)
    found = Code.objects.in_bulk(pcs.match(groups, {"system": system}))
    return [found[pk].code for pk in pcs.match(groups, {"system": system})][:top]


def searched(words, top=5):
    return [hit.code.code for hit in engine.search(words, system=systems.ICD10PCS).hits[:top]]


@pytest.mark.parametrize("words, first", [
    ("open appendectomy", "0DTJ0ZZ"),
    ("laparoscopic appendectomy", "0DTJ4ZZ"),
    ("percutaneous liver biopsy", "0FB03ZX"),
])
def test_the_index_names_the_table_and_the_words_pick_every_other_character(words, first):
    assert built(words)[0] == first


def test_a_whole_organ_comes_before_part_of_it_unless_the_query_says_part():
    codes = built("open appendectomy")
    assert codes.index("0DTJ0ZZ") < codes.index("0DBJ0ZZ")  # Resection before Excision
    assert built("partial appendectomy, open")[0] == "0DBJ0ZZ"


def test_values_nobody_asked_for_count_against_a_code():
    # No device and no qualifier were mentioned: neither a diagnostic nor a hand-assisted code leads.
    assert built("laparoscopic appendectomy")[0].endswith("ZZ")
    assert not built("open appendectomy")[0].endswith("X")


def test_other_code_sets_get_nothing_from_the_pcs_builder():
    assert built("open appendectomy", system=systems.ICD10CM) == []
    assert built("") == []


@pytest.mark.parametrize("words, wanted", [
    ("diagnostic cystoscopy", "0TJB8ZZ"),
    ("open right inguinal hernia repair with mesh", "0YU50JZ"),
    ("arthroscopic partial meniscectomy right knee", "0SBC4ZZ"),
])
def test_coder_shorthand_finds_the_pcs_code_in_the_top_five(words, wanted):
    assert wanted in searched(words)


def test_the_approach_the_query_names_outranks_every_other_approach():
    approaches = [code[4] for code in searched("laparoscopic appendectomy", top=3)]
    assert approaches == ["4", "4", "4"]
    assert searched("open appendectomy")[0] == "0DTJ0ZZ"


def test_a_corrected_word_brings_its_synonyms():
    groups, corrections = lexical.with_corrections(parse("colonscopy").groups)
    assert corrections == {"colonscopy": "colonoscopy"}
    assert ("via", "natural", "or", "artificial", "opening", "endoscopic") in groups[0]
