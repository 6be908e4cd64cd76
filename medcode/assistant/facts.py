"""The facts CasePilot answers from, each a sentence with the page or data row it came from.

Every fact is read through the same domain modules the code pages use, so an answer can
never say more than, or other than, what medcode's pages show.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from medcode.codes import lookup, systems
from medcode.codes.models import Code, CodeNote
from medcode.reference import addons, coverage, fees, freshness, modifiers, ncci, payment
from medcode.reference.models import PtpEdit
from medcode.search.query import parse

LISTED = 12  # codes named in one sentence before "and N more"
NOTE_KINDS = {
    "use_additional": "Use additional code",
    "code_first": "Code first",
    "code_also": "Code also",
    "excludes1": "Excludes1 (never report together)",
    "excludes2": "Excludes2 (not included here; both may be reported)",
}


@dataclass(frozen=True)
class Citation:
    label: str
    url: str


@dataclass(frozen=True)
class Fact:
    text: str
    cite: Citation | None = None
    # The code whose metered page section this fact comes from (edits, units, fees, notes):
    # a reader sees it only with that code's page unlocked, as on the page itself.
    about: object = field(default=None, compare=False)


def page(code, anchor="", **query):
    url = code.get_absolute_url() + (f"?{urlencode(query)}" if query else "") + (f"#{anchor}" if anchor else "")
    label = f"{code.system_name} {code.display_code}" + (f" · {anchor.upper() if len(anchor) <= 4 else anchor}" if anchor else "")
    return Citation(label, url)


def _listing(codes):
    shown = ", ".join(codes[:LISTED])
    return shown + (f" and {len(codes) - LISTED} more" if len(codes) > LISTED else "")


def _units(count):
    return "1 unit" if count == 1 else f"{count} units"


def _money(amount):
    return f"${Decimal(amount).quantize(Decimal('0.01'))}"


def describe(code):
    title = code.best_title
    if code.system == systems.CPT and not code.title:
        said = (f"{code.display_code} (CPT) is, in medcode's own words: {title.removeprefix('Add-on: ')}." if title else
                f"{code.display_code} is a CPT code; medcode has no description of it yet.")
    else:
        said = f"{code.display_code} ({code.system_name}): {title}."
    if code.is_deleted:
        said += " It is deleted: do not report it for current dates of service."
    found = [Fact(said, page(code))]
    if code.system == systems.CPT and code.summary:
        found.append(Fact(code.summary, page(code, "common")))
    return found


def difference(first, second):
    """How two CPT codes differ, from medcode's neighbour contrasts (either code may list the other)."""
    found = []
    for this, other in ((first, second), (second, first)):
        for contrast in this.extra.get("contrasts") or []:
            if contrast["code"] == other.code:
                found.append(Fact(f"Compared with {this.display_code}, {other.display_code}: "
                                  f"{contrast['difference'].rstrip('.')}.", page(this, "contrasts")))
    return found[:1]


def billable(code):
    if code.system not in (systems.ICD10CM, systems.ICD10PCS):
        state = "is not active" if code.is_deleted else "is billable (an active code)"
        return [Fact(f"{code.display_code} {state}.", page(code))]
    if code.billable:
        # The page's badge tells everyone this; the locked section holds the 7th-character detail.
        return [Fact(f"{code.display_code} is billable: it is a complete code.", page(code))]
    children = list(lookup.children(code))
    if not children:
        return [Fact(f"{code.display_code} is not billable: it is a heading.", page(code))]
    seventh = [c for c in children if c.extra.get("seventh_char")]
    if seventh:
        choices = "; ".join(f"{c.display_code} ({c.extra.get('seventh_meaning', '')})" for c in seventh)
        return [Fact(f"{code.display_code} is not billable: it needs a 7th character. The valid codes are {choices}.",
                     page(code, "billable"))]
    return [Fact(f"{code.display_code} is not billable: a claim needs one of the {len(children)} more specific codes "
                 f"under it: {_listing([c.display_code for c in children])}.", page(code, "children"))]


