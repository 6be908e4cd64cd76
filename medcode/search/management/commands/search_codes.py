from django.core.management.base import BaseCommand, CommandError

from medcode.codes import systems
from medcode.search.engine import search


class Command(BaseCommand):
    help = "Search codes the way Case2Code does and print the ranked candidates."

    def add_arguments(self, parser):
        parser.add_argument("words", nargs="+")
        parser.add_argument("--system", help="cpt, hcpcs, icd-10-cm or icd-10-pcs")
        parser.add_argument("--billable", action="store_true")
        parser.add_argument("--limit", type=int, default=10)
        parser.add_argument("--lexical", action="store_true", help="words only, no semantic half")

    def handle(self, *args, words, system=None, billable=False, limit=10, lexical=False, **options):
        key = None
        if system:
            if not systems.get(system):
                raise CommandError(f"unknown code set {system!r}: use cpt, hcpcs, icd-10-cm or icd-10-pcs")
            key = systems.get(system).key
        results = search(" ".join(words), system=key, billable=billable, limit=limit, semantic_search=not lexical)
        if results.notice:
            self.stderr.write(results.notice)
        for fix, to in results.corrections.items():
            self.stderr.write(f"searched {fix!r} as {to!r}")
        for hit in results.hits:
            badge = "billable" if hit.code.billable else "header"
            self.stdout.write(f"{hit.code.display_code:<10} {hit.code.system_name:<11} {badge:<8} {hit.code.best_title}")
        self.stdout.write(f"{len(results.hits)} results ({results.mode}, {results.took_ms:.0f} ms)")
