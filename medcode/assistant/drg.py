"""CasePilot's inpatient facts: a code's CC/MCC level and DRGs, a procedure's O.R. status, a stay's
MS-DRG, and whether a code is valid in the fiscal year of the date asked about (FY2027 today).

Each fact is what the code pages and the grouper page show (inpatient/), said in a sentence.
"""

import re

from django.urls import reverse

from medcode.assistant.facts import Citation, Fact, page
from medcode.codes import fiscal, systems
from medcode.inpatient import codefacts, grouper, versions
from medcode.inpatient.stay import Diagnosis, Stay

_AGE = re.compile(r"\b(\d{1,3})[- ]?(?:years?[- ]old|y/?o|yrs?\b|-year)", re.IGNORECASE)
_FEMALE = re.compile(r"\b(female|woman|girl|she|her)\b", re.IGNORECASE)
_MALE = re.compile(r"\b(male|man|boy|he|his)\b", re.IGNORECASE)
_EXPIRED = re.compile(r"\b(expired|died|death)\b", re.IGNORECASE)
_STAY_WORDS = re.compile(r"\b(stay|admission|admitted|groups?|grouping|principal)\b", re.IGNORECASE)


def asks_for_a_stay(question, codes):
    """"What DRG does A41.51 with R65.21 group to?" groups a stay; "is N17.9 a CC?" asks about a code."""
    diagnoses = [c for c in codes if c.system == systems.ICD10CM]
    return bool(diagnoses) and (len(codes) > 1 or bool(_STAY_WORDS.search(question)))


def validity(code, day):
    """A fact when the day's fiscal year deleted or expanded the code (FY2027 for a 2026-12 date)."""
    found = fiscal.for_page(code, day)
    if found is None or found.valid:
        return []
    return [Fact(found.message, page(code))]


def code_facts(code, day):
    choice = versions.for_day(day)
    version = choice.version
    cite = page(code, "drg")
    if code.system == systems.ICD10CM:
        facts = codefacts.diagnosis_facts(code.code, version.number, choice.note)
        if not facts.valid:
            return [Fact(f"{code.display_code} is not a valid code in {version.name}.", cite, about=code)]
        level = {"MCC": "an MCC (major complication or comorbidity)", "CC": "a CC (complication or comorbidity)"}
        said = [Fact(f"In {version.label}, {code.display_code} as a secondary diagnosis is "
                     f"{level.get(facts.severity, 'neither a CC nor an MCC')}"
                     + (". It does not count with the principal diagnoses CMS's CC exclusion list names, and some "
                        "count only under conditions of the DRG logic (discharged alive, for one)." if facts.severity
                        else "."), cite, about=code)]
        if facts.hacs:
            said.append(Fact(f"It is on a hospital-acquired condition list ({'; '.join(facts.hacs)}): not present on "
                             "admission (POA N or U) and with the category's other conditions met (some need a "
                             "particular procedure), it does not count as a CC or MCC for the final DRG of a hospital "
                             "paid under IPPS.", cite, about=code))
        if facts.principal_problem:
            said.append(Fact(f"As the principal diagnosis: {facts.principal_problem}.", cite, about=code))
        elif facts.as_principal:
            drgs = "; ".join(f"{level.label}, DRG {level.drg:03d} {level.title}" for level in facts.as_principal)
            said.append(Fact(f"As the principal diagnosis of a stay without procedures it falls in MDC {facts.mdc} "
                             f"({facts.mdc_title}): {drgs}.", cite, about=code))
        return said + ([Fact(choice.note, cite)] if choice.note else [])
    if code.system == systems.ICD10PCS:
        facts = codefacts.procedure_facts(code.code, version.number, choice.note)
        if not facts.valid:
            return [Fact(f"{code.display_code} is not a valid code in {version.name}.", cite, about=code)]
        if facts.operating_room:
            family = facts.unrelated_family
            text = (f"In {version.label}, {code.display_code} is an O.R. procedure: with a principal diagnosis it is "
                    f"not related to, the stay groups to DRGs {family[0][0]:03d}-{family[-1][0]:03d} "
                    f"({drgs.stem(family[0][1])}).")
        elif facts.pre_mdc:
            text = (f"In {version.label}, {code.display_code} assigns pre-MDC DRG {facts.pre_mdc:03d} with every "
                    "example principal diagnosis.")
        elif facts.related:
            text = (f"In {version.label}, {code.display_code} changes the DRG with some principal diagnoses; with none "
                    "of the example principal diagnoses did it group as an O.R. procedure unrelated to the principal.")
        else:
            text = (f"In {version.label}, {code.display_code} is not an O.R. procedure: it changed the DRG with none of "
                    "the example principal diagnoses (one from each MDC).")
        said = [Fact(text, cite, about=code)]
        examples = "; ".join(f"with {e.shown} (MDC {e.mdc}) DRG {e.drg:03d} {e.title}" for e in facts.related[:4])
        if examples:
            said.append(Fact(f"Examples: {examples}.", cite, about=code))
        return said
    return []


