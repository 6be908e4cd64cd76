"""What a code page shows, section by section, independent of HTTP.

Views render these sections; the API serialises them. Every section says
whether it is public (the descriptions, hierarchy, history) or reference
content that metering (accounts) unlocks per reader; a page built locked
carries only the titles of its reference sections, never their content.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from medcode.codes import describe, fiscal, lookup, mce, systems
from medcode.codes.loaders.icd10pcs import definitions
from medcode.codes.models import Code, CodeNote, Release
from medcode.inpatient import codefacts, versions
from medcode.reference import addons, freshness
from medcode.reference import sections as reference
from medcode.riskadjust import sections as riskadjust

NOTE_GROUPS = {
    "inclusion": [CodeNote.Kind.INCLUSION, CodeNote.Kind.INCLUDES],
    "excludes": [CodeNote.Kind.EXCLUDES1, CodeNote.Kind.EXCLUDES2],
    "instructions": [
        CodeNote.Kind.CODE_FIRST, CodeNote.Kind.USE_ADDITIONAL, CodeNote.Kind.CODE_ALSO,
        CodeNote.Kind.NOTE, CodeNote.Kind.SEVENTH,
    ],
}
@dataclass
class Section:
    key: str
    title: str
    template: str
    context: dict | Callable = field(default_factory=dict)  # a callable runs only if the reader may see it
    public: bool = False  # descriptions are public; reference content is metered

    @property
    def locked(self):
        return self.template == LOCKED_TEMPLATE


LOCKED_TEMPLATE = "codes/sections/locked.html"


@dataclass
class CodePage:
    code: Code
    ancestors: list
    children: list
    child_count: int
    description: str
    sections: list
    first_release: Release | None = None
    freshness: object = None  # reference.freshness.Freshness of the code set for the day asked about
    stale: list = field(default_factory=list)  # reference releases the page uses that a newer one should replace
    validity: object = None  # codes.fiscal.Validity when the day is past the code's release year (FY2027)

    @property
    def system(self):
        return systems.SYSTEMS[self.code.system]

    @property
    def first_locked(self):
        """The locked section that carries the full call to action; the others stay short."""
        return next((s.key for s in self.sections if s.locked), None)


def build(code, *, on=None, children_limit=None, locked=False, options=None, contents=True):
    """contents=False: the sections' titles and lock state only (the API's code summary)."""
    ancestors = lookup.ancestors(code)
    child_qs = lookup.children(code)
    child_count = child_qs.count()
    children = list(child_qs if children_limit is None else child_qs[:children_limit])
    description = describe.describe(code, ancestors=ancestors, child_count=child_count)
    day = on or date.today()
    builder = {
        systems.ICD10CM: _icd10cm_sections, systems.ICD10PCS: _icd10pcs_sections,
        systems.HCPCS: _procedure_sections, systems.CPT: _procedure_sections,
    }[code.system]
    sections = [] if code.is_group else builder(code, ancestors, day, options or reference.Options())
    if not code.is_group:
        sections.append(_history(code))
    if locked:
        sections = [s if s.public else Section(s.key, s.title, LOCKED_TEMPLATE) for s in sections]
    for section in sections:
        if callable(section.context):
            section.context = section.context() if contents else {}
    first_release = Release.objects.filter(system=code.system).order_by("effective_date").first()
    fresh = freshness.of_code_set(code.system, day) if code.system != systems.CPT else None
    stale = freshness.stale_for(freshness.PROCEDURE_KINDS, day) \
        if code.system in {systems.CPT, systems.HCPCS} and not code.is_group else []
    validity = fiscal.for_page(code, day) if not code.is_group else None
    return CodePage(code, ancestors, children, child_count, description, sections, first_release, fresh, stale,
                    validity)


def _notes_by_owner(codes):
    notes = {}
    for note in CodeNote.objects.filter(owner__in=codes).order_by("seq"):
        notes.setdefault(note.owner_id, []).append(note)
    return notes


def _icd10cm_sections(code, ancestors, day, options):
    notes = functools.cache(lambda: _icd10cm_notes(code, ancestors))
    before, after = lookup.siblings(code)
    return [
        Section("billable", "Billable status", "codes/sections/billable.html", lambda: notes()["billable"]),
        Section("inclusion", "Inclusion terms", "codes/sections/notes.html", lambda: {"levels": notes()["inclusion"]}),
        Section("excludes", "Excludes notes", "codes/sections/notes.html", lambda: {
            "levels": notes()["excludes"],
            "explain": "Excludes1: never report together with this code. "
                       "Excludes2: the condition is not part of this code, but both may be reported.",
        }),
        Section("instructions", "Instructional notes", "codes/sections/notes.html",
                lambda: {"levels": notes()["instructions"]}),
        Section("mce", "Medicare Code Editor edits", "codes/sections/mce.html",
                lambda: _mce(code, day, mce.diagnosis_edits)),
        Section("drg", "MS-DRG: CC/MCC status and the DRGs it groups to", "inpatient/sections/diagnosis.html",
                lambda: _drg_diagnosis(code, day, options)),
        Section("hcc", "Risk adjustment: CMS-HCC categories", "riskadjust/sections/diagnosis.html",
                lambda: riskadjust.diagnosis_section(code, day)),
        Section("crosswalks", "Crosswalks: CPT/HCPCS codes whose Medicare articles list it",
                "reference/sections/crosswalks.html", lambda: reference.crosswalk_section(code, day)),
        Section("related", "Related codes", "codes/sections/related.html",
                {"before": before, "after": after}, public=True),
    ]


def _mce(code, day, edits_of):
    return {"edits": edits_of(code.code, day), "release": mce.release_for(day), "note": mce.coverage_note(day),
            "day": day, "sex_retired": day >= mce.SEX_EDIT_RETIRED}


def _drg_diagnosis(code, day, options):
    choice = versions.for_day(day)
    facts = codefacts.diagnosis_facts(code.code, choice.version.number, choice.note)
    exclusion = None
    if options.principal and facts.severity:
        exclusion = codefacts.exclusion(code.code, options.principal, choice.version)
    return {"facts": facts, "day": day, "exclusion": exclusion, "principal": options.principal,
            "principal_shown": systems.display(systems.ICD10CM, options.principal)}


def _drg_procedure(code, day):
    choice = versions.for_day(day)
    return {"facts": codefacts.procedure_facts(code.code, choice.version.number, choice.note), "day": day}


def _icd10cm_notes(code, ancestors):
    chain = [*ancestors, code]
    notes = _notes_by_owner(chain)
    grouped = {}
    for group, kinds in NOTE_GROUPS.items():
        levels = []
        for owner in reversed(chain):
            items = [n for n in notes.get(owner.pk, []) if n.kind in kinds]
            if items:
                levels.append({"owner": owner, "own": owner.pk == code.pk, "notes": items})
        grouped[group] = levels
    seventh_owner = next((a for a in reversed(chain) if a.extra.get("seventh")), None)
    grouped["billable"] = {
        "seventh_owner": seventh_owner, "seventh": (seventh_owner.extra["seventh"] if seventh_owner else {}),
    }
    return grouped


def _icd10pcs_sections(code, ancestors, day, options):
    before, after = lookup.siblings(code)
    return [
        Section("axes", "Code structure: the seven characters", "codes/sections/pcs_axes.html", lambda: _pcs_axes(code)),
        Section("mce", "Medicare Code Editor edits", "codes/sections/mce.html",
                lambda: _mce(code, day, mce.procedure_edits)),
        Section("drg", "MS-DRG: O.R. status and the DRGs it drives", "inpatient/sections/procedure.html",
                lambda: _drg_procedure(code, day)),
        Section("related", "Other codes in this table", "codes/sections/related.html",
                {"before": before, "after": after}, public=True),
    ]


def _pcs_axes(code):
    terms = definitions()
    axes = []
    for pos, title, char, label in code.extra.get("axes", []):
        term = terms.get((code.code[0], pos, label.lower()), {})
        axes.append({"pos": pos, "title": title, "char": char, "label": label, **term})
    return {"axes": axes}


def _procedure_sections(code, ancestors, day, options):
    sections = []
    if code.system == systems.CPT:
        sections += [
            Section("contrasts", f"Codes often confused with {code.display_code}", "codes/sections/contrasts.html",
                    lambda: {"contrasts": describe.contrasts(code)}, public=True),
            Section("glance", "In short, from the CMS files", "reference/sections/glance.html",
                    lambda: reference.glance_section(code, day)),
        ]
    sections.append(Section("addon", "Add-on code rules", "codes/sections/addon.html", lambda: _addon_rules(code, day)))
    if code.system == systems.HCPCS:
        sections.append(Section("hcpcs", "Medicare billing data (HCPCS file)", "codes/sections/hcpcs.html", {
            "extra": code.extra, "coverage": describe.COVERAGE.get(code.extra.get("coverage", ""), ""),
        }))
    return sections + [
        Section("modifiers", "Modifiers", "reference/sections/modifiers.html",
                lambda: reference.modifiers_section(code, day)),
        Section("ncci", "NCCI procedure-to-procedure edits", "reference/sections/ncci.html",
                lambda: reference.ncci_section(code, day, options)),
        Section("mue", "Medically unlikely edits (MUE)", "reference/sections/mue.html",
                lambda: reference.mue_section(code, day)),
        Section("rvu", "RVUs, global period and payment", "reference/sections/rvu.html",
                lambda: reference.rvu_section(code, day, options)),
        Section("crosswalks", "Crosswalks: ICD-10-CM codes that support medical necessity",
                "reference/sections/crosswalks.html", lambda: reference.crosswalk_section(code, day)),
        Section("coverage", "Medicare coverage", "reference/sections/coverage.html",
                lambda: reference.coverage_section(code, day)),
        Section("risk", "Risk adjustment: does the service count?", "riskadjust/sections/procedure.html",
                lambda: riskadjust.procedure_section(code, day)),
    ]


def _addon_rules(code, day):
    primaries = addons.primaries_of(code.code, on=day) if code.is_addon else []
    addon_codes = addons.addons_for(code.code, on=day)
    mentioned = {e.primary_code for e in primaries} | {e.addon_code for e in addon_codes}
    known = {
        (c.system, c.code): c
        for c in Code.objects.filter(system__in=[systems.CPT, systems.HCPCS], code__in=mentioned)
    }
    return {
        "primaries": _by_type(primaries, "primary_code", known),
        "addons": _by_type(addon_codes, "addon_code", known),
        "release": addons.release_on(day),
        "day": day,
    }


def _by_type(edits, attribute, known):
    groups = {}
    for edit in edits:
        other = getattr(edit, attribute)
        page = known.get((systems.CPT, other)) or known.get((systems.HCPCS, other))
        groups.setdefault(edit.edit_type, {"type": edit.edit_type, "meaning": edit.type_meaning, "codes": []})
        groups[edit.edit_type]["codes"].append({"code": other, "page": page, "edit": edit})
    return [groups[key] for key in sorted(groups)]


def _history(code):
    changes = list(code.changes.select_related("release").order_by("release__effective_date"))
    return Section("history", "History", "codes/sections/history.html", {"changes": changes}, public=True)