def units(code, day):
    found = []
    for setting, edit, release in ncci.mue_for(code.code, day):
        if edit is None:
            continue
        found.append(Fact(
            f"MUE for {code.display_code}, {ncci.setting_name(setting).lower()}: {_units(edit.units)} per day "
            f"(MAI {edit.indicator}: {edit.indicator_meaning}; release {release.label}).", page(code, "mue"), about=code))
    return found or [Fact(f"CMS publishes no MUE for {code.display_code}.", page(code, "mue"), about=code)]


def _fee_row(code, day):
    release, rows = fees.rows_for(code.code, day)
    return release, rows.get("") or next(iter(rows.values()), None)


def global_period(code, day):
    release, row = _fee_row(code, day)
    if row is None:
        return [Fact(f"The physician fee schedule has no row for {code.display_code}, so it has no global period.",
                     page(code, "rvu"), about=code)]
    meaning = fees.words(row)["global"]
    return [Fact(f"Global period of {code.display_code}: {row.global_days} ({meaning}; {release.label}).",
                 page(code, "rvu"), about=code)]


def fee(code, day):
    release, row = _fee_row(code, day)
    if row is None:
        return [Fact(f"The physician fee schedule has no row for {code.display_code}.", page(code, "rvu"), about=code)]
    office, facility = payment.quote(code.code, day=day), payment.quote(code.code, day=day, facility=True)
    if office.amount is None:
        return [Fact(f"{code.display_code} has no Medicare fee schedule payment: {fees.words(row)['status']}.",
                     page(code, "rvu"), about=code)]
    return [Fact(
        f"Medicare national payment for {code.display_code}: {_money(office.amount)} non-facility, "
        f"{_money(facility.amount)} facility; total RVUs {row.total_nonfacility} non-facility, "
        f"{row.total_facility} facility ({release.label}, conversion factor {row.conversion_factor}).",
        page(code, "rvu"), about=code)]


def addon_rules(code, day):
    primaries = sorted({e.primary_code for e in addons.primaries_of(code.code, on=day)} - {"CCCCC"})
    found = []
    if primaries or code.is_addon:
        listed = (f" CMS lists {len(primaries)} primary codes to report it with: {_listing(primaries)}."
                  if primaries else " CMS lists no primary codes; the Medicare contractor decides them.")
        found.append(Fact(f"{code.display_code} is an add-on code: report it only with a primary procedure.{listed}",
                          page(code, "addon"), about=code))
    partners = sorted({e.addon_code for e in addons.addons_for(code.code, on=day)})
    if partners:
        found.append(Fact(f"Add-on codes that may be reported with {code.display_code}: {_listing(partners)}.",
                          page(code, "addon"), about=code))
    return found or [Fact(f"{code.display_code} is not an add-on code and has no add-on codes listed with it.",
                          page(code, "addon"), about=code)]


def notes(code):
    """ICD-10-CM instructions from the code and every level above it, nearest first."""
    if code.system != systems.ICD10CM:
        return []
    chain = _nearest_first(code)
    owners = {c.pk: c for c in chain}
    rank = {c.pk: i for i, c in enumerate(chain)}
    rows = sorted(CodeNote.objects.filter(owner_id__in=owners, kind__in=NOTE_KINDS), key=lambda n: (rank[n.owner_id], n.seq))
    found = []
    for kind, label in NOTE_KINDS.items():
        for note in [n for n in rows if n.kind == kind][:4]:
            owner = owners[note.owner_id]
            where = "" if owner.pk == code.pk else f" (from {owner.display_code})"
            anchor = "excludes" if kind.startswith("excludes") else "instructions"
            found.append(Fact(f"{label}{where}: {note.text.rstrip(' .:;')}.", page(code, anchor), about=code))
    return found


def _nearest_first(code):
    return [code, *reversed(lookup.ancestors(code))]


def modifier(token):
    entry, row = modifiers.find(token)
    url = reverse("reference:modifier", args=[token.upper()])
    if entry is None and row is None:
        return []
    cite = Citation(f"Modifier {token.upper()}", url)
    if entry is None:
        return [Fact(f"Modifier {token.upper()}: {row.title}.", cite)]
    found = [Fact(f"Modifier {token.upper()}: {entry['name']}. {entry.get('summary', '')}".strip(), cite)]
    if entry.get("when_to_use"):
        found.append(Fact(f"When to use {token.upper()}: {entry['when_to_use'][0]}", cite))
    if entry.get("common_mistakes"):
        found.append(Fact(f"A common mistake with {token.upper()}: {entry['common_mistakes'][0]}", cite))
    return found


