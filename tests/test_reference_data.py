"""Reference file loaders: the shipped CMS files, the NCCI PTP fixture in the CMS layout, broken files, releases."""

import gzip
import shutil
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from medcode.codes.loaders.base import ImportFailed
from medcode.codes.models import Code
from medcode.reference import addons, changes, fees, importers, modifiers, ncci, tables
from medcode.reference.models import (
    AddonEdit, CoverageCode, CoverageDocument, DataRelease, FeeScheduleRow, Locality, Modifier, MueEdit, PtpEdit,
)
from tests.factories import PTP_2026Q2, REFERENCE_FIXTURES

PTP_Q3 = [REFERENCE_FIXTURES / "ccipra-v322r0-f1.txt"]
MUE_Q3 = REFERENCE_FIXTURES / "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"
Kind = DataRelease.Kind
pytestmark = pytest.mark.django_db


def snapshot():
    """Everything an import could change."""
    return (
        list(DataRelease.objects.values_list("kind", "label", "sha256", "rows").order_by("kind", "label")),
        PtpEdit.objects.count(), MueEdit.objects.count(), FeeScheduleRow.objects.count(),
        AddonEdit.objects.count(), CoverageDocument.objects.count(), CoverageCode.objects.count(),
    )


# The shipped files: row counts from each folder's SOURCE.md ----------------------------------

@pytest.mark.parametrize("kind, rows", [
    (Kind.MUE_PRACTITIONER, 15_095), (Kind.MUE_HOSPITAL, 15_045), (Kind.MUE_DME, 3_083),
    (Kind.ADDON, 9_000), (Kind.RVU, 19_356), (Kind.GPCI, 109), (Kind.MODIFIERS, 383), (Kind.COVERAGE_INDEX, 3_133),
])
def test_every_shipped_file_is_loaded_whole(kind, rows):
    release = DataRelease.objects.get(kind=kind)
    assert release.rows == rows
    assert release.sha256 and release.source


def test_mue_rows_of_the_shipped_tables():
    day = date(2026, 5, 1)
    by_setting = {setting: edit for setting, edit, _ in ncci.mue_for("99213", day)}
    assert (by_setting["practitioner"].units, by_setting["practitioner"].indicator) == (2, 3)
    assert by_setting["dme"] is None  # 99213 is not in the DME table
    j1100 = {setting: edit for setting, edit, _ in ncci.mue_for("J1100", day)}
    assert (j1100["practitioner"].units, j1100["hospital"].units, j1100["dme"].units) == (120, 120, 0)
    assert j1100["dme"].rationale == "CMS Policy"
    assert "clinical" in j1100["practitioner"].indicator_meaning


def test_addon_primaries_of_20700():
    primaries = addons.primaries_of("20700", on=date(2026, 5, 1))
    assert len(primaries) == 76  # SOURCE.md: 76 rows, all active, type 1
    assert {e.edit_type for e in primaries} == {1}
    assert "11043" in {e.primary_code for e in primaries}
    assert Code.objects.get(system="cpt", code="20700").is_addon


def test_rvus_and_global_days_of_99213_and_27130():
    _, rows = fees.rows_for("99213", date(2026, 8, 1))
    row = rows[""]
    assert (str(row.work), str(row.pe_nonfacility), str(row.pe_facility), str(row.mp)) == ("1.30", "1.46", "0.33", "0.09")
    assert (str(row.total_nonfacility), str(row.total_facility), row.global_days) == ("2.85", "1.72", "XXX")
    assert str(row.conversion_factor) == "33.4009"
    _, rows = fees.rows_for("27130")
    hip = rows[""]
    assert (str(hip.work), hip.global_days, str(hip.pre_op), str(hip.intra_op), str(hip.post_op)) == (
        "19.11", "090", "0.10", "0.69", "0.21")
    assert (hip.multiple_procedure, hip.bilateral, hip.assistant, hip.co_surgeons, hip.team_surgery) == ("2", "1", "2", "1", "0")
    assert hip.nonfacility_na  # the row's NON-FAC NA INDICATOR is NA
    assert "90 days" in fees.words(hip)["global"]


