"""The shipped PTP edits (derived 2024 Q3 layout), MCE edits on ICD-10 pages, and data freshness.

Rows pinned here were looked up in medcode/reference/data/ptp_*_2024q3_derived.tsv.xz:
practitioner `27447 20610 * 1 Misuse of Column Two code with Column One code` and
`27447 99213 20191231 1 CPT Manual or CMS manual coding instruction` (deleted) beside the active
`27447 99213 * 1 …`; the file has 2,546,017 practitioner and 1,775,818 outpatient hospital rows
(../shared/data/ncci/SOURCE.md).
"""

import lzma
from datetime import date

import pytest

from medcode.codes import mce
from medcode.codes.loaders.base import ImportFailed
from medcode.reference import freshness, importers, tables
from medcode.reference.models import DataRelease, PtpEdit

pytestmark = pytest.mark.django_db
DERIVED_HEADER = "column_1\tcolumn_2\tdeletion_date\tmodifier_indicator\tptp_edit_rationale\n"


def test_both_settings_are_loaded_whole_from_the_files_given():
    """Every row of each file. The test database loads the edits of the codes the tests name (conftest.py);
    the browser tests' `medcode load-data` loads the whole shipped files (2,546,017 and 1,775,818 rows)."""
    practitioner = DataRelease.objects.get(kind=DataRelease.Kind.PTP_PRACTITIONER, label="2024Q3")
    hospital = DataRelease.objects.get(kind=DataRelease.Kind.PTP_HOSPITAL, label="2024Q3")
    given = [sum(1 for _ in lzma.open(tables.bundled(f"ptp_{setting}_*.tsv.xz"), "rt")) - 1  # less the header
             for setting in ("practitioner", "outpatient_hospital")]
    assert [practitioner.rows, hospital.rows] == given and all(rows > 1000 for rows in given)
    assert practitioner.effective_date == date(2024, 7, 1) and "derived" in practitioner.source
    edit = PtpEdit.objects.get(release=practitioner, column1="27447", column2="20610")
    assert edit.modifier_indicator == 1 and str(edit.rationale) == "Misuse of Column Two code with Column One code"
    assert edit.effective_date is None and edit.prior_1996 is None  # the copy does not give them
    pair = PtpEdit.objects.filter(release=practitioner, column1="27447", column2="99213")
    assert sorted(str(e.deletion_date) for e in pair) == ["2019-12-31", "None"]
    assert pair.active_on(date(2026, 11, 2)).count() == 1


def _derived(tmp_path, name, body):
    path = tmp_path / name
    path.write_bytes(lzma.compress((DERIVED_HEADER + body).encode()))
    return path


def test_a_derived_file_with_a_bad_row_is_refused_with_its_line_and_changes_nothing(tmp_path):
    before = DataRelease.objects.filter(kind=DataRelease.Kind.PTP_PRACTITIONER).count()
    bad = _derived(tmp_path, "ptp_practitioner_2025q1_derived.tsv.xz",
                   "11042\t97597\t*\t1\tCPT Manual or CMS manual coding instruction\n"
                   "11042\t97598\t20251301\t1\tCPT Manual or CMS manual coding instruction\n")
    with pytest.raises(ImportFailed, match=r"line 3.*deletion date"):
        importers.import_file("ncci-ptp", [bad])
    assert DataRelease.every.filter(kind=DataRelease.Kind.PTP_PRACTITIONER).count() == before
    wrong = _derived(tmp_path, "ptp_practitioner_2025q1_derived.tsv.xz", "11042\t97597\t*\t7\tx\n")
    with pytest.raises(ImportFailed, match="modifier indicator '7'"):
        importers.import_file("ncci-ptp", [wrong])


def test_a_newer_derived_release_answers_for_its_dates(tmp_path):
    newer = _derived(tmp_path, "ptp_outpatient_hospital_2026q4_derived.tsv.xz",
                     "27447\t20610\t*\t0\tMisuse of Column Two code with Column One code\n")
    release = importers.import_file("ncci-ptp", [newer])
    assert (release.kind, release.label, release.rows) == (DataRelease.Kind.PTP_HOSPITAL, "2026Q4", 1)
    assert tables.release_for(DataRelease.Kind.PTP_HOSPITAL, date(2026, 11, 2)) == release
    assert tables.release_for(DataRelease.Kind.PTP_HOSPITAL, date(2025, 1, 2)).label == "2024Q3"
    assert freshness.of_release(release, date(2026, 11, 2)).message == ""


