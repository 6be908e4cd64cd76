"""Importing a code set file (the site's `medcode import` and `load-data` call this)."""

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