def test_no_cpt_descriptor_is_kept_from_the_fee_schedule():
    assert not FeeScheduleRow.objects.filter(code="99213").exclude(description="").exists()
    assert FeeScheduleRow.objects.get(code="G2211", modifier="").description == "Complex e/m visit add on"


def test_cpt_codes_listed_by_cms_files_get_pages_without_descriptors():
    listed = Code.objects.get(system="cpt", code="11042")
    assert listed.title == "" and listed.parent  # placed in medcode's outline, AMA text absent
    assert Code.objects.filter(system="cpt", kind="code").count() > 10_000


def test_locality_gpcis_use_the_floored_work_gpci():
    miami = fees.locality("09102-04")
    assert (str(miami.work_gpci_unfloored), str(miami.work_gpci), str(miami.pe_gpci), str(miami.mp_gpci)) == (
        "0.994", "1.000", "1.041", "2.529")
    assert Locality.objects.count() == 109


def test_hcpcs_modifiers_and_the_guide():
    xs = Modifier.objects.get(code="XS")
    assert xs.title.startswith("Separate structure")
    jg = Modifier.objects.get(code="JG")
    assert jg.termination_date == date(2024, 12, 31)
    guide, row = modifiers.find("25")
    assert row is None and guide["set"] == "CPT" and guide["ncci_bypass"]
    assert {"59", "XS", "LT"} <= {code for code, entry in modifiers.guide().items() if entry["ncci_bypass"]}


def test_coverage_index():
    pap = CoverageDocument.objects.get(display_id="L33718")
    assert pap.title.startswith("Positive Airway Pressure") and pap.version == 52
    assert pap.effective_date == date(2024, 1, 1) and pap.retirement_date is None


def test_load_data_skips_what_is_loaded():
    before = snapshot()
    for name, step in importers.bundled_steps(lambda message: None):
        step()
    assert snapshot() == before


# NCCI PTP edits: the official layout, on fixtures -----------------------------------------------

def test_ptp_parts_of_one_release_load_together():
    release = importers.import_file("ncci-ptp", PTP_2026Q2)
    assert (release.kind, release.label, release.effective_date, release.rows) == (
        Kind.PTP_PRACTITIONER, "2026Q2", date(2026, 4, 1), 5)
    edit = PtpEdit.objects.get(release=release, column1="27130", column2="20610")
    assert edit.prior_1996 and edit.deletion_date == date(2010, 3, 31) and edit.modifier_indicator == 9
    open_edit = PtpEdit.objects.get(release=release, column1="20610", column2="99213")
    assert open_edit.deletion_date is None and open_edit.modifier_indicator == 1
    assert "modifier" in open_edit.modifier_meaning.lower()


def test_hospital_edits_are_told_by_the_file_name():
    release = importers.import_file("ncci-ptp", [REFERENCE_FIXTURES / "ccioph-v321r0-f1.txt"])
    assert release.kind == Kind.PTP_HOSPITAL


def test_ptp_zip_of_parts(tmp_path):
    import zipfile

    archive = tmp_path / "medicare-ncci-2026q2-practitioner-ptp-edits.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in PTP_2026Q2:
            zipped.write(part, part.name)
    assert importers.import_file("ncci-ptp", [archive]).rows == 5


def test_a_new_release_keeps_the_old_one_and_answers_by_date_of_service():
    importers.import_file("ncci-ptp", PTP_2026Q2)
    importers.import_file("ncci-ptp", PTP_Q3)
    assert tables.release_for(Kind.PTP_PRACTITIONER, date(2026, 5, 1)).label == "2026Q2"
    assert tables.release_for(Kind.PTP_PRACTITIONER, date(2026, 8, 1)).label == "2026Q3"
    assert tables.release_for(Kind.PTP_PRACTITIONER, date(2025, 1, 1)).label == "2024Q3"  # the shipped one
    assert tables.release_for(Kind.PTP_PRACTITIONER, date(2020, 1, 1)).label == "2024Q3"  # the earliest answers
    q3 = tables.release_for(Kind.PTP_PRACTITIONER, date(2026, 8, 1))
    assert list(ncci.ptp_edits(q3, "64483", day=date(2026, 8, 1)).values_list("column2", flat=True)) == ["64493"]
    assert not ncci.ptp_edits(q3, "64483", day=date(2026, 6, 30)).exists()  # not yet effective


