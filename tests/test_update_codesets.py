"""`medcode update-data` for the code sets: ICD-10-CM, ICD-10-PCS and HCPCS Level II fetched from
CMS-like pages on a local web server, with the default sources' regexes, and imported.

The session database holds the bundled releases (ICD-10-CM FY2026 April update, PCS FY2026,
HCPCS 2026-01), so every release served here is newer. Each zip is built here from a few rows
in the layout of the real files."""

import gzip
import io
import zipfile
from datetime import date

import pytest
from django.core.management import call_command

from medcode.codes import systems
from medcode.codes.loaders import hcpcs
from medcode.codes.models import Code, Release
from medcode.reference import update
from medcode.search import engine
from medcode.search.models import IndexState
from tests.factories import FIXTURES
from tests.test_update_data import CmsSite, zip_of

pytestmark = pytest.mark.django_db

ICD10_PAGE = "/medicare/coding-billing/icd-10-codes"
HCPCS_PAGE = "/medicare/coding-billing/healthcare-common-procedure-system/quarterly-update"
# Codes no bundled release has: a page for one shows that the update brought it.
NEW_CM, NEW_CM_TITLE = "U08.1", "Test condition added in FY2028"
NEW_PCS, NEW_PCS_TITLE = "0DTJ3ZZ", "Resection of Appendix, Percutaneous Approach"
NEW_HCPCS, NEW_HCPCS_TITLE = "J1101", "Injection, zanzalintinib, 1 mg"
HCPCS_APRIL_FILE = "HCPC2027_APR_ANWEB_03132027.txt"


def icd10cm_zip(year, member, *, new_code=False):
    """A CMS "code tables, tabular and index" zip: the tabular XML beside files the update leaves."""
    xml = (FIXTURES / "icd10cm_tabular_small.xml").read_text().replace("<version>2027<", f"<version>{year}<")
    if new_code:
        xml = xml.replace("</ICD10CM.tabular>", f"""
  <chapter><name>22</name><desc>Codes for special purposes (U00-U85)</desc>
    <section id="U08"><desc>Test conditions (U08)</desc>
      <diag><name>U08</name><desc>Test condition</desc><diag><name>{NEW_CM}</name><desc>{NEW_CM_TITLE}</desc></diag></diag>
    </section>
  </chapter>
</ICD10CM.tabular>""")
    return zip_of((f"Table and Index/{member}", xml.encode()), (f"Table and Index/icd10cm_index_{year}.xml", b"<index/>"),
                  (f"icd10cm-tabular-{year}.pdf", b"%PDF-"))


def icd10pcs_zip(year, *, new_code=False):
    """A CMS "ICD-10-PCS code tables and index" zip holding one table: resection of the appendix."""
    approaches = [("0", "Open"), ("4", "Percutaneous Endoscopic")] + ([("3", "Percutaneous")] if new_code else [])
    labels = "".join(f'<label code="{code}">{label}</label>' for code, label in approaches)
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<ICD10PCS.tabular><version>{year}</version><title>{year} ICD-10-PCS Tables</title><pcsTable>
  <axis pos="1" values="1"><title>Section</title><label code="0">Medical and Surgical</label></axis>
  <axis pos="2" values="1"><title>Body System</title><label code="D">Gastrointestinal System</label></axis>
  <axis pos="3" values="1"><title>Operation</title><label code="T">Resection</label>
    <definition>Cutting out or off, without replacement, all of a body part</definition></axis>
  <pcsRow codes="{len(approaches)}">
    <axis pos="4" values="1"><title>Body Part</title><label code="J">Appendix</label></axis>
    <axis pos="5" values="{len(approaches)}"><title>Approach</title>{labels}</axis>
    <axis pos="6" values="1"><title>Device</title><label code="Z">No Device</label></axis>
    <axis pos="7" values="1"><title>Qualifier</title><label code="Z">No Qualifier</label></axis>
  </pcsRow></pcsTable></ICD10PCS.tabular>"""
    return zip_of((f"icd10pcs_tables_{year}.xml", xml.encode()), (f"icd10pcs_definitions_{year}.xml", b"<definitions/>"))


def hcpcs_zip(name, *, new_code=False):
    """A quarterly alpha-numeric zip: the fixed-width file (a few bundled records) beside its Excel twin."""
    lines = gzip.decompress(hcpcs.bundled_file().read_bytes()).decode("latin-1").splitlines()
    kept = [line for line in lines if line[:5] in {"A4206", "J1100"}]  # with their continuation lines
    if new_code:
        j1100 = next(line for line in kept if line.startswith("J1100"))
        added = NEW_HCPCS + j1100[5:11] + NEW_HCPCS_TITLE.ljust(80) + "Zanzalintinib inj 1 mg".ljust(28) + j1100[119:]
        kept.append(added[:268] + "20270401" + added[276:])  # the add date
    text = "\r\n".join(kept) + "\r\n"
    return zip_of((name, text.encode("latin-1")), (name.replace(".txt", ".xlsx"), b"PK not read"),
                  ("HCPC2027_recordlayout.txt", b"record layout"))


def broken(raw):
    """The zip with a byte of its first member's compressed data flipped: it opens, the member fails its check."""
    damaged = bytearray(raw)
    damaged[30 + len(zipfile.ZipFile(io.BytesIO(raw)).namelist()[0]) + 5] ^= 0xFF
    return bytes(damaged)