def test_the_code_page_lists_ncci_edits_with_the_release_and_its_age(page):
    response, text = page("/cpt/27447/?date=2026-11-02&ncci_code=20610")
    assert response.status_code == 200
    assert "Release 2024Q3" in text and "in effect from Jul 1, 2024" in text
    assert "a newer release was due by Oct 1, 2024" in text and "medcode update-data" in text
    assert "20610" in text and "not given" in text  # no effective date in the derived copy
    box = text.split('id="freshness"')[1].split("</aside>")[0]
    assert "NCCI PTP edits, outpatient hospital 2024Q3: a newer release was due by Oct 1, 2024" in box
    assert "MUE, practitioner services 2026Q2: a newer release was due by Jul 1, 2026" in box
    _, in_may = page("/cpt/27447/?date=2026-05-01")  # 2026Q2 MUEs speak for May; the 2024 PTP edits do not
    in_may = in_may.split('id="freshness"')[1].split("</aside>")[0]
    assert "MUE, practitioner" not in in_may and "NCCI PTP edits, practitioner 2024Q3" in in_may


def test_the_ncci_api_gives_null_for_what_the_copy_lacks(subscriber_client):
    data = subscriber_client.get("/api/codes/cpt/27447/ncci?other=20610&date=2026-11-02").json()
    edit = data["edits"][0]
    assert data["release"]["label"] == "2024Q3" and edit["column2"] == "20610"
    assert edit["effective_date"] is None and edit["prior_1996"] is None
    assert edit["rationale"] == "Misuse of Column Two code with Column One code"


def test_reference_status_says_which_releases_are_due(client):
    text = client.get("/reference/").content.decode()
    assert "NCCI PTP edits, practitioner" in text and "Due since 2024-10-01" in text
    assert "ICD-10-CM" in text and "medcode update-data" in text


@pytest.mark.parametrize("effective, months, due", [
    (date(2024, 7, 1), freshness.QUARTERLY, date(2024, 10, 1)),
    (date(2025, 10, 1), (10,), date(2026, 10, 1)),
    (date(2026, 4, 1), (10,), date(2026, 10, 1)),
    (date(2026, 1, 1), (1,), date(2027, 1, 1)),
])
def test_the_successor_is_due_on_the_publishers_rhythm(effective, months, due):
    assert freshness.successor_due(effective, months) == due


# MCE ------------------------------------------------------------------------------------------

def test_mce_edits_on_icd10cm_pages_follow_the_date(page):
    _, maternity = page("/icd-10-cm/O80/?date=2026-11-02")
    assert "maternity code, ages 9-64" in maternity and "MCE FY2027" in maternity
    _, before = page("/icd-10-cm/N40.0/?date=2024-09-15")
    assert "male patients only" in before and "MCE FY2024" in before
    _, after = page("/icd-10-cm/N40.0/?date=2026-03-02")
    assert "male patients only" not in after and "retired the MCE's sex conflict edits" in after
    _, manifestation = page("/icd-10-cm/F02.80/?date=2026-11-02")
    assert "Manifestation code: may not be listed first" in manifestation


def test_mce_edits_on_icd10pcs_pages(page):
    _, text = page("/icd-10-pcs/02YA0Z0/?date=2026-11-02")  # heart transplant
    assert "Limited coverage procedure" in text


def test_mce_answers_outside_its_years_say_so():
    assert mce.covers(date(2026, 11, 2)) and not mce.covers(date(2027, 10, 1))
    assert "FY2027" in mce.coverage_note(date(2027, 10, 1))
    assert [e.words for e in mce.diagnosis_edits("A33", date(2026, 11, 2))] == ["Age: newborn (perinatal) code, age 0 only"]
    assert [e.words for e in mce.diagnosis_edits("Z00129", date(2026, 11, 2)) if e.name == "AGE_CONFLICT"] == \
        ["Age: pediatric code, ages 0-17"]
