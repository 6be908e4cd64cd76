import textwrap

from django.core.management.base import BaseCommand, CommandError

from medcode.codes import lookup
from medcode.site import page


class Command(BaseCommand):
    help = "Print a code's page as text: medcode show S72.001A"

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--system", help="cpt, hcpcs, icd-10-cm or icd-10-pcs when a code is ambiguous")

    def handle(self, code, system=None, **options):
        found = lookup.find(code, system)
        if found is None:
            near = lookup.near(code, system)
            hint = ("; close codes: " + ", ".join(c.display_code for c in near)) if near else ""
            raise CommandError(f"no code {code!r} in the catalogue{hint}")
        built = page.build(found, children_limit=20)
        out = self.stdout.write
        out(f"{found.system_name} {found.display_code}  [{found.get_status_display()}"
            f"{', billable' if found.billable else ''}{', add-on' if found.is_addon else ''}]")
        out(" > ".join(f"{a.display_code} {a.best_title}" for a in built.ancestors))
        out("")
        out("Official description: " + (found.title or "(CPT descriptor needs a licensed import)"))
        out("")
        out(textwrap.fill("Common language: " + built.description, width=100))
        for note in found.notes.all():
            out(f"  {note.get_kind_display()}: {note.text}")
        if built.child_count:
            out(f"\n{built.child_count} codes below it, first {len(built.children)}:")
            for child in built.children:
                out(f"  {child.display_code}  {child.best_title}")
        out(f"\n{found.get_absolute_url()}")
