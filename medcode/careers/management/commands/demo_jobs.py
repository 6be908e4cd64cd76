from django.core.management.base import BaseCommand

from medcode.careers import demo


class Command(BaseCommand):
    help = "Fill CareerCenter with demo employers and jobs (safe to run twice)"

    def handle(self, *args, **options):
        employers, jobs = demo.load()
        self.stdout.write(f"CareerCenter demo: {employers} employers, {jobs} live jobs.")
