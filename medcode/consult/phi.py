"""Finds likely patient identifiers (PHI) in a coder's case text, so it can be removed or masked.

It is a pattern scanner for typed English text, tuned to leave coding talk alone (CPT, HCPCS,
ICD-10-CM/PCS codes, modifiers, units, dollar amounts, NPIs, years, dates of service).

What it detects:
- Social Security numbers written 123-45-6789 or 123 45 6789, and 9 bare digits after "SSN",
  "SS#" or "social security number" (impossible ones such as 000-, 666-, 9xx- are skipped);
- dates of birth after a label: DOB, D.O.B., date of birth, birth date, born (on), b.;
- a person's name within about 40 characters of such a date of birth;
- a person's name within about 60 characters of a labelled date of service, seen on, admitted
  on, admission, discharge or visit date;
- names after "patient name:", "pt name:", "name:" at the start of a line, "patient:" / "pt:"
  (two words or more), and after Mr., Mrs., Ms. or Miss;
- medical record, account, chart, encounter, FIN, patient ID, member ID, policy, Medicare or
  Medicaid numbers, MBI and HICN, when labelled and holding at least 3 digits;
- North American phone and fax numbers with separators, (555) 555-1234, +1 555 555 1234,
  with an extension, and 10 bare digits after "phone", "tel", "cell", "fax" or "ph";
- email addresses;
- street addresses with a number and a street type (123 Main St, Apt 4B) and PO boxes;
- "City, ST 12345(-6789)" when the ZIP code belongs to that state.

What it misses:
- names on their own, with no label, title or labelled date nearby ("John Smith had a knee
  replacement"); a lone surname near a date unless after Mr./Mrs./Ms./Dr./patient/pt; names
  written in lower case or in capitals (except "SMITH, JOHN"); names holding a word of its
  clinical stop list ("Kim West", "Ann Cross", "Lee Head"); and, beside a date of service, any
  name after Dr., "by" or "provider:" or before MD, DO, NP, PA, RN (taken for the clinician);
- dates of birth without a label, with only a year or month ("born in 1950", "born March
  1950"), or spelled in words; ages, including ages over 89; other dates tied to a patient
  (a date of service alone is left on purpose);
- phone numbers without separators or label, and non-North-American formats;
- addresses without a street type word or in other countries' formats, rural routes, ZIP
  codes without "City, ST" before them, or with the state spelled out;
- record and account numbers without one of the labels above or with fewer than 3 digits;
  claim numbers, licence, vehicle and device numbers, URLs, IP addresses, photographs;
- anything inside images or scanned pages (no OCR), misspelled or spaced-out labels
  ("d o b"), and text in languages other than English.

Text is read as a person reads it: before scanning, Unicode compatibility forms are folded (NFKC:
full-width digits, ligatures), every kind of space (no-break, thin, figure, ideographic, tabs) reads
as a space, every dash and minus as a hyphen, and invisible format characters (zero-width spaces and
joiners, soft hyphens, byte-order marks) are dropped. Findings point into the text as written, so
what is masked is exactly what was typed or pasted.

What it may flag wrongly: Title Case phrases of two or more words beside a DOB or DOS label when
its stop list lacks them, any phone number or address (a payer's too), three numbers in a row
shaped like 123 45 6789, and a surname before a state and a ZIP of that state ("Smith, PA 17101").
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

KINDS = {
    "name_dob": "name next to a date of birth",
    "dob": "date of birth",
    "ssn": "Social Security number",
    "mrn": "medical record or account number",
    "phone": "phone or fax number",
    "email": "email address",
    "address": "street address",
    "zip": "city, state and ZIP code",
    "dos_name": "patient name next to a date of service",
    "name": "patient name",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return KINDS[self.kind]


_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
# Labels are checked before the date, so day/month order is not policed: 14/03/1962 also counts.
_DATE = rf"""(?<![\d/.-])(?:
      \d{{1,2}}(?P<ds>[/.-])\d{{1,2}}(?P=ds)(?:\d{{4}}|\d{{2}})(?![\d/])   # 03/14/1962, 3-14-62
    | (?:19|20)\d\d[/-]\d{{1,2}}[/-]\d{{1,2}}(?![\d/])                     # 1962-03-14
    | (?i:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}            # Jan 5, 1950
    | \d{{1,2}}(?:st|nd|rd|th)?\s+(?i:{_MONTH})\.?,?\s+\d{{4}})            # 5 January 1950
