"""Reference files with impossible numbers and dates: each is refused with its file, line and reason,
and the database keeps what it had. Each row takes a real bundled file and spoils one value."""

import gzip
from pathlib import Path

import pytest
from django.conf import settings

from medcode.codes.loaders.base import ImportFailed
from medcode.reference import importers
from medcode.reference.models import DataRelease, FeeScheduleRow, Locality, MueEdit

DATA = Path(settings.MEDCODE_REFERENCE_DATA_DIR)
BAD_NUMBERS = ["1e999", "NaN", "Infinity", "-Infinity", "sNaN", "-0.50", "123456789012.5", "99999999999999999999",
               "1.2.3", "0x10", "١٢", "²", "1_000", "+3", "1,5"]


def _spoiled(tmp_path, bundled, name, start, column, value, rows=3):
    """The head of a bundled table (its header line, then a few real rows) ending in the first row that
    starts with start, one cell replaced, saved under a new release name: (path, line of that row)."""
    lines = gzip.decompress((DATA / bundled).read_bytes()).decode("latin-1").split("\n")
    target = next(number for number, line in enumerate(lines) if number and line.startswith(start + "\t"))
    kept = [line for line in lines[:1 + rows] if line != lines[target]] + [lines[target]]
    cells = kept[-1].split("\t")
    cells[column] = value
    kept[-1] = "\t".join(cells)
    path = tmp_path / name
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return path, len(kept)


def _refused(kind, path, line, *phrases):
    before = {model: model.objects.count() for model in (FeeScheduleRow, Locality, MueEdit, DataRelease)}
    with pytest.raises(ImportFailed) as failure:
        importers.import_file(kind, [path], force=True)
    message = str(failure.value)
    assert path.name in message and f"line {line}" in message, message
    assert any(phrase in message for phrase in phrases), message
    assert before == {model: model.objects.count() for model in before}, "a refused file changed the database"


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_an_impossible_rvu_is_refused(tmp_path, value):
    path, line = _spoiled(tmp_path, "pprrvu_2026_jul_nonqpp.tsv.gz", "pprrvu_2026_oct_nonqpp.tsv", "99213", 5, value)
    _refused("rvu", path, line, "work RVU")


@pytest.mark.django_db
@pytest.mark.parametrize("column, value, why", [
    (15, "1.50", "pre-op share"),  # a share of the global package above the whole
    (25, "33.40091", "decimal places"),
    (25, "1000", "conversion factor"),
    (8, "10000.00", "facility PE RVU"),
])
def test_rvu_columns_keep_to_the_cms_layout(tmp_path, column, value, why):
    path, line = _spoiled(tmp_path, "pprrvu_2026_jul_nonqpp.tsv.gz", "pprrvu_2026_oct_nonqpp.tsv", "27447", column,
                          value)
    _refused("rvu", path, line, why)


@pytest.mark.django_db
@pytest.mark.parametrize("value", [*BAD_NUMBERS, "-3.0", "0", "0.000", "10.000", "1.0005"])
def test_an_impossible_gpci_is_refused(tmp_path, value):
    path, line = _spoiled(tmp_path, "gpci_2026.tsv.gz", "gpci_2027.tsv", "02102", 6, value)
    _refused("gpci", path, line, "GPCI")


@pytest.mark.django_db
@pytest.mark.parametrize("value", [*BAD_NUMBERS, "1000000", "-1", "2.5", ""])
def test_an_impossible_mue_is_refused(tmp_path, value):
    path, line = _spoiled(tmp_path, "mue_practitioner_2026q2.tsv.gz", "mue_practitioner_2026q3.tsv", "99213", 1, value)
    _refused("mue", path, line, "MUE value")


@pytest.mark.django_db
@pytest.mark.parametrize("value, why", [("0000001", "between"), ("2026000", "has day"), ("2025366", "has day"),
                                        ("9999001", "between"), ("2026-01", "YYYYDDD")])
def test_an_impossible_addon_date_is_refused(tmp_path, value, why):
    path, line = _spoiled(tmp_path, "aoc_2026q2.tsv.gz", "aoc_2026q3.tsv", "1", 5, value)
    _refused("addon", path, line, why)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999999999", "0", "-5", "1e3", "٣"])
def test_an_impossible_coverage_id_is_refused(tmp_path, value):
    path, line = _spoiled(tmp_path, "mcd_lcd_article_index_2025-08-16.tsv.gz", "mcd_lcd_article_index_2025-09-01.tsv",
                          "Article", 2, value)
    _refused("coverage", path, line, "document id")
