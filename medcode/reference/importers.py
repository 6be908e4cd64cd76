"""Every kind of reference file: which parser reads it, and which file the clone ships for it."""

from medcode.codes.loaders.base import ImportFailed
from medcode.codes.loaders import cpt
from medcode.reference import addons, coverage, fees, modifiers, ncci, tables
from medcode.reference.models import DataRelease, FeeScheduleRow, MueEdit

# Import kinds as `medcode import KIND FILE...` names them.
PARSERS = {
    "ncci-ptp": ncci.parse_ptp,
    "mue": ncci.parse_mue,
    "addon": addons.parse,
    "rvu": fees.parse_rvu,
    "gpci": fees.parse_gpci,
    "modifiers": modifiers.parse,
    "coverage": coverage.parse,
}
# Files listing current codes only (edit files also name deleted ones): their CPT codes get a
# page when the catalogue lacks one, as it does until a licensed CPT file is imported.
LISTING_CODES = {"rvu": (FeeScheduleRow, ["code"]), "mue": (MueEdit, ["code"])}
BUNDLED = [
    ("NCCI add-on code edits", "addon", "aoc_*.tsv.gz"),
    ("NCCI PTP edits, practitioner", "ncci-ptp", "ptp_practitioner_*.tsv.xz"),
    ("NCCI PTP edits, outpatient hospital", "ncci-ptp", "ptp_outpatient_hospital_*.tsv.xz"),
    ("MUE, practitioner", "mue", "mue_practitioner_*.tsv.gz"),
    ("MUE, outpatient hospital", "mue", "mue_outpatient_hospital_*.tsv.gz"),
    ("MUE, DME supplier", "mue", "mue_dme_supplier_*.tsv.gz"),
    ("Physician Fee Schedule RVUs", "rvu", "pprrvu_*.tsv.gz"),
    ("GPCIs and localities", "gpci", "gpci_*.tsv.gz"),
    ("HCPCS Level II modifiers", "modifiers", "HCPC*_modifiers.tsv.gz"),
    ("Medicare coverage documents", "coverage", "mcd_lcd_article_index_*.tsv.gz"),
]


def import_file(kind, paths, *, release=None, setting=None, force=False, progress=lambda message: None):
    """Check and write one reference release; raises ImportFailed and changes nothing on a bad file."""
    try:
        parse = PARSERS[kind]
    except KeyError:
        raise ImportFailed(f"unknown reference file kind {kind!r}; one of {', '.join(PARSERS)}") from None
    paths = [paths] if isinstance(paths, (str, bytes)) or not hasattr(paths, "__iter__") else list(paths)
    options = {"release": release}
    if kind == "ncci-ptp":
        options["setting"] = setting
    elif setting:
        raise ImportFailed("--setting applies to NCCI PTP files only (MUE tables name their setting)")
    parsed = parse(paths, **options)
    loaded = DataRelease.objects.filter(kind=parsed.kind, label=parsed.label, sha256=parsed.sha256).first()
    if loaded and not force:
        progress(f"  {loaded}: already loaded from this file, skipped")
        return loaded
    if not parsed.columns:
        checked = 0
        for _ in parsed.rows:  # the whole file is checked before anything is written
            checked += 1
        progress(f"  checked {checked:,} rows")
        parsed = parse(paths, **options)
    # Tuple rows (NCCI PTP, millions) are checked as they are written, in one pass, into a release
    # nobody sees until it is complete; a bad row deletes it (tables.write_release).
    release, written = tables.write_release(parsed, force=force, progress=progress)
    if written and kind in LISTING_CODES:
        model, fields = LISTING_CODES[kind]
        listed = set()
        for field in fields:
            listed |= set(model.objects.filter(release=release).values_list(field, flat=True).distinct())
        cpt.add_listed_codes(listed, source=str(release), progress=progress)
        addons.flag_addon_codes()
    return release


def bundled_steps(progress, force=False):
    """(name, step) for each reference file the clone ships."""
    steps = []
    for name, kind, pattern in BUNDLED:
        path = tables.bundled(pattern)
        if path is not None:
            steps.append((name, lambda kind=kind, path=path: import_file(kind, [path], force=force, progress=progress)))
    # A database loaded before add-on flags followed new CPT pages is mended on the next load-data.
    steps.append(("Add-on code flags", addons.flag_addon_codes))
    return steps