"""
_SEP = r"[ \t:=\#–-]{0,4}(?:(?:is|was|of)[ \t]+)?"

_DOB = re.compile(rf"""(?:(?i:\bD\.?O\.?B\b\.?|\bdate[ \t]+of[ \t]+birth|\bbirth[ \t]*date|\bborn(?:[ \t]+on)?)
    |(?<![Pp]art[ ])\bb\.) {_SEP} (?P<v>{_DATE})""", re.X)
_DOS = re.compile(rf"""(?i:\bDOS\b|\bdates?[ \t]+of[ \t]+service|\b(?:seen|admitted|discharged)[ \t]+on
    |\b(?:admission|admit|discharge|visit)[ \t]+date|\bvisit[ \t]+on) {_SEP} (?P<v>{_DATE})""", re.X)

_NO = r"[ \t]*(?:number|no\b\.?|\#)"  # "account number", "acct no.", "chart #"

_SSN = re.compile(rf"""
    (?<![\w$.,/-]) (?<!\d[ ]) (?!000|666|9) \d{{3}} (?P<s>[- ]) (?!00)\d\d (?P=s) (?!0000)\d{{4}} (?![\w-]|[ ]\d)
  | (?i:\bSSN|\bSS\#|\bsocial[ \t]+security(?:{_NO})?) [ \t:\#=]*(?:is[ \t]+)?
    (?P<v>(?!000|666|9)\d{{3}}(?!00)\d\d(?!0000)\d{{4}}) (?!\d)""", re.X)

_MRN = re.compile(rf"""
    (?: (?i:\bMRN|\bmedical[ \t]+record(?:{_NO})?|\bacct\b\.?(?:{_NO})?|\baccount{_NO}|\bchart{_NO}|\bpolicy{_NO}
        |\b(?:encounter|medicare|medicaid)(?:{_NO}|[ \t]*ID\b)|\b(?:patient|pt\.?|member)[ \t]+ID\b|\bMBI\b|\bHICN\b)
      | \bMR(?i:{_NO}) | \bFIN\b )
    [ \t:\#=]*(?:is[ \t]+)?[:\#]?[ \t]*
    (?P<v>(?=(?:[A-Za-z-]*\d){{3}})[A-Za-z0-9][A-Za-z0-9-]{{3,19}}) (?![A-Za-z0-9-])""", re.X)

# Area codes and exchanges start 2-9 (NANP); spaced-out numbers need "+1" or a label, since
# tables of units and charges are full of "250 300 1200".
_PHONE = re.compile(rf"""
    (?: (?<![\w$.,/+-]) (?:\+?1[.-]?)?
        (?: \([2-9]\d\d\)[ ]?[2-9]\d\d[ .-]?\d{{4}} | [2-9]\d\d(?P<s>[.-])[2-9]\d\d(?P=s)\d{{4}} )
      | (?<![\w$.,/-]) \+1[ ][2-9]\d\d[ ][2-9]\d\d[ ]\d{{4}} )
    (?:[ \t]*(?i:ext\b\.?|extension|x)[ \t]*\d{{1,5}})? (?![\w/-]|[.,]\d)
  | (?i:\b(?:phone|tel(?:ephone)?|cell|mobile|fax|ph)\b\.?(?:{_NO})?) [ \t:\#=]*(?:is[ \t]+)?
    (?P<v>(?:\+?1[ .-]?)?\(?\d{{3}}\)?[ .-]?\d{{3}}[ .-]?\d{{4}}) (?!\d)""", re.X)

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")

# "Dr" and "St" followed by a capitalised word are a title or a saint ("3 Left Knee Dr. Smith").
_ADDRESS = re.compile(r"""
    (?<![\w$.,/:-]) \d{1,6}[A-Z]? (?:[ \t]+(?:[A-Z][A-Za-z'.-]*|\d{1,3}(?:st|nd|rd|th))){1,4}? [ \t]+
    (?: (?:Street|STREET|Avenue|AVENUE|Ave|AVE|Road|ROAD|Rd|RD|Boulevard|Blvd|BLVD|Lane|LANE|Ln|LN
        |Drive|DRIVE|Court|COURT|Ct|Way|WAY|Place|PLACE|Pl|Terrace|TERRACE|Circle|CIRCLE|Cir
        |Highway|HIGHWAY|Hwy|HWY|Parkway|PARKWAY|Pkwy|PKWY)\b\.?
      | (?:Dr|St)\b(?!\.?[ \t]+(?!Apt|Suite|Ste|Unit)[A-Z][a-z]) \.? )
    (?:,?[ \t]*(?:(?:Apt|Apartment|Suite|Ste|Unit|Rm|Room)\b\.?[ \t]*\#?|\#)[ \t]*[A-Za-z0-9-]{1,6}\b)?
  | (?i:\bP\.?[ \t]?O\.?[ \t]*Box|\bpost[ \t]+office[ \t]+box)[ \t]*\#?[ \t]*\d{1,6}\b""", re.X)

# First three digits of the ZIP codes of each state, so "Head, CT 70450" (a CPT code) is not a ZIP.
_ZIP3 = {st: [tuple(int(n) for n in r.split("-")) if "-" in r else (int(r), int(r)) for r in rs.split(",")]
         for st, rs in (x.split(":") for x in """AL:350-369 AK:995-999 AZ:850-865 AR:716-729,755 CA:900-961
    CO:800-816 CT:060-069 DE:197-199 DC:200-205,569 FL:320-349 GA:300-319,398-399 HI:967-968 ID:832-838
    IL:600-629 IN:460-479 IA:500-528 KS:660-679 KY:400-427 LA:700-714 ME:039-049 MD:206-219
    MA:010-027,055 MI:480-499 MN:550-567 MS:386-397 MO:630-658 MT:590-599 NE:680-693 NV:889-898
    NH:030-038 NJ:070-089 NM:870-884 NY:005,063,100-149 NC:270-289 ND:580-588 OH:430-459 OK:730-749
    OR:970-979 PA:150-196 RI:028-029 SC:290-299 SD:570-577 TN:370-385 TX:733,750-799,885 UT:840-847
    VT:050-059 VA:201,220-246 WA:980-994 WV:247-268 WI:530-549 WY:820-831 PR:006-009 VI:008
    GU:969 AS:967 MP:969""".split())}
_ZIP = re.compile(rf"""(?<![\w'-]) (?:[A-Z][A-Za-z.'-]+[ \t]){{0,2}}[A-Z][A-Za-z.'-]+,[ \t]*
    (?P<st>{"|".join(_ZIP3)})[ \t]+(?P<zip>\d{{5}})(?:-\d{{4}})?(?![\w-])""", re.X)

# Capitalised words of coding talk that are never a name; a name stops at one of them.
_STOP = """Patient Patients Pt Name Date Birth Born Service Services Seen Admitted Admission Discharge Visit
    Visits Office Hospital Emergency Department Dept Clinic Center Room Unit Floor Inpatient Outpatient
    Observation Medicare Medicaid Tricare Advantage Part Plan Payer Payor Insurance Blue Cross Shield Aetna
    Cigna Humana Anthem United Type Diabetes Mellitus Left Right Bilateral Upper Lower Knee Hip Shoulder Total
    Arthroplasty Chronic Acute Initial Subsequent Sequela Encounter New Established Male Female Adult Child
    Newborn Infant CPT ICD HCPCS PCS DRG MS NCCI MUE LCD NCD NPI RVU RVUs Care Health Healthcare Medical
    Medicine Surgery Surgical Therapy Physical Occupational Speech Home Nursing Facility Skilled Urgent Critical
    General Internal Family Primary Lab Laboratory Radiology Cardiology Orthopedics Anesthesia Rehab Group
    Associates Solutions Commercial Community Regional Memorial University Saint North South East West Wound
    Follow Up Global Period Chapter Section Repair Release Removal Excision Injection Biopsy Closed Open
    Reduction Fixation Cuff Tunnel Joint Spine Hand Foot Arm Leg Head Neck Chest Back Eye Ear Heart Kidney Liver
    Lung Skin Bone Disease Disorder Syndrome Stage Grade Level Treatment Management Assessment Exam Evaluation
    Review Report Modifier Modifiers Code Codes Coding Coder Units Unit Claim Claims Denial Billing Fee Schedule
    DOB DOS MRN SSN Doctor Dr Mr Mrs Ms Miss Nurse Provider Physician Surgeon Surgery Procedure Monday Tuesday
    Wednesday Thursday Friday Saturday Sunday Today Yesterday Tomorrow The This That These Those Our Your His
    Her Their And But For From With Without Per Please Thanks Thank Also After Before During When What Which Who
    How Why Is Are Was Were Can Could Should Would Does Did Do We They She He It In On At By To Of Or If Not No
    Yes Same""".split()
# Word endings of procedures and diagnoses ("Carpal Tunnel Release", "Subacromial Decompression").
_CLINICAL_END = ("tion|sion|ectomy|otomy|ostomy|plasty|scopy|itis|osis|algia|emia|ology|graphy|gram|pathy"
                 "|ure|ous|ial|ator|ism")
# A month stops a name only before a day number, so "June Carter" stays a name.
_STOP_RE = rf"(?:(?i:{'|'.join(_STOP)})\b|[A-Z][a-z]*(?:{_CLINICAL_END})\b|{_MONTH}\b\.?\s*\d)"
_WORD = rf"(?<![\w'])(?!{_STOP_RE})(?:O'|Mc|Mac|D')?[A-Z][a-z]+(?:-[A-Z][a-z]+|'[A-Z]?[a-z]+)?(?:'s)?(?![\w'-])"
_TOKEN = rf"(?:{_WORD}|(?<![\w'.])[A-Z]\.(?!\w))"
_CAPS = rf"(?<![\w'])(?!{_STOP_RE})[A-Z][A-Z'-]*[A-Z](?![\w'])"
_NAME = re.compile(rf"""
    (?: (?P<title>\b(?:Mr|Mrs|Ms|Miss|Dr))\.?[ \t]+
      | (?P<label>(?:\b(?i:patient|member|insured|subscriber)|\b[Pp]t\.?)[ \t]+(?i:name)
                 |(?:^|(?<=\n))[ \t]*(?i:name)|\b(?i:patient)|\b[Pp]t\.?)[ \t]*(?P<colon>:)?[ \t]* )?
    (?P<name>{_WORD},[ \t]*{_TOKEN}(?:[ \t]+{_TOKEN})?          # Smith, John A.
      | {_CAPS},[ \t]*{_CAPS}(?:[ \t]+[A-Z]\.?(?!\w))?          # SMITH, JOHN
      | {_TOKEN}(?:[ \t]+{_TOKEN}){{0,3}})                      # John A. Smith""", re.X)


# A doctor or other clinician named beside a date of service is the provider, not the patient.
_CREDENTIAL = re.compile(r",?[ \t]*(?:MD|M\.D\.|DO|NP|PA-C|PA|RN|CRNA|DPM|DDS|PhD|FNP|APRN|CNM)\b")
_ROLE = re.compile(r"(?i:\b(?:provider|physician|surgeon|attending|referring|rendering|doctor|by))[ \t]*:?[ \t]*$")


@dataclass(frozen=True)
class _Name:
    start: int
    end: int
    title: str  # "mr", "dr"... or ""
    label: str  # "patient name", "name", "pt"... or ""
    colon: bool
    words: int
    clinician: bool

    @property
    def introduced(self):
        """Two words or more, or one after a title or "patient"/"pt" ("pt Smith")."""
        return self.words > 1 or bool(self.title or self.label)

    @property
    def labelled(self):
        if self.title in ("mr", "mrs", "ms", "miss") or self.label.endswith(" name"):
            return True
        # A line starting "Name Brand Humira" is not a name; "Patient: Established" is one word.
        return self.colon and (self.label == "name" or (bool(self.label) and self.words > 1))

    def near(self, spans, reach):
        return any(0 <= start - self.end <= reach or 0 <= self.start - end <= reach for start, end in spans)


def _names(text):
    for m in _NAME.finditer(text):
        words = m["name"].replace(",", " ").split()
        if any(len(w.rstrip(".")) > 1 for w in words):  # not initials only
            title = (m["title"] or "").lower()
            clinician = (title == "dr" or bool(_CREDENTIAL.match(text, m.end()))
                         or bool(_ROLE.search(text, max(0, m.start() - 20), m.start())))
            yield _Name(m.start("name"), m.end("name"), title, " ".join((m["label"] or "").lower().split()),
                        bool(m["colon"]), len(words), clinician)


_LINE_BREAKS = {"\u2028", "\u2029", "\x85"}
_HYPHENS = {"\u2212", "\ufe63", "\uff0d"}  # minus signs (Sm) read as hyphens too


def _folded_char(ch):
    if ch in "\n\r":
        return ch
    if ch in _LINE_BREAKS:
        return "\n"
    category = unicodedata.category(ch)
    if category == "Cf":  # zero-width space and joiners, soft hyphen, BOM: invisible
        return ""
    if category == "Zs" or ch == "\t" or ch in "\x0b\x0c":
        return " "
    if category == "Pd" or ch in _HYPHENS:
        return "-"
    return unicodedata.normalize("NFKC", ch)


def fold(text):
    """(text as a reader sees it, for each of its characters the index in text it came from)."""
    folded, origin = [], []
    for index, ch in enumerate(text):
        for out in _folded_char(ch) if ord(ch) > 126 or ch in "\t\x0b\x0c" else ch:
            folded.append(out)
            origin.append(index)
    return "".join(folded), origin


def find(text: str) -> list[Finding]:
    """Likely PHI in text, sorted by start, overlapping matches merged (the wider one wins); read
    through fold(), with positions in text as given."""
    folded, origin = fold(text)
    if len(folded) == len(text) and folded == text:
        return _find(text)
    return _merge([Finding(f.kind, origin[f.start], origin[f.end - 1] + 1) for f in _find(folded) if f.end > f.start])


def _find(text):
    found = []
    for kind, pattern in (("ssn", _SSN), ("mrn", _MRN), ("phone", _PHONE), ("email", _EMAIL),
                          ("address", _ADDRESS)):
        for m in pattern.finditer(text):
            v = "v" if "v" in pattern.groupindex and m["v"] else 0  # the value after a label
            found.append(Finding(kind, m.start(v), m.end(v)))
    found += [Finding("zip", m.start(), m.end()) for m in _ZIP.finditer(text)
              if any(lo <= int(m["zip"][:3]) <= hi for lo, hi in _ZIP3[m["st"]])]
    dobs = list(_DOB.finditer(text))
    found += [Finding("dob", m.start("v"), m.end("v")) for m in dobs]
    dos = [m.span() for m in _DOS.finditer(text)]
    for n in _names(text):
        if n.introduced and n.near([m.span() for m in dobs], 40):
            found.append(Finding("name_dob", n.start, n.end))
        if n.introduced and not n.clinician and n.near(dos, 60):
            found.append(Finding("dos_name", n.start, n.end))
        if n.labelled:
            found.append(Finding("name", n.start, n.end))
    return _merge(found)


def _merge(found):
    order = list(KINDS)
    merged = []
    for f in sorted(found, key=lambda f: (f.start, f.start - f.end, order.index(f.kind))):
        if merged and f.start < merged[-1].end:
            last = merged[-1]
            wider = f if f.end - f.start > last.end - last.start else last
            merged[-1] = Finding(wider.kind, last.start, max(last.end, f.end))
        else:
            merged.append(f)
    return merged


def mask(text: str, findings: list[Finding] | None = None) -> str:
    """text with each finding replaced by "[<label> removed]", e.g. "[Social Security number removed]"."""
    findings = find(text) if findings is None else _merge(findings)
    for f in reversed(findings):
        text = f"{text[:f.start]}[{f.label} removed]{text[f.end:]}"
    return text


def summary(findings) -> list[str]:
    """One line per kind found, in KINDS order: "Social Security number (2)"."""
    counts = Counter(f.kind for f in findings)
    return [f"{label} ({counts[kind]})" for kind, label in KINDS.items() if kind in counts]