def stay_facts(codes, question, day):
    """Group the stay a question describes: the first ICD-10-CM code principal, the others secondary,
    ICD-10-PCS codes as procedures; age, sex and death read from the words, else said as assumed."""
    diagnoses = [c for c in codes if c.system == systems.ICD10CM]
    if not diagnoses:
        return []
    age_match = _AGE.search(question)
    age = min(int(age_match.group(1)), 124) if age_match else 65
    sex = "F" if _FEMALE.search(question) else "M" if _MALE.search(question) else "U"
    status = 20 if _EXPIRED.search(question) else 1
    stay = Stay(Diagnosis(diagnoses[0].code, "Y"), [Diagnosis(c.code, "Y") for c in diagnoses[1:]],
                [c.code for c in codes if c.system == systems.ICD10PCS], age, sex, status, day)
    grouping = grouper.group(stay, with_edits=False)
    link = Citation("MS-DRG grouper", reverse("inpatient:grouper") + f"?principal={diagnoses[0].display_code}")
    assumed = (f"age {age}{'' if age_match else ' (assumed)'}, sex {dict(F='female', M='male').get(sex, 'unknown')}, "
               f"{'expired' if status == 20 else 'discharged home (assumed)'}, every diagnosis present on admission "
               f"(assumed), discharged {day:%b %-d, %Y}")
    if not grouping.grouped or grouping.returned:
        said = [Fact(f"The stay does not group to a payable DRG: {grouping.return_words} ({grouping.version.label}; "
                     f"{assumed}).", link, about=diagnoses[0])]
    else:
        said = [Fact(f"With {diagnoses[0].display_code} principal"
                     + (f" and {', '.join(c.display_code for c in codes[1:])}" if len(codes) > 1 else "")
                     + f", the stay groups to MS-DRG {grouping.final.number:03d} {grouping.final.title}, MDC "
                     f"{grouping.final.mdc} ({grouping.version.label}; {assumed}).", link, about=diagnoses[0])]
    by_code = {c.code: c for c in codes}
    for result in grouping.diagnoses[1:]:
        code = by_code.get(result.code)
        if result.counted:
            said.append(Fact(f"{result.shown} counts as the {result.severity}.", link, about=code))
        elif result.excluded:
            said.append(Fact(f"{result.shown} is a {result.severity} excluded with this principal diagnosis.", link,
                             about=code))
    for result in grouping.procedures:
        if result.drove:
            said.append(Fact(f"{result.code} changes the DRG.", link, about=by_code.get(result.code)))
    if grouping.version_note:
        said.append(Fact(grouping.version_note, link))
    said.append(Fact("Sequence the principal diagnosis as the condition established after study to be chiefly "
                     "responsible for the admission; the grouper takes the first code as principal.", link))
    return said