@pytest.fixture
def cms(tmp_path):
    site = CmsSite(tmp_path / "site")
    yield site
    site.close()


def set_aside(system):
    """Set the session's whole code set aside (back with the test's rollback): a release of a few
    codes over ~98,000 loaded ones marks each of them deleted, which takes an import 15 s, not 1 s.
    Its releases stay, so a release served must still be newer than the loaded one."""
    Code.objects.filter(system=system).update(system=f"{system}-aside")


@pytest.fixture
def index_builds(monkeypatch):
    """Rebuilding the search index over the whole catalogue takes a minute: record each rebuild
    instead, leaving the index current for the catalogue as a real rebuild does."""
    builds = []

    def build_index(progress=lambda message: None, with_semantic=None):
        builds.append(engine.catalogue_state())
        IndexState.objects.all().delete()
        IndexState.objects.create(catalogue=builds[-1], documents=0)
        progress("  indexed")

    monkeypatch.setattr(engine, "build_index", build_index)
    return builds


@pytest.fixture
def source(settings):
    """Use a default source (its match and member regexes) with its page on the local site."""
    defaults = settings.MEDCODE_UPDATE_SOURCES
    settings.MEDCODE_UPDATE_SOURCES = {}

    def add(name, url, **changes):
        settings.MEDCODE_UPDATE_SOURCES = {**settings.MEDCODE_UPDATE_SOURCES,
                                           name: {**defaults[name], "url": url, **changes}}

    return add


@pytest.fixture
def icd10cm_page(cms):
    """FY2027, FY2028 and FY2028's April update (the newest, the only one with NEW_CM), beside a zip of
    another kind: the newest is neither first nor last on the page."""
    names = {
        "2028-code-tables-tabular-and-index.zip": icd10cm_zip(2028, "icd10cm_tabular_2028.xml"),
        "2028-code-tables-tabular-and-index-april-1-2028.zip":
            icd10cm_zip(2028, "icd10cm-tabular-April-1-2028.xml", new_code=True),
        "2027-code-tables-tabular-and-index.zip": icd10cm_zip(2027, "icd10cm_tabular_2027.xml"),
    }
    for name, raw in names.items():
        cms.put(f"/files/zip/{name}", raw)
    return cms.page(ICD10_PAGE, [f"/files/zip/{name}" for name in ["2028-code-descriptions-tabular-order.zip", *names]])


@pytest.fixture
def hcpcs_page(cms):
    """October 2026, April 2027 and January 2027: the newest is neither first on the page nor last by name."""
    for month, year in [("october", 2026), ("january", 2027)]:
        cms.put(f"/files/zip/{month}-{year}-alpha-numeric-hcpcs-file.zip",
                hcpcs_zip(f"HCPC{year}_{month[:3].upper()}_ANWEB.txt"))
    cms.put("/files/zip/april-2027-alpha-numeric-hcpcs-file.zip", hcpcs_zip(HCPCS_APRIL_FILE, new_code=True))
    return cms.page(HCPCS_PAGE, [f"/files/zip/{month}-alpha-numeric-hcpcs-file.zip"
                                 for month in ("october-2026", "april-2027", "january-2027")])


def run(*names, **options):
    return {outcome.name: outcome for outcome in update.run(update.configured(names or None), **options)}