def modifiers_for(situation, limit=2):
    """The guide's modifiers whose name, summary and uses best match a situation told in words
    ("wasted drug from a single dose vial" → JW): rarer shared words count more."""
    entries = modifiers.guide()
    stems = lambda text: {w[:6] for w in re.findall(r"[a-z]{3,}", text.lower())} - _GENERIC_STEMS
    texts = {code: stems(" ".join([e["name"], e.get("summary", ""), *e.get("when_to_use", [])])) for code, e in entries.items()}
    spread = {}
    for words in texts.values():
        for word in words:
            spread[word] = spread.get(word, 0) + 1
    asked = stems(situation)
    scores = {code: sum(1 / spread[w] for w in words & asked) for code, words in texts.items()}
    best = sorted((code for code in scores if scores[code] > 0), key=lambda code: -scores[code])[:limit]
    if not best or scores[best[0]] < 0.5:
        return []
    found = [Fact("The modifiers medcode's guide describes for that situation:", Citation("Modifiers", reverse("reference:modifiers")))]
    for code in best:
        found += modifier(code)[:2]
    return found


def pair(first, second, day, modifiers_said=()):
    """Whether two codes may be reported together: NCCI PTP edits in either order, and add-on rules."""
    found = []
    primaries = {e.primary_code for e in addons.primaries_of(first.code, on=day)}
    if second.code in primaries:
        found.append(Fact(f"{first.display_code} is an add-on code and {second.display_code} is one of its listed "
                          "primary codes: report them together.", page(first, "addon"), about=first))
    elif first.code in {e.primary_code for e in addons.primaries_of(second.code, on=day)}:
        found.append(Fact(f"{second.display_code} is an add-on code and {first.display_code} is one of its listed "
                          "primary codes: report them together.", page(second, "addon"), about=second))
    if first.system == second.system == systems.ICD10CM:
        return found + _excluded(first, second) + _excluded(second, first)
    releases = ncci.ptp_releases(day)
    if not releases:
        found.append(Fact("NCCI procedure-to-procedure edits are not loaded in this medcode, so it cannot say whether "
                          f"{first.display_code} and {second.display_code} bundle.",
                          Citation("Loaded reference data", reverse("reference:status"))))
        return found
    for setting, release in releases.items():
        stale = freshness.of_release(release, day).message
        if stale:
            found.append(Fact(stale, Citation("Loaded reference data", reverse("reference:status")), about=first))
        edit = (PtpEdit.objects.filter(release=release)
                .filter(Q(column1=first.code, column2=second.code) | Q(column1=second.code, column2=first.code))
                .active_on(day).first())
        where = ncci.setting_name(setting).lower()
        if edit is None:
            found.append(Fact(f"No active NCCI PTP edit pairs {first.display_code} and {second.display_code} "
                              f"({where}, {release.label}).", page(first, "ncci"), about=first))
            continue
        column1 = first if edit.column1 == first.code else second
        column2 = second if column1 is first else first
        cite = page(column1, "ncci", date=day.isoformat(), ncci_setting=setting, ncci_code=column2.code)
        found.append(Fact(
            f"NCCI PTP edit ({where}, {release.label}): {column2.display_code} is column 2 to {column1.display_code}, "
            f"so {column2.display_code} is denied when both are billed; modifier indicator {edit.modifier_indicator}: "
            f"{edit.modifier_meaning}.", cite, about=column1))
        bypass = ncci.modifier_may_bypass(modifiers_said)
        if modifiers_said and int(edit.modifier_indicator) == 1 and bypass:
            found.append(Fact(f"Modifier {', '.join(bypass)} may bypass this edit when the documentation shows a "
                              "distinct service.", cite, about=column1))
        elif modifiers_said and int(edit.modifier_indicator) == 0:
            found.append(Fact("No modifier bypasses this edit (indicator 0).", cite, about=column1))
    return found


