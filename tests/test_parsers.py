"""The code-set parsers, on the bundled files and on small files written in each layout."""

import gzip
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings

from medcode.codes import systems
from medcode.codes.loaders import cpt, hcpcs, icd10cm, icd10pcs
from medcode.codes.loaders.base import ImportFailed
from medcode.codes.models import Code, CodeNote
from tests.factories import FIXTURES



@pytest.fixture(scope="module")
def cm():
    return icd10cm.parse(icd10cm.packaged_tabular())


@pytest.fixture(scope="module")
def pcs():
    return icd10pcs.parse(Path(settings.MEDCODE_CODE_DATA_DIR) / "icd10pcs_tables_2026.xml.gz")


@pytest.fixture(scope="module")
def hcpcs_release():
    return hcpcs.parse(hcpcs.bundled_file())


def test_icd10cm_codes_match_the_cdc_code_list(cm):
    # The package ships the CDC's own list of every code next to the tabular.
    listed = icd10cm.packaged_tabular().parent.glob("code-list-*.txt")
    cdc = {line.strip() for line in next(listed).read_text().splitlines() if line.strip()}
    ours = {r.code for r in cm.records if r.kind != Code.Kind.BLOCK}
    cdc_codes = {c for c in cdc if "-" not in c and not c.isdigit()}
    assert {r.code for r in cm.records if r.kind not in (Code.Kind.BLOCK, Code.Kind.CHAPTER)} == cdc_codes
    assert ours - cdc_codes == {c for c in cdc if c.isdigit()}


def test_icd10cm_billable_codes_are_the_leaves_with_their_seventh_character(cm):
    by_code = {r.code: r for r in cm.records}
    assert by_code["S72001A"].billable
    assert by_code["S72001A"].title.endswith("initial encounter for closed fracture")
    assert by_code["S72001A"].parent == "S72001"
    assert not by_code["S72001"].billable  # needs its 7th character
    assert by_code["E119"].billable
    assert not by_code["E11"].billable


def test_icd10cm_keeps_the_tabular_notes(cm):
    s72 = next(r for r in cm.records if r.code == "S72")
    kinds = {kind for kind, _ in s72.notes}
    assert {CodeNote.Kind.EXCLUDES1, CodeNote.Kind.EXCLUDES2, CodeNote.Kind.SEVENTH} <= kinds
    assert (CodeNote.Kind.EXCLUDES1, "traumatic amputation of hip and thigh (S78.-)") in s72.notes
    assert s72.extra["seventh"]["A"] == "initial encounter for closed fracture"


def test_icd10cm_release_is_named_from_the_file(cm):
    assert cm.version.startswith("FY2026")
    assert cm.effective_date.year in (2025, 2026)


def test_small_tabular_applies_seventh_characters_and_their_stated_exception():
    parsed = icd10cm.parse(FIXTURES / "icd10cm_tabular_small.xml")
    codes = {r.code for r in parsed.records if r.billable}
    assert codes == {"S060X1A", "S060X1D", "S060X1S", "S060X7A", "T07XXXA"}
    assert parsed.version == "FY2027"


def test_malformed_xml_names_the_line(tmp_path):
    broken = tmp_path / "tabular.xml"
    text = (FIXTURES / "icd10cm_tabular_small.xml").read_text()
    broken.write_text(text.replace("</diag>", "</diagg>", 1))
    with pytest.raises(ImportFailed, match=r"line \d+"):
        icd10cm.parse(broken)


def test_icd10cm_importer_refuses_a_pcs_file():
    with pytest.raises(ImportFailed, match="not an ICD-10-CM tabular"):
        icd10cm.parse(Path(settings.MEDCODE_CODE_DATA_DIR) / "icd10pcs_tables_2026.xml.gz")


def test_pcs_expands_every_table_row(pcs):
    root = ElementTree.fromstring(gzip.decompress(
        (Path(settings.MEDCODE_CODE_DATA_DIR) / "icd10pcs_tables_2026.xml.gz").read_bytes()))
    declared = sum(int(row.get("codes")) for row in root.iter("pcsRow"))
    assert sum(r.billable for r in pcs.records) == declared
    appendix = next(r for r in pcs.records if r.code == "0DTJ4ZZ")
    labels = [axis[3] for axis in appendix.extra["axes"]]
    assert labels[:5] == ["Medical and Surgical", "Gastrointestinal System", "Resection", "Appendix",
                          "Percutaneous Endoscopic"]
    assert appendix.title == "Resection of Appendix, Percutaneous Endoscopic Approach"
    assert appendix.parent == "0DT"


