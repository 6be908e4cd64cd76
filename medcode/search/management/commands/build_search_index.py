from django.core.management.base import BaseCommand

from medcode.search.engine import build_index


class Command(BaseCommand):
    help = "Rebuild Case2Code's search index from the catalogue (words, and meaning when installed)."

    def add_arguments(self, parser):
        parser.add_argument("--no-semantic", action="store_true", help="skip the sentence embeddings")

    def handle(self, *args, no_semantic=False, **options):
        build_index(lambda message: self.stdout.write(message), with_semantic=False if no_semantic else None)