def test_newest_icd10cm_release_is_imported_its_new_code_gets_a_page_and_a_second_run_skips(
        cms, icd10cm_page, source, client):
    assert client.get(f"/icd-10-cm/{NEW_CM}/").status_code == 404
    set_aside(systems.ICD10CM)
    source("icd10cm", icd10cm_page)

    outcome = run()["icd10cm"]

    assert outcome.status == "imported", outcome.detail
    # The release as the loader names an April update from its file name: in force from 1 April.
    assert (outcome.release.version, outcome.release.effective_date) == ("FY2028 (April 2028 update)", date(2028, 4, 1))
    assert outcome.detail.endswith("from icd10cm-tabular-April-1-2028.xml")
    response = client.get(f"/icd-10-cm/{NEW_CM}/")
    assert response.status_code == 200 and NEW_CM_TITLE in response.content.decode()
    assert [path for path in cms.requested if path.startswith("/files/")] == [
        "/files/zip/2028-code-tables-tabular-and-index-april-1-2028.zip"]  # the older ones are never fetched

    again = run()["icd10cm"]

    assert (again.status, again.detail) == ("skipped", "ICD-10-CM FY2028 (April 2028 update) is already loaded")
    assert Release.objects.filter(system=systems.ICD10CM, version__startswith="FY2028").count() == 1


def test_corrupt_icd10cm_zip_fails_clearly_changes_nothing_and_hcpcs_still_imports(
        cms, hcpcs_page, source, client):
    set_aside(systems.HCPCS)
    cms.put("/files/zip/2028-code-tables-tabular-and-index.zip",
            broken(icd10cm_zip(2028, "icd10cm_tabular_2028.xml", new_code=True)))
    source("icd10cm", cms.page(ICD10_PAGE, ["/files/zip/2028-code-tables-tabular-and-index.zip"]))
    source("hcpcs", hcpcs_page)
    icd10cm_before = list(Release.objects.filter(system=systems.ICD10CM).values_list("version", "sha256"))

    outcomes = run()

    assert outcomes["icd10cm"].status == "failed"
    assert "2028-code-tables-tabular-and-index.zip: broken zip file" in outcomes["icd10cm"].detail
    assert list(Release.objects.filter(system=systems.ICD10CM).values_list("version", "sha256")) == icd10cm_before
    assert client.get(f"/icd-10-cm/{NEW_CM}/").status_code == 404
    assert outcomes["hcpcs"].status == "imported", outcomes["hcpcs"].detail
    assert client.get(f"/hcpcs/{NEW_HCPCS}/").status_code == 200


def test_newest_hcpcs_quarter_is_imported_by_calendar_order_and_a_second_run_skips(
        cms, hcpcs_page, source, client):
    assert client.get(f"/hcpcs/{NEW_HCPCS}/").status_code == 404
    set_aside(systems.HCPCS)
    source("hcpcs", hcpcs_page)

    outcome = run()["hcpcs"]

    assert outcome.status == "imported", outcome.detail
    assert (outcome.release.version, outcome.release.effective_date) == ("2027-04", date(2027, 4, 1))
    assert outcome.detail.endswith(f"from {HCPCS_APRIL_FILE}")
    response = client.get(f"/hcpcs/{NEW_HCPCS}/")
    assert response.status_code == 200 and NEW_HCPCS_TITLE in response.content.decode()
    assert "/files/zip/april-2027-alpha-numeric-hcpcs-file.zip" in cms.requested
    assert not [path for path in cms.requested if path.startswith(("/files/zip/january", "/files/zip/october"))]
    assert run()["hcpcs"].status == "skipped"


def test_newest_icd10pcs_tables_are_imported_and_a_second_run_skips(cms, source, client):
    assert client.get(f"/icd-10-pcs/{NEW_PCS}/").status_code == 404
    set_aside(systems.ICD10PCS)
    cms.put("/files/zip/2026-icd-10-pcs-code-tables-and-index.zip", icd10pcs_zip(2026))
    cms.put("/files/zip/2027-icd-10-pcs-code-tables-and-index.zip", icd10pcs_zip(2027, new_code=True))
    source("icd10pcs", cms.page(ICD10_PAGE, [
        "/files/zip/2027-icd-10-pcs-code-tables-and-index.zip", "/files/zip/2026-icd-10-pcs-code-tables-and-index.zip",
        "/files/zip/2027-code-tables-tabular-and-index.zip",  # ICD-10-CM's: not for this source
    ]))

    outcome = run()["icd10pcs"]

    assert outcome.status == "imported", outcome.detail
    assert (outcome.release.version, outcome.release.effective_date) == ("FY2027", date(2026, 10, 1))
    response = client.get(f"/icd-10-pcs/{NEW_PCS}/")
    assert response.status_code == 200 and NEW_PCS_TITLE in response.content.decode()
    again = run()["icd10pcs"]
    assert (again.status, again.detail) == ("skipped", "ICD-10-PCS FY2027 is already loaded")


def malformed_pcs_tables(cms):
    raw = zip_of(("icd10pcs_tables_2027.xml", b"<ICD10PCS.tabular><version>2027</version>\n<pcsTable>"))
    cms.put("/files/zip/2027-icd-10-pcs-code-tables-and-index.zip", raw)
    return "icd10pcs", "icd10pcs_tables_2027.xml, line 2: not well-formed XML"