def _excluded(code, other):
    """Excludes notes of a code (or its headings) that name the other code or a heading above it."""
    chain = _nearest_first(code)
    named = {other.display_code, other.code[:3], *(a.display_code for a in lookup.ancestors(other))}
    found = []
    for note in CodeNote.objects.filter(owner__in=chain, kind__in=("excludes1", "excludes2")).select_related("owner"):
        if any(re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", note.text) for name in named if len(name) >= 3):
            rule = ("Excludes1: never report them together" if note.kind == "excludes1"
                    else "Excludes2: both may be reported when both conditions are present")
            found.append(Fact(f"{rule}. {note.owner.display_code} excludes \"{note.text.rstrip(' .')}\".",
                              page(code, "excludes"), about=code))
    return found


def coverage_of(code):
    index, lists = coverage.releases()
    listed = coverage.articles_listing(code.code, lists) if lists else None
    search = Citation("Medicare coverage search", reverse("reference:coverage") + "?" + urlencode({"q": code.display_code}))
    if listed is None:
        found = [Fact(f"Medicare coverage code lists are not loaded, so medcode cannot list the LCDs and articles "
                      f"that name {code.display_code}.", search, about=code)]
        titled = _coverage_by_title(code)
        if titled:
            found.append(Fact(f"Coverage documents whose titles share {code.display_code}'s words:", search, about=code))
            found += [Fact(f"{doc.doc_type} {doc.display_id}: {doc.title} ({doc.contractors}).",
                           Citation(f"{doc.doc_type} {doc.display_id}", doc.url), about=code) for doc in titled]
        return found
    documents = coverage.documents(listed[:5])
    if not documents:
        return [Fact(f"No billing-and-coding article in the loaded coverage data lists {code.display_code}.", search, about=code)]
    return [Fact(f"{doc.doc_type} {doc.display_id}: {doc.title} ({doc.contractors}).", Citation(doc.display_id, doc.url), about=code)
            for doc in documents.values()]


_GENERIC = frozenset("""total with without other unspecified procedure procedures service services initial each
additional first code codes and the for of per one two more than patient visit level""".split())


_GENERIC_STEMS = frozenset(w[:6] for w in """modifier modifiers which what the for and with from same code
codes service services procedure procedures use used when that this are was patient""".split())


def _coverage_by_title(code, limit=3):
    """Documents whose titles hold two of the code's words (one if it has only one): "Total hip
    replacement" finds "Lower Extremity Major Joint Replacement (Hip and Knee)"."""
    words = [w for w in re.findall(r"[a-z]{3,}", code.best_title.lower()) if w not in _GENERIC][:6]
    held, weight, documents = {}, {}, {}
    for word in words:
        found = coverage.search(word, limit=500)
        for doc in found:  # a rarer word says more: "colonoscopy" over "screening"
            held[doc.pk] = held.get(doc.pk, 0) + 1
            weight[doc.pk] = weight.get(doc.pk, 0) + 1 / len(found)
            documents[doc.pk] = doc
    enough = min(2, len(words))
    ranked = sorted((pk for pk, n in held.items() if n >= enough), key=lambda pk: (-weight[pk], documents[pk].title))
    return [documents[pk] for pk in ranked[:limit]]


def headings(words):
    """Code-set headings (CPT sections, ICD-10-CM chapters and blocks) whose titles hold every group
    of words, with their instructional notes: what medcode holds of a set's guidelines."""
    found = Code.objects.filter(kind__in=("range", "chapter", "block", "section"), status=Code.Status.ACTIVE)
    groups = parse(" ".join(w for w in words.split() if w.lower() not in _GENERIC)).groups
    if not groups:
        return []
    for group in groups:
        either = Q()
        for alternative in group:
            every = Q()
            for word in alternative:
                every &= Q(title__icontains=word)
            either |= every
        found = found.filter(either)
    facts = []
    for heading in sorted(found[:20], key=lambda c: (c.depth, c.seq))[:2]:
        facts += describe(heading)
        for note in CodeNote.objects.filter(owner=heading, kind__in=("note", "use_additional", "code_first"))[:3]:
            # The note shows inside the locked sections of every code below the heading: metered by it.
            facts.append(Fact(f"Note at {heading.display_code}: {note.text.rstrip(' .:;')}.", page(heading, "instructions"),
                              about=heading))
    return facts
