from datetime import date

from django.core.management.base import BaseCommand, CommandError

from medcode.codes import systems
from medcode.codes.catalogue import import_file
from medcode.codes.loaders.base import ImportFailed
from medcode.reference import importers
from medcode.search import engine as search_engine

KINDS = {"cpt": systems.CPT, "hcpcs": systems.HCPCS, "icd10cm": systems.ICD10CM, "icd10pcs": systems.ICD10PCS}


class Command(BaseCommand):
    help = (
        "Import one release. Code sets: cpt (AMA descriptor file, licensed), hcpcs (CMS alpha-numeric file), "
        "icd10cm (CDC tabular XML), icd10pcs (CMS tables XML). Reference files: ncci-ptp (the parts f1..f4 "
        "of one release, or their zip), mue, addon, rvu (PPRRVU), gpci, modifiers, coverage (MCD document "
        "index or the MCD article download). The whole file is checked before anything is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted([*KINDS, *importers.PARSERS]))
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--release", dest="release_version",
                            help="release name, e.g. FY2027, 2026-04, 2026Q3, RVU26D or (coverage) 2026-10-01")
        parser.add_argument("--effective", type=date.fromisoformat, help="date the release takes effect (YYYY-MM-DD)")
        parser.add_argument("--descriptors", choices=["long", "medium", "short"], help="CPT descriptor file kind")
        parser.add_argument("--setting", choices=["practitioner", "hospital"], help="NCCI PTP edits: whose edits")
        parser.add_argument("--force", action="store_true", help="re-apply a release already loaded")

    def handle(self, kind, files, release_version=None, effective=None, descriptors=None, setting=None,
               force=False, **options):
        progress = lambda message: self.stdout.write(message)  # noqa: E731
        try:
            if kind in importers.PARSERS:
                if effective or descriptors:
                    raise CommandError("--effective and --descriptors apply to code sets; reference files carry their dates")
                release = importers.import_file(kind, files, release=release_version, setting=setting,
                                                force=force, progress=progress)
                self.stdout.write(self.style.SUCCESS(f"{release}: {release.rows:,} rows"))
                search_engine.refresh(progress)  # RVU and MUE files can add CPT codes
                return
            if len(files) != 1:
                raise CommandError(f"{kind} takes one file")
            extra = {"kind": descriptors} if kind == "cpt" else {}
            if descriptors and kind != "cpt":
                raise CommandError("--descriptors applies to CPT files only")
            result = import_file(
                KINDS[kind], files[0], progress=progress, force=force,
                version=release_version, effective_date=effective, **extra,
            )
        except ImportFailed as exc:
            raise CommandError(f"{exc}\nNothing was changed.") from exc
        if result:
            self.stdout.write(self.style.SUCCESS(result.describe()))
        search_engine.refresh(progress)
