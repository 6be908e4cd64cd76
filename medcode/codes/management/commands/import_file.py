from datetime import date

from django.core.management.base import BaseCommand, CommandError

from medcode.codes import systems
from medcode.codes.catalogue import import_file
from medcode.codes.loaders.base import ImportFailed

KINDS = {"cpt": systems.CPT, "hcpcs": systems.HCPCS, "icd10cm": systems.ICD10CM, "icd10pcs": systems.ICD10PCS}
REFERENCE_KINDS = {"addon"}


class Command(BaseCommand):
    help = (
        "Import one file: cpt (AMA descriptor file, licensed), hcpcs (CMS alpha-numeric file), "
        "icd10cm (CDC tabular XML), icd10pcs (CMS tables XML), addon (NCCI add-on code edits). "
        "The whole file is checked before anything is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted([*KINDS, *REFERENCE_KINDS]))
        parser.add_argument("file")
        parser.add_argument("--release", dest="release_version", help="release name, e.g. FY2027, 2026-04 or (CPT) 2026")
        parser.add_argument("--effective", type=date.fromisoformat, help="date the release takes effect (YYYY-MM-DD)")
        parser.add_argument("--descriptors", choices=["long", "medium", "short"], help="CPT descriptor file kind")
        parser.add_argument("--force", action="store_true", help="re-apply a release already loaded")

    def handle(self, kind, file, release_version=None, effective=None, descriptors=None, force=False, **options):
        progress = lambda message: self.stdout.write(message)  # noqa: E731
        try:
            if kind == "addon":
                from medcode.reference import addons

                addons.load(file, release=release_version, progress=progress)
                return
            extra = {"kind": descriptors} if kind == "cpt" else {}
            if descriptors and kind != "cpt":
                raise CommandError("--descriptors applies to CPT files only")
            result = import_file(
                KINDS[kind], file, progress=progress, force=force,
                version=release_version, effective_date=effective, **extra,
            )
        except ImportFailed as exc:
            raise CommandError(f"{exc}\nNothing was changed.") from exc
        if result:
            self.stdout.write(self.style.SUCCESS(result.describe()))