def test_pcs_definitions_explain_operations():
    term = icd10pcs.definitions()[("0", 3, "resection")]
    assert "all of a body part" in term["definition"]


def test_pcs_importer_refuses_a_cm_file():
    with pytest.raises(ImportFailed, match="not an ICD-10-PCS tables file"):
        icd10pcs.parse(FIXTURES / "icd10cm_tabular_small.xml")


def test_hcpcs_reads_the_fixed_width_file(hcpcs_release):
    by_code = {r.code: r for r in hcpcs_release.records}
    j1100 = by_code["J1100"]
    assert j1100.title == "Injection, dexamethasone sodium phosphate, 1 mg"
    assert j1100.short_title == "Dexamethasone sodium phos"
    assert j1100.extra["coverage"] == "D" and j1100.extra["tos"] == ["1", "P"]
    assert str(j1100.effective_date) == "1982-01-01" and j1100.end_date is None
    assert str(by_code["S0189"].end_date) == "2025-12-31"
    assert by_code["A4550"].end_date is None
    assert hcpcs_release.version == "2026-01"


def test_hcpcs_joins_continuation_lines_and_skips_modifiers(hcpcs_release):
    codes = {r.code for r in hcpcs_release.records}
    assert "XS" not in codes and "J" in codes
    long_ones = [r for r in hcpcs_release.records if len(r.title) > 80]
    assert long_ones and all("  " not in r.title for r in long_ones)


def _hcpcs_lines():
    return gzip.decompress(hcpcs.bundled_file().read_bytes()).decode("latin-1").splitlines()


def test_hcpcs_truncated_record_names_its_line(tmp_path):
    lines = _hcpcs_lines()[:500]
    lines[399] = lines[399][:150]
    broken = tmp_path / "HCPC2026_APR_ANWEB.txt"
    broken.write_text("\n".join(lines), encoding="latin-1")
    with pytest.raises(ImportFailed, match="line 400"):
        hcpcs.parse(broken)


def test_hcpcs_importer_refuses_a_cpt_file(tmp_path):
    wrong = tmp_path / "HCPC2026_APR_ANWEB.txt"
    record = next(line for line in _hcpcs_lines() if line[10] == "3")
    wrong.write_text("99213" + record[5:], encoding="latin-1")
    with pytest.raises(ImportFailed, match="CPT code: this is not a HCPCS"):
        hcpcs.parse(wrong)


def test_cpt_descriptor_file(tmp_path):
    long_file = tmp_path / "2026" / "LONGULT.txt"
    long_file.parent.mkdir()
    long_file.write_text("20700\tLicensed text A\n99213\tLicensed text B\n")
    parsed = cpt.parse(long_file)
    by_code = {r.code: r for r in parsed.records}
    assert parsed.version == "2026" and parsed.title_field == "title"
    assert by_code["20700"].title == "Licensed text A" and by_code["20700"].is_addon
    assert by_code["99213"].parent == cpt.range_of("99213")["code"]
    assert by_code[by_code["99213"].parent].kind == Code.Kind.RANGE


def test_cpt_short_file_fills_the_short_descriptor(tmp_path):
    short_file = tmp_path / "SHORTU.txt"
    short_file.write_text("99213 OFFICE O/P EST LOW\n")
    parsed = cpt.parse(short_file, version="2026")
    office_visit = next(r for r in parsed.records if r.code == "99213")
    assert parsed.title_field == "short_title" and office_visit.title == "OFFICE O/P EST LOW"


@pytest.mark.parametrize("content, message", [
    ("J1100\tDexamethasone\n", "HCPCS Level II code: this is not a CPT file"),
    ("20700\tok\n99213\n", "line 2: 99213 has no descriptor"),
    ("20700\tok\nhello there\n", "line 2: expected a CPT code"),
    ("20700\tok\n20700\tagain\n", "line 2: code 20700 appears twice"),
])
def test_cpt_file_errors_name_the_line(tmp_path, content, message):
    bad = tmp_path / "LONGULT_2026.txt"
    bad.write_text(content)
    with pytest.raises(ImportFailed, match=re.escape(message)):
        cpt.parse(bad)


def test_cpt_outline_places_every_starter_code():
    for code in cpt.words():
        assert cpt.range_of(code) is not None, code
    assert cpt.range_of("20700")["name"].lower().startswith("musculoskeletal")
    assert systems.SYSTEMS[systems.CPT].matches("0042T")
