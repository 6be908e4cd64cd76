"""Loading everything medcode ships: the code sets, the CMS reference files, then the search index."""

import time

from medcode.codes import catalogue, systems
from medcode.codes.loaders import cpt, hcpcs, icd10cm, icd10pcs
from medcode.inpatient import index as drg_index
from medcode.reference import importers
from medcode.search import engine as search_engine


def load_bundled(progress=lambda message: None, force=False):
    """Every bundled code set and reference file; a second run skips unchanged releases."""

    def load(system, path):
        # One ANALYZE at the end serves every file.
        return catalogue.import_file(system, path, progress=progress, force=force, analyze=False)

    steps = [
        ("ICD-10-CM", lambda: load(systems.ICD10CM, icd10cm.packaged_tabular())),
        ("ICD-10-PCS", lambda: [load(systems.ICD10PCS, path) for path in icd10pcs.bundled_tables()]),
        ("HCPCS Level II", lambda: load(systems.HCPCS, hcpcs.bundled_file())),
        ("CPT in medcode's own words", lambda: cpt.load_starter(progress)),
    ]
    steps += importers.bundled_steps(progress, force=force)
    steps.append(("MS-DRG index of principal diagnoses", lambda: drg_index.build(progress, force=force)))
    steps += search_engine.bundled_steps(progress, force=force)
    started = time.monotonic()
    for number, (name, step) in enumerate(steps, start=1):
        done = round(20 * (number - 1) / len(steps))
        progress(f"[{'#' * done}{'.' * (20 - done)}] {number}/{len(steps)} {name}")
        step()
    catalogue.refresh_statistics()
    progress(f"done in {time.monotonic() - started:.1f}s")