def hcpcs_zip_without_the_text_file(cms):
    cms.put("/files/zip/april-2027-alpha-numeric-hcpcs-file.zip", zip_of(("HCPC2027_APR_ANWEB.xlsx", b"PK")))
    return "hcpcs", "no file in the zip matches"


def two_tabular_files_in_one_zip(cms):
    cms.put("/files/zip/2028-code-tables-tabular-and-index.zip",
            zip_of(("icd10cm_tabular_2028.xml", b"<x/>"), ("icd10cm-tabular-2028-draft.xml", b"<x/>")))
    return "icd10cm", "a code set is one file, the download holds 2"


@pytest.mark.parametrize("serve_bad_release", [
    malformed_pcs_tables, hcpcs_zip_without_the_text_file, two_tabular_files_in_one_zip,
])
def test_a_bad_code_set_release_fails_clearly_and_changes_nothing(cms, source, serve_bad_release):
    name, reason = serve_bad_release(cms)
    source(name, cms.page("/downloads", [
        "/files/zip/2027-icd-10-pcs-code-tables-and-index.zip", "/files/zip/april-2027-alpha-numeric-hcpcs-file.zip",
        "/files/zip/2028-code-tables-tabular-and-index.zip",
    ]))
    releases_before = list(Release.objects.values_list("system", "version", "sha256"))

    outcome = run()[name]

    assert outcome.status == "failed" and reason in outcome.detail, outcome.detail
    assert list(Release.objects.values_list("system", "version", "sha256")) == releases_before


def test_a_code_set_zip_needs_a_member_regex(cms, source):
    url = cms.put("/files/zip/april-2027-alpha-numeric-hcpcs-file.zip", hcpcs_zip(HCPCS_APRIL_FILE))
    source("hcpcs", url, member=None)  # the zip itself, no page

    outcome = run()["hcpcs"]

    assert outcome.status == "failed"
    assert outcome.detail == 'april-2027-alpha-numeric-hcpcs-file.zip is a zip: give the source a "member" regex ' \
        "naming the code set file in it"


def test_command_rebuilds_the_search_index_after_a_code_set_import_only(hcpcs_page, source, index_builds, capsys):
    set_aside(systems.HCPCS)
    source("hcpcs", hcpcs_page)
    assert engine.is_current()

    call_command("update_data", "hcpcs")

    assert "hcpcs: imported: HCPCS Level II 2027-04: " in capsys.readouterr().out
    assert index_builds == [engine.catalogue_state()]  # rebuilt once, for the catalogue with the new release

    call_command("update_data", "hcpcs")

    out = capsys.readouterr().out
    assert "hcpcs: skipped: HCPCS Level II 2027-04 is already loaded" in out and "search index is current" in out
    assert len(index_builds) == 1


def test_default_sources_pick_cms_file_names_by_release():
    from django.conf import settings

    defaults = settings.MEDCODE_UPDATE_SOURCES
    zips = "https://www.cms.gov/files/zip/"

    def newest(name, files):
        chosen = update.choose_links([zips + file for file in files], defaults[name]["match"])
        return [url.removeprefix(zips) for url in chosen]

    icd10cm = ["2026-code-descriptions-tabular-order.zip", "2026-code-tables-tabular-and-index-april-1-2026.zip",
               "2026-code-tables-tabular-and-index.zip", "2025-code-tables-tabular-and-index-updated-02/01/2025.zip"]
    assert newest("icd10cm", icd10cm) == ["2026-code-tables-tabular-and-index-april-1-2026.zip"]
    next_year = "2027-code-tables-tabular-and-index.zip"
    assert newest("icd10cm", [*icd10cm, next_year]) == [next_year]
    corrected = "2026-icd-10-pcs-code-tables-and-index-updated-07/09/2025.zip"  # a link as CMS wrote one
    assert newest("icd10pcs", ["2026-icd-10-pcs-code-tables-and-index.zip", corrected, *icd10cm]) == [corrected]
    # By the calendar: by the alphabet January would come after April.
    hcpcs_zips = ["october-2025", "april-2026", "january-2026"]
    assert newest("hcpcs", [f"{release}-alpha-numeric-hcpcs-file.zip" for release in hcpcs_zips]) \
        == ["april-2026-alpha-numeric-hcpcs-file.zip"]
    for name in update.CODE_SETS:
        assert defaults[name]["kind"] == name and defaults[name]["url"].startswith("https://www.cms.gov/"), name
