from django.core.management.base import BaseCommand, CommandError

from medcode.reference import update
from medcode.search import engine as search_engine


class Command(BaseCommand):
    help = (
        "Download the newest CMS releases (the code sets ICD-10-CM, ICD-10-PCS and HCPCS Level II, and the "
        "reference files) from the sources in MEDCODE_UPDATE_SOURCES, verify them and import them; a release "
        "already loaded is skipped. One failing source does not stop the others, but the command then exits "
        "non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", metavar="NAME", help="sources to update (default: all; see --list)")
        parser.add_argument("--list", action="store_true", dest="list_sources", help="list the configured sources")
        parser.add_argument("--dry-run", action="store_true", help="find the files to download; fetch and import nothing")
        parser.add_argument("--force", action="store_true", help="re-import a release already loaded")

    def handle(self, names, list_sources=False, dry_run=False, force=False, **options):
        try:
            sources = update.configured(names)
        except update.UpdateFailed as exc:
            raise CommandError(str(exc)) from exc
        if list_sources:
            for name, source in sources.items():
                self.stdout.write(f"{name:18} {source['kind']:9} {source['url']}")
            return
        styles = {"imported": self.style.SUCCESS, "failed": self.style.ERROR}
        failed = []
        for outcome in update.run(sources, dry_run=dry_run, force=force, progress=self.stdout.write):
            self.stdout.write(styles.get(outcome.status, str)(f"{outcome.name}: {outcome.status}: {outcome.detail}"))
            if outcome.status == "failed":
                failed.append(outcome.name)
        if not dry_run:
            # As after `medcode import`: a code set release, or an RVU or MUE file naming new CPT codes,
            # changes what search finds; an unchanged catalogue keeps its index.
            search_engine.refresh(self.stdout.write)
        if failed:
            raise CommandError(f"{len(failed)} of {len(sources)} sources failed: {', '.join(failed)}")