def test_what_changed_between_two_ptp_releases():
    old = importers.import_file("ncci-ptp", PTP_2026Q2)
    new = importers.import_file("ncci-ptp", PTP_Q3)
    result = changes.compare(old, new)
    assert result.counts == {"added": 1, "removed": 0, "changed": 2}
    assert result.added[0]["key"].startswith("64483 / 64493")
    diffs = {entry["key"].rsplit(" / ", 1)[0]: entry["diffs"] for entry in result.changed}
    assert {"field": "deletion date", "before": None, "after": "2026-06-30"} in diffs["20610 / 99213"]
    assert {"field": "modifier indicator", "before": "0", "after": "1"} in diffs["29881 / 29877"]
    assert changes.compare(old, new, code="11042").counts == {"added": 0, "removed": 0, "changed": 0}


def test_what_changed_in_the_mue_of_one_code():
    q2 = DataRelease.objects.get(kind=Kind.MUE_PRACTITIONER, label="2026Q2")
    q3 = importers.import_file("mue", [MUE_Q3])  # the CMS CSV layout: quoted notice, header cell split over two lines
    assert (q3.label, q3.rows) == ("2026Q3", 4)
    result = changes.compare(q2, q3, code="99213")
    assert result.changed == [{"key": "99213", "values": {"units": "3", "indicator": "3"},
                               "diffs": [{"field": "units", "before": "2", "after": "3"}]}]
    overall = changes.compare(q2, q3)
    assert overall.counts["removed"] == 15_095 - 4


# Broken files change nothing and say why -------------------------------------------------------

def _written(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, newline="")
    return path


@pytest.mark.parametrize("name, body, reason", [
    ("ccipra-v321r0-f1.txt", "Column 1\tColumn 2\t*\tEffective Date\tDeletion Date\tModifier\tRationale\n"
     "20610\t99213\t\t20130101\t*\t1\tok\n20610\t99214\t\t2013-01-01\t*\t1\tbad date\n", "line 3: effective date"),
    ("ccipra-v321r0-f1.txt", "Column 1\tColumn 2\t*\tEffective Date\tDeletion Date\tModifier\tRationale\n"
     "20610\t99213\t\t20130101\t*\t7\tbad indicator\n", "line 2: modifier indicator '7'"),
    ("ccipra-v321r0-f1.txt", "Column 1\tColumn 2\t*\tEffective Date\tDeletion Date\tModifier\tRationale\n"
     "20610\t99213\t\t20130101\t*\t1\tok\n20610\t99214\n", "line 3: 2 columns"),
    ("ccipra-v321r0-f1.txt", "HCPCS/CPT Code\tPractitioner Services MUE Values\tMUE Adjudication Indicator\n", "not an NCCI PTP"),
])
def test_a_broken_ptp_file_changes_nothing(tmp_path, name, body, reason):
    importers.import_file("ncci-ptp", PTP_2026Q2)
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        importers.import_file("ncci-ptp", [_written(tmp_path, name, body)], force=True)
    assert reason in str(failure.value)
    assert snapshot() == before


def test_a_truncated_gzip_changes_nothing(tmp_path):
    source = tables.bundled("mue_practitioner_*.tsv.gz")
    broken = tmp_path / "mue_practitioner_2026q3.tsv.gz"
    broken.write_bytes(source.read_bytes()[:20_000])
    before = snapshot()
    with pytest.raises(ImportFailed, match="broken gzip"):
        importers.import_file("mue", [broken])
    assert snapshot() == before


def test_a_failing_row_deep_in_a_file_rolls_back_the_rows_before_it(tmp_path):
    text = gzip.decompress(tables.bundled("mue_practitioner_*.tsv.gz").read_bytes()).decode()
    lines = text.splitlines()
    lines[9_000] = lines[9_000].split("\t")[0] + "\tmany\t3 Date of Service Edit: Clinical\tx"
    path = _written(tmp_path, "mue_practitioner_2026q3.tsv", "\n".join(lines) + "\n")
    before = snapshot()
    with pytest.raises(ImportFailed, match="line 9001: MUE value 'many'"):
        importers.import_file("mue", [path])
    assert snapshot() == before


