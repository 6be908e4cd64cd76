"""What a reader may be told: a fact from a metered page section (edits, units, fees, add-on
rules, instructions, coverage) only when that code's page is open to them, as on the page."""

from django.urls import reverse

from medcode.accounts import metering
from medcode.assistant.facts import Citation, Fact


def gate(request, reader, answer):
    """Open each code the answer's metered facts are about (one view each, as reading its page
    would); replace the facts of codes left locked by how to unlock them."""
    if reader.plan == metering.SUBSCRIBER:
        return answer
    about = {fact.about.pk: fact.about for fact in answer.facts if fact.about is not None}
    locked = {pk for pk, code in about.items() if not _opens(request, reader, code)}
    if not locked:
        return answer
    kept, told = [], set()
    for fact in answer.facts:
        if fact.about is None or fact.about.pk not in locked:
            kept.append(fact)
        elif fact.about.pk not in told:
            told.add(fact.about.pk)
            kept.append(_locked(reader, fact.about))
    answer.facts = kept
    return answer


def _opens(request, reader, code):
    if code.is_group:
        # A heading's page is navigation, but its notes are part of the locked sections of every code
        # below it, so the API and CasePilot give them to subscribers only.
        return False
    return metering.open_for_request(request, code, reader).unlocked


def _locked(reader, code):
    if code.is_group:
        return Fact(f"Subscribe to view the instructional notes of {code.display_code}: they apply to every "
                    "code below it.", Citation("Upgrade", reverse("accounts:upgrade")))
    what = f"the edits, units, fees and instructions of {code.display_code}"
    if reader.next_step == "register":
        return Fact(f"Register to view {what}: a free account reads more code pages.",
                    Citation("Register", reverse("accounts:register")))
    if reader.next_step == "verify":
        return Fact(f"Verify your email address to view {what}.", Citation("Your account", reverse("accounts:account")))
    return Fact(f"You have read this period's free code pages: subscribe to view {what}.",
                Citation("Upgrade", reverse("accounts:upgrade")))
