"""`medcode update-data` end to end against a local web server standing in for cms.gov."""

import io
import os
import re
import threading
import zipfile
from datetime import date, datetime, timezone
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from medcode import cli
from medcode.reference import update
from medcode.reference.models import DataRelease
from tests.factories import REFERENCE_FIXTURES

MUE_CSV = "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"
PTP_PAGE = "/ncci/ptp-edits"

pytestmark = pytest.mark.django_db


def data_rows(name):
    """Rows of a CMS fixture table: lines starting with a 5-character code."""
    lines = (REFERENCE_FIXTURES / name).read_text(encoding="latin-1").splitlines()
    return sum(1 for line in lines if re.match(r"[0-9A-Z]{5}[\t,]", line))


def ptp_zip_name(version, part):
    quarter = {"v321": "2026q2", "v322": "2026q3"}[version]
    return f"medicare-ncci-{quarter}-practitioner-ptp-edits-ccipra-{version}r0-f{part}.zip"


def zip_of(*members):
    """A zip holding the given fixture files, or (name, bytes) pairs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in members:
            name, raw = member if isinstance(member, tuple) else (member, (REFERENCE_FIXTURES / member).read_bytes())
            archive.writestr(name, raw)
    return buffer.getvalue()


class CmsSite:
    """Files under a folder, served over HTTP on 127.0.0.1; remembers the paths asked for."""

    def __init__(self, root):
        self.root = root
        self.requested = []
        site = self

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self):
                site.requested.append(self.path)
                if self.path.startswith("/unsized/"):  # a server that does not declare the length
                    body = (site.root / self.path.removeprefix("/unsized/")).read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/zip")
                    self.end_headers()
                    self.wfile.write(body)
                    return
                super().do_GET()

            def guess_type(self, path):
                # Pages are served as cms.gov serves them: text/html, with no or an .aspx extension.
                return "text/html" if Path(path).suffix in {"", ".aspx"} else super().guess_type(path)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def put(self, path, content):
        target = self.root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
        return f"{self.url}/{path.lstrip('/')}"

    def page(self, path, hrefs):
        links = "\n".join(f'<li><a href="{href}">{Path(href).name}</a></li>' for href in hrefs)
        return self.put(path, f"<html><body><h1>Downloads</h1><ul>{links}</ul></body></html>")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def cms(tmp_path):
    site = CmsSite(tmp_path / "site")
    yield site
    site.close()


@pytest.fixture
def ptp_page(cms):
    """A page listing the 2026 Q2 (v321) and Q3 (v322) practitioner PTP zips, older first."""
    cms.put(f"/files/zip/{ptp_zip_name('v321', 1)}", zip_of("ccipra-v321r0-f1.txt"))
    cms.put(f"/files/zip/{ptp_zip_name('v322', 1)}", zip_of("ccipra-v322r0-f1.txt"))
    return cms.page(PTP_PAGE, [
        "/about/", "mailto:ncci@example.org",
        f"../files/zip/{ptp_zip_name('v321', 1)}",  # relative to the page
        f"/license/ama?file=/files/zip/{ptp_zip_name('v322', 1)}",  # behind CMS's AMA license page
    ])


@pytest.fixture
def sources(settings):
    """Point the update sources at the local site; returns a function adding a source."""
    settings.MEDCODE_UPDATE_SOURCES = {}
    settings.MEDCODE_UPDATE_MAX_BYTES = 1_000_000

    def add(name, url, kind, **options):
        settings.MEDCODE_UPDATE_SOURCES = {**settings.MEDCODE_UPDATE_SOURCES, name: {"kind": kind, "url": url, **options}}

    return add


PTP_MATCH = r"(?P<year>20\d\d)q(?P<quarter>[1-4])-[a-z-]*ccipra-v\d+r(?P<revision>\d+)-f(?P<part>\d)\.zip$"


def run(*names, **options):
    return {outcome.name: outcome for outcome in update.run(update.configured(names or None), **options)}


def test_page_listing_two_releases_imports_the_newer(cms, ptp_page, sources):
    sources("ptp", ptp_page, "ncci-ptp", match=PTP_MATCH)

    outcome = run()["ptp"]

    assert outcome.status == "imported", outcome.detail
    release = DataRelease.objects.get(kind="ptp-practitioner", label="2026Q3")
    assert release.rows == data_rows("ccipra-v322r0-f1.txt") == 6
    assert release.effective_date == date(2026, 7, 1)
    assert outcome.release == release and "2026Q3: 6 rows" in outcome.detail
    assert f"/files/zip/{ptp_zip_name('v321', 1)}" not in cms.requested  # the older zip is never downloaded
    assert not DataRelease.objects.filter(kind="ptp-practitioner", label="2026Q2").exists()


def test_second_run_skips_the_loaded_release(ptp_page, sources):
    sources("ptp", ptp_page, "ncci-ptp", match=PTP_MATCH)
    first = run()["ptp"].release

    again = run()["ptp"]

    assert again.status == "skipped" and "already loaded" in again.detail
    assert again.release.pk == first.pk
    assert DataRelease.objects.filter(kind="ptp-practitioner", label="2026Q3").count() == 1


def test_release_published_in_parts_fetches_every_part(cms, sources):
    for part in (1, 2):
        cms.put(f"/files/zip/{ptp_zip_name('v321', part)}", zip_of(f"ccipra-v321r0-f{part}.txt"))
    page = cms.page(PTP_PAGE, [f"/files/zip/{ptp_zip_name('v321', part)}" for part in (1, 2, 1)])
    sources("ptp", page, "ncci-ptp", match=PTP_MATCH, setting="practitioner")

    outcome = run()["ptp"]

    assert outcome.status == "imported", outcome.detail
    assert outcome.release.label == "2026Q2"
    assert outcome.release.rows == data_rows("ccipra-v321r0-f1.txt") + data_rows("ccipra-v321r0-f2.txt")


def test_direct_file_url_and_member_picked_from_a_zip(cms, sources):
    mue = cms.put("/files/zip/medicare-ncci-2026-q3-practitioner-services-mue-table.zip",
                  zip_of(MUE_CSV, ("MCR_MUE_PractitionerServices_Eff_07-01-2026.xlsx", b"not a table")))
    sources("mue", mue, "mue", member=r"\.csv$")

    outcome = run()["mue"]

    assert outcome.status == "imported", outcome.detail
    assert (outcome.release.kind, outcome.release.label) == ("mue-practitioner", "2026Q3")
    assert outcome.release.rows == data_rows(MUE_CSV) == 4


def test_coverage_download_is_named_by_its_last_modified_date(cms, sources):
    inner = zip_of(*[(p.name, p.read_bytes()) for p in sorted((REFERENCE_FIXTURES / "mcd").glob("*.csv"))])
    cms.put("/exports/current_article.zip", zip_of(("current_article_csv.zip", inner)))
    published = datetime(2026, 5, 4, 12, tzinfo=timezone.utc).timestamp()
    os.utime(cms.root / "exports" / "current_article.zip", (published, published))
    sources("coverage", cms.page("/mcd/downloads.aspx", ["../exports/current_article.zip"]), "coverage",
            match=r"/current_article\.zip$")

    first, second = run()["coverage"], run()["coverage"]

    assert first.status == "imported", first.detail
    assert (first.release.kind, first.release.label) == ("coverage-codes", "2026-05-04")
    assert second.status == "skipped"


def broken_zip(cms):
    raw = zip_of(MUE_CSV)
    return cms.put("/files/zip/broken.zip", raw[: len(raw) // 2]), "broken.zip: broken zip file"


def corrupted_zip(cms):
    raw = bytearray(zip_of(MUE_CSV))
    raw[30 + len(MUE_CSV) + 10] ^= 0xFF  # inside the compressed member: the zip opens, the member does not
    return cms.put("/files/zip/corrupted.zip", bytes(raw)), "corrupted.zip: broken zip file"


def missing_file(cms):
    return f"{cms.url}/files/zip/gone.zip", "HTTP 404"


def too_big(cms):
    return cms.put("/files/zip/huge.zip", b"PK\x03\x04" + b"0" * 5000), "5,004 bytes, over the download limit of 2,000"


def too_big_undeclared(cms):
    cms.put("/files/zip/huge.zip", b"PK\x03\x04" + b"0" * 5000)
    return f"{cms.url}/unsized/files/zip/huge.zip", "huge.zip: over the download limit of 2,000 bytes"


def no_matching_link(cms):
    return cms.page("/ncci/empty", ["/files/zip/readme.pdf"]), "/ncci/empty matches"


def bad_table(cms):
    raw = (REFERENCE_FIXTURES / "ccipra-v322r0-f1.txt").read_text().replace("64483\t64493", "64483\t6449")
    return cms.put("/files/zip/" + ptp_zip_name("v322", 1), zip_of(("ccipra-v322r0-f1.txt", raw))), "line 12"


@pytest.mark.parametrize("serve_bad_file", [
    broken_zip, corrupted_zip, missing_file, too_big, too_big_undeclared, no_matching_link, bad_table,
])
def test_bad_download_fails_clearly_changes_nothing_and_others_still_import(cms, sources, settings, serve_bad_file):
    url, reason = serve_bad_file(cms)
    sources("bad", url, "ncci-ptp", match=PTP_MATCH)
    sources("good", cms.put(f"/{MUE_CSV}", (REFERENCE_FIXTURES / MUE_CSV).read_bytes()), "mue")
    settings.MEDCODE_UPDATE_MAX_BYTES = 2_000
    releases_before = DataRelease.objects.count()

    outcomes = run()

    assert outcomes["bad"].status == "failed" and reason in outcomes["bad"].detail, outcomes["bad"].detail
    assert outcomes["good"].status == "imported", outcomes["good"].detail
    assert DataRelease.objects.count() == releases_before + 1
    assert not DataRelease.objects.filter(kind__startswith="ptp").exclude(label="2024Q3").exists()  # the shipped one stays


def test_sha256_mismatch_is_refused(cms, sources):
    sources("mue", cms.put(f"/{MUE_CSV}", (REFERENCE_FIXTURES / MUE_CSV).read_bytes()), "mue", sha256="0" * 64)

    outcome = run()["mue"]

    assert outcome.status == "failed" and "is not the expected 000" in outcome.detail
    assert not DataRelease.objects.filter(kind="mue-practitioner", label="2026Q3").exists()


def test_a_web_page_where_a_file_was_expected_fails(cms, sources):
    sources("ptp", cms.page("/ncci/page", []), "ncci-ptp")

    assert 'give the source a "match" regex' in run()["ptp"].detail


def test_choosing_the_newest_release_among_links():
    rvu = r"/rvu(?P<year>\d\d)(?P<quarter>[a-d])(?P<revision>r?)$"
    pages = [f"https://cms.example/pfs/{name}" for name in ("rvu25d", "rvu26a", "rvu26c", "rvu26b", "rvu26cr")]
    assert update.choose_links(pages, rvu) == ["https://cms.example/pfs/rvu26cr"]
    ptp = [f"https://cms.example/{ptp_zip_name(v, p)}" for v in ("v321", "v322") for p in (1, 2)]
    assert update.choose_links(ptp, PTP_MATCH) == ptp[2:]
    # Without release groups, the first matching link on the page (CMS lists the newest first).
    assert update.choose_links(["https://x/a.pdf", "https://x/new.zip", "https://x/old.zip"], r"\.zip$") == ["https://x/new.zip"]
    with pytest.raises(update.UpdateFailed, match="no link on the page matches"):
        update.choose_links(["https://x/a.pdf"], r"\.zip$")


def test_links_on_a_page_resolve_against_it_and_skip_what_cannot_be_fetched():
    page = """<a href="b.zip">b</a> <a href="/c.zip">c</a> <a href="/license/ama?file=/files/zip/d.zip">d</a>
              <a href="file:///etc/passwd">x</a> <a href="javascript:void(0)">y</a> <a href="b.zip">again</a>"""
    assert update.links_on(page, "https://cms.example/dir/page") == [
        "https://cms.example/dir/b.zip", "https://cms.example/c.zip", "https://cms.example/files/zip/d.zip",
    ]


def test_dry_run_names_the_files_and_imports_nothing(cms, ptp_page, sources):
    sources("ptp", ptp_page, "ncci-ptp", match=PTP_MATCH)
    releases_before = DataRelease.objects.count()

    outcome = run(dry_run=True)["ptp"]

    assert outcome.status == "would fetch" and outcome.detail.endswith(ptp_zip_name("v322", 1))
    assert DataRelease.objects.count() == releases_before


def test_command_reports_every_source_and_fails_when_one_did(cms, ptp_page, sources, capsys):
    sources("ptp-practitioner", ptp_page, "ncci-ptp", match=PTP_MATCH)
    sources("mue-dme", f"{cms.url}/files/zip/gone.zip", "mue")

    with pytest.raises(CommandError, match="1 of 2 sources failed: mue-dme"):
        call_command("update_data")
    out = capsys.readouterr().out
    assert "ptp-practitioner: imported: NCCI PTP edits, practitioner 2026Q3: 6 rows" in out
    assert "mue-dme: failed: " in out and "gone.zip: HTTP 404" in out

    call_command("update_data", "ptp-practitioner")
    assert "ptp-practitioner: skipped: NCCI PTP edits, practitioner 2026Q3 is already loaded" in capsys.readouterr().out


def test_command_list_dry_run_and_unknown_names(ptp_page, sources, capsys):
    sources("ptp-practitioner", ptp_page, "ncci-ptp", match=PTP_MATCH)

    call_command("update_data", "--list")
    assert re.search(r"ptp-practitioner +ncci-ptp +http://127\.0\.0\.1:\d+/ncci/ptp-edits", capsys.readouterr().out)
    call_command("update_data", "--dry-run")
    assert "ptp-practitioner: would fetch: http://" in capsys.readouterr().out
    assert not DataRelease.objects.filter(kind="ptp-practitioner").exclude(label="2024Q3").exists()
    with pytest.raises(CommandError, match="no update source named nope; configured: ptp-practitioner"):
        call_command("update_data", "nope")


def test_console_script_alias(sources, capsys):
    sources("mue", "http://127.0.0.1:9/mue.csv", "mue")
    assert cli.main(["update-data", "--list"]) == 0
    assert "mue " in capsys.readouterr().out


def test_default_sources_name_importable_kinds():
    from django.conf import settings

    assert settings.MEDCODE_UPDATE_SOURCES  # the defaults in medcode/settings.py
    for name, source in settings.MEDCODE_UPDATE_SOURCES.items():
        assert source["kind"] in (*update.CODE_SETS, *update.importers.PARSERS), name
        assert source["url"].startswith("https://"), name