@pytest.mark.parametrize("kind, pattern", [
    ("rvu", "gpci_*.tsv.gz"), ("gpci", "pprrvu_*.tsv.gz"), ("mue", "aoc_*.tsv.gz"),
    ("addon", "mue_dme_*.tsv.gz"), ("coverage", "gpci_*.tsv.gz"), ("modifiers", "aoc_*.tsv.gz"),
])
def test_a_file_of_the_wrong_kind_is_refused(tmp_path, kind, pattern):
    before = snapshot()
    source = tables.bundled(pattern)
    renamed = tmp_path / f"2026q3_2026_jul_2026-08-01_{source.name}"  # a name that would give a release
    shutil.copy(source, renamed)
    with pytest.raises(ImportFailed, match="this is not|not a coverage file"):
        importers.import_file(kind, [renamed])
    assert snapshot() == before


def test_the_import_command_reports_the_line_and_changes_nothing(tmp_path):
    path = _written(tmp_path, "gpci_2027.tsv", "MAC\tState\tLocality Number\tLocality Name\t2027 PW GPCI\t"
                    "2027 PE GPCI\t2027 MP GPCI\n10112\tAL\t00\tALABAMA\t1.000\t0.875\tlow\n")
    before = snapshot()
    with pytest.raises(CommandError) as failure:
        call_command("import_file", "gpci", str(path))
    assert "gpci_2027.tsv, line 2: GPCI 'low' is not a number" in str(failure.value)
    assert "Nothing was changed" in str(failure.value)
    assert snapshot() == before


def test_the_import_command_loads_a_quarter(capsys):
    call_command("import_file", "ncci-ptp", *map(str, PTP_2026Q2))
    assert "NCCI PTP edits, practitioner 2026Q2: 5 rows" in capsys.readouterr().out


def test_coverage_code_lists_in_the_mcd_layout():
    release = importers.import_file("coverage", [REFERENCE_FIXTURES / "mcd"], release="2026-10-01")
    assert release.kind == Kind.COVERAGE_CODES
    listed = CoverageCode.objects.filter(release=release, code="G43909").get()
    assert (listed.article_id, listed.list, listed.group) == (57215, CoverageCode.List.COVERED, 1)


def test_a_release_being_written_is_invisible_and_a_failure_mid_write_leaves_nothing(monkeypatch):
    q2 = DataRelease.objects.get(kind=Kind.MUE_PRACTITIONER)
    seen_during_write = []
    real_flush = tables._flush

    def flush_then_fail(batch):
        real_flush(batch)
        seen_during_write.append(tables.release_for(Kind.MUE_PRACTITIONER, date(2026, 8, 1)))
        raise OSError("disk full")

    monkeypatch.setattr(tables, "_flush", flush_then_fail)
    before = snapshot()
    with pytest.raises(OSError):
        importers.import_file("mue", [MUE_Q3])
    assert seen_during_write == [q2]  # readers kept answering from the complete release
    assert snapshot() == before and not DataRelease.every.filter(complete=False).exists()


def test_a_zip_that_unpacks_past_the_limit_is_refused(tmp_path, settings):
    import zipfile

    settings.MEDCODE_IMPORT_MAX_BYTES = 10_000
    archive = tmp_path / "ccipra-v321r0.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("ccipra-v321r0-f1.txt", "0" * 20_000)
    with pytest.raises(ImportFailed, match="unpacks to 20,000 bytes, over the limit"):
        importers.import_file("ncci-ptp", [archive])


def test_cpt_pages_know_they_are_add_ons_from_the_add_on_file(page):
    # 11047's add-on flag comes from the NCCI add-on edits, which list its primary, 11044.
    code = Code.objects.get(system="cpt", code="11047")
    assert code.is_addon and AddonEdit.objects.filter(addon_code="11047", primary_code="11044").exists()
    _, text = page("/cpt/11047/")
    assert "11047 is an add-on code" in text and 'href="/cpt/11044/"' in text
