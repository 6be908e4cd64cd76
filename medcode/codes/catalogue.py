"""Loading the bundled data, and importing a file of one kind: the CLI calls these."""

import time

from django.db import connection

from medcode.codes import systems
from medcode.codes.loaders import cpt, hcpcs, icd10cm, icd10pcs
from medcode.codes.loaders.base import ImportFailed, apply_release, read_bytes
from medcode.codes.models import Release

IMPORTERS = {
    systems.ICD10CM: icd10cm.parse,
    systems.ICD10PCS: icd10pcs.parse,
    systems.HCPCS: hcpcs.parse,
    systems.CPT: cpt.parse,
}


def import_file(system, path, *, progress=lambda message: None, force=False, analyze=True, **options):
    """Validate a whole file, then write it in one transaction."""
    options = {key: value for key, value in options.items() if value}
    try:
        parse = IMPORTERS[system]
    except KeyError:
        raise ImportFailed(f"unknown code set {system!r}") from None
    started = time.monotonic()
    if not force:
        _, digest = read_bytes(path)
        loaded = Release.objects.filter(system=system, sha256=digest).first()
        if loaded:
            progress(f"  {loaded}: already loaded from this file, skipped")
            return None
    parsed = parse(path, **options)
    progress(f"  read {parsed.source}: {len(parsed.records):,} entries in {time.monotonic() - started:.1f}s")
    result = apply_release(parsed, progress=progress, force=force)
    if system == systems.CPT:
        cpt.load_starter(progress)
    if analyze:
        refresh_statistics()
    return result


def refresh_statistics():
    """Let the query planner see the new data: without statistics SQLite picks
    the least selective index for a code's children and pages slow down tenfold."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def load_bundled(progress=lambda message: None, force=False):
    """Every bundled code set and reference file; a second run skips unchanged releases."""
    from medcode.reference import importers
    from medcode.search import engine as search_engine

    def load(system, path):
        # One ANALYZE at the end serves every file.
        return import_file(system, path, progress=progress, force=force, analyze=False)

    steps = [
        ("ICD-10-CM", lambda: load(systems.ICD10CM, icd10cm.packaged_tabular())),
        ("ICD-10-PCS", lambda: [load(systems.ICD10PCS, path) for path in icd10pcs.bundled_tables()]),
        ("HCPCS Level II", lambda: load(systems.HCPCS, hcpcs.bundled_file())),
        ("CPT starter set (medcode's own text)", lambda: cpt.load_starter(progress)),
    ]
    steps += importers.bundled_steps(progress, force=force)
    steps += search_engine.bundled_steps(progress, force=force)
    started = time.monotonic()
    for number, (name, step) in enumerate(steps, start=1):
        done = round(20 * (number - 1) / len(steps))
        progress(f"[{'#' * done}{'.' * (20 - done)}] {number}/{len(steps)} {name}")
        step()
    refresh_statistics()
    progress(f"done in {time.monotonic() - started:.1f}s")
