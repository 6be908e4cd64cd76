"""Importing releases into the catalogue: history is kept and a broken file changes nothing."""

import gzip
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from medcode.codes import systems
from medcode.codes.catalogue import import_file
from medcode.codes.loaders import hcpcs
from medcode.codes.loaders.base import ImportFailed
from medcode.codes.models import Code, CodeChange

pytestmark = pytest.mark.django_db


def _snapshot(system):
    return list(Code.objects.filter(system=system).order_by("code").values_list("code", "title", "status"))


def _hcpcs_release(tmp_path, name, edit):
    lines = gzip.decompress(hcpcs.bundled_file().read_bytes()).decode("latin-1").splitlines()
    path = tmp_path / name
    path.write_text("\r\n".join(edit(lines)) + "\r\n", encoding="latin-1")
    return path


def test_new_release_marks_dropped_codes_deleted_and_records_revisions(tmp_path):
    def edit(lines):
        kept = []
        for line in lines:
            if line.startswith("J1100"):
                continue  # dropped from the new release
            if line.startswith("J1020") and line[10] == "3":
                line = line[:11] + "Injection, revised wording for test".ljust(80) + line[91:]
            kept.append(line)
        return kept

    path = _hcpcs_release(tmp_path, "HCPC2026_APR_ANWEB.txt", edit)
    result = import_file(systems.HCPCS, path)
    assert result.deleted == 1 and result.revised >= 1
    j1100 = Code.objects.get(system=systems.HCPCS, code="J1100")
    assert j1100.status == Code.Status.DELETED and not j1100.billable
    assert j1100.end_date == date(2026, 3, 31)
    assert j1100.changes.get().change == CodeChange.Change.DELETED
    j1020 = Code.objects.get(system=systems.HCPCS, code="J1020")
    assert j1020.title == "Injection, revised wording for test"
    revision = j1020.changes.get(change=CodeChange.Change.REVISED)
    assert revision.old_title.startswith("Injection, methylprednisolone") and revision.release.version == "2026-04"


def test_deleted_code_keeps_its_page(tmp_path, client):
    path = _hcpcs_release(tmp_path, "HCPC2026_APR_ANWEB.txt", lambda lines: [l for l in lines if not l.startswith("J1100")])
    import_file(systems.HCPCS, path)
    text = client.get("/hcpcs/J1100/").content.decode()
    assert "Deleted" in text and "Mar 31, 2026" in text and "dexamethasone" in text


def test_reimporting_the_same_file_changes_nothing():
    before = _snapshot(systems.HCPCS)
    assert import_file(systems.HCPCS, hcpcs.bundled_file()) is None
    assert _snapshot(systems.HCPCS) == before


def test_broken_file_leaves_the_database_exactly_as_before(tmp_path):
    def truncate(lines):
        return lines[:3000] + [lines[3000][:100]]

    path = _hcpcs_release(tmp_path, "HCPC2026_APR_ANWEB.txt", truncate)
    before = _snapshot(systems.HCPCS)
    with pytest.raises(ImportFailed, match="line 3001"):
        import_file(systems.HCPCS, path)
    assert _snapshot(systems.HCPCS) == before


def test_import_command_says_why_and_that_nothing_changed(tmp_path):
    bad = tmp_path / "LONGULT_2026.txt"
    bad.write_text("20700\tok\nJ1100\tnot cpt\n")
    before = _snapshot(systems.CPT)
    with pytest.raises(CommandError, match=r"line 2: J1100 is a HCPCS Level II code.*\nNothing was changed"):
        call_command("import_file", "cpt", str(bad))
    assert _snapshot(systems.CPT) == before


def test_older_release_after_a_newer_one_is_refused(tmp_path):
    path = _hcpcs_release(tmp_path, "HCPC2025_OCT_ANWEB.txt", lambda lines: lines[:-10])
    with pytest.raises(ImportFailed, match="older than the loaded 2026-01"):
        import_file(systems.HCPCS, path)


def test_licensed_cpt_import_shows_the_descriptor_and_keeps_medcode_text(tmp_path, client):
    licensed = tmp_path / "2026" / "LONGULT.txt"
    licensed.parent.mkdir()
    licensed.write_text("20700\tLicensee descriptor for the test\n99999\tAnother licensee code\n")
    call_command("import_file", "cpt", str(licensed))
    code = Code.objects.get(system=systems.CPT, code="20700")
    assert code.title == "Licensee descriptor for the test" and code.summary and code.is_addon
    text = client.get("/cpt/20700/").content.decode()
    assert "Licensee descriptor for the test" in text and "needs a licensed CPT data file" not in text
    assert client.get("/cpt/99999/").status_code == 200


def test_pcs_history_from_the_bundled_fy2025_and_fy2026_tables():
    deleted = Code.objects.filter(system=systems.ICD10PCS, status=Code.Status.DELETED, kind=Code.Kind.CODE)
    added = CodeChange.objects.filter(owner__system=systems.ICD10PCS, change=CodeChange.Change.ADDED,
                                      owner__kind=Code.Kind.CODE)
    # The FY2025 -> FY2026 change list CMS's two table files imply (see SOURCE.md: 39 deleted, 206 added).
    assert deleted.count() == 39 and added.count() == 206
    assert all(code.end_date == date(2025, 9, 30) for code in deleted)
