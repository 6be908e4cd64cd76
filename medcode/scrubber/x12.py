"""Read X12 837P professional claims (005010X222A1) into scrubber Claims.

    read_837p(data, name, max_bytes=DEFAULT_MAX_BYTES) -> Iterator[Claim]
        A generator: nothing is read, and nothing raised, until the first claim is asked for.
    Reader(data, name, max_bytes=DEFAULT_MAX_BYTES)
        The same with the file's warnings: checks the ISA when made, yields the claims when
        iterated (once), and lists in `reader.warnings` (str) what is wrong with the envelope.

Three kinds of trouble, each message naming the segment ID and its 1-based position:
- BatchError, the file cannot be read as 837P: over max_bytes, empty, not X12, an ISA that is
  not 106 fixed-width characters, not 5010, a group or transaction set that is not 837P
  005010X222A1 (an 837I, a 270), a segment outside a transaction set, an empty segment
  mid-file. Claims yielded before it stand; the caller decides whether the batch does.
- Warnings, every claim still read: SE, GE or IEA counts and control numbers that disagree,
  missing trailers, bytes after the last segment terminator.
- Claim.problems, the claim yielded all the same and the next one read as usual: its units,
  a pointer past its diagnoses, over 12 diagnoses or 50 lines, a malformed code or date.

pyx12's RawX12File and not its X12Reader: X12Reader builds a Segment/Composite/Element object
graph per segment, about 2,500 ten-line claims/s before any claim is assembled. RawX12File, the
tokenizer under it (ISA delimiters, segment splitting), runs ~18,000/s; the SE01, GE01, IEA01
count and control number checks X12Reader makes are made here (the tests compare the two).
"""

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from pyx12.errors import X12Error
from pyx12.rawx12file import ISA_LEN, RawX12File

from .claim import MAX_DIAGNOSES, MAX_LINES, BatchError, Claim, ServiceLine

VERSION = "005010X222A1"  # 837P health care claim: professional, with its errata
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
# Named in the error so that whoever sent the wrong kind of file sees which kind it was.
OTHER_VERSIONS = {
    "005010X223A2": "837I institutional claim",
    "005010X224A2": "837D dental claim",
    "005010X279A1": "270/271 eligibility inquiry",
    "005010X221A1": "835 remittance advice",
    "005010X222": "837P before its errata (A1)",
}
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)  # ISA01..ISA16, fixed width
ENVELOPE = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})
ENDS_CLAIM = ENVELOPE | {"HL", "CLM"}
CLAIM_SEGMENTS = frozenset({"HI", "LX", "SV1"})
CLAIM_DATES = frozenset({"431", "434", "472"})  # onset of illness, statement, service
PADDING = [""] * 8  # so that a short segment unpacks into its first elements
LEADING_BLANKS = re.compile(rb"(?:\xef\xbb\xbf)?\s*")  # a UTF-8 byte order mark, blank lines

procedure_code = re.compile(r"[A-Z0-9]{5}").fullmatch
modifier_code = re.compile(r"[A-Z0-9]{2}").fullmatch
diagnosis_code = re.compile(r"[A-Z][0-9][0-9A-Z]{1,5}").fullmatch  # ICD-10-CM: 3 to 7, no dot


def read_837p(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Claim]:
    """The claims of an 837P file; Reader gives its envelope warnings too."""
    yield from Reader(data, name, max_bytes)


@dataclass
class Person:
    """A subscriber's (2010BA) or patient's (2010CA) DMG."""

    position: int
    birth: date | None = None
    sex: str | None = None
    problems: list[str] = field(default_factory=list)


def day_from(text):
    """CCYYMMDD as a date, or ValueError with a message fit for a problem."""
    if len(text) == 8 and text.isascii() and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a CCYYMMDD date")


def first_day(form, text):
    """The day a D8 date names, or the first of an RD8 range."""
    if form == "D8":
        return day_from(text)
    if form == "RD8":
        start, _, end = text.partition("-")
        first, last = day_from(start), day_from(end)
        if last < first:
            raise ValueError(f"range {text!r} ends before it starts")
        return first
    raise ValueError(f"date format {form!r} is not D8 or RD8")


def describe(version):
    known = OTHER_VERSIONS.get(version)
    return f"version {version!r}" + (f" ({known})" if known else "")


def whole_number(text):
    """A quantity as an int (X12 writes decimals: "2", "2.0"), or None."""
    if text.isascii() and text.isdigit():
        return int(text)
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


class Reader:
    """One 837P file: iterate it once for its claims, then read its `warnings`."""

    def __init__(self, data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES):
        self.name = name
        self.warnings: list[str] = []
        self.started = False
        if len(data) > max_bytes:
            raise BatchError(f"{name}: {len(data):,} bytes, over the limit of {max_bytes:,}")
        self.data, self.start = data, LEADING_BLANKS.match(data).end()
        if self.start == len(data):
            raise BatchError(f"{name}: empty file, no ISA segment at byte 0")
        self.cursor = (1, self.start)  # the segment number and byte offset offset() found last
        isa = data[self.start : self.start + ISA_LEN].decode("latin-1")
        if isa.startswith("ISA") and len(isa) == ISA_LEN:
            self.check_isa(isa)  # first: RawX12File's checks give vaguer reasons
        # Decoded as it is read: io.StringIO would hold the whole text at 4 bytes a character.
        # latin-1 maps each byte to one character, so nothing fails to decode (names may hold
        # any byte) and a character's place is its byte offset; newline="" leaves CR LF as is.
        source = io.BytesIO(data)
        source.seek(self.start)
        self.stream = io.TextIOWrapper(source, encoding="latin-1", newline="")
        try:
            self.raw = RawX12File(self.stream)
        except X12Error as error:
            raise self.fail("ISA", 1, f"not an X12 5010 interchange: {error}") from None
        self.component = self.raw.subele_term
        self.claim: Claim | None = None
        self.line: ServiceLine | None = None
        self.line_positions: list[list[int]] = []  # per line kept: [LX position, SV1 position or 0]
        self.claim_count = self.lines_seen = self.clm_position = 0
        self.person: Person | None = None  # whose DMG the current claim's age and sex come from
        self.level = ""  # HL03 of the current hierarchical level: 20, 22 subscriber, 23 patient
        self.subscriber: Person | None = None
        self.patient: Person | None = None
        self.isa_control = self.gs_control = self.st_control = None  # None: that envelope is closed
        self.groups = self.transaction_sets = self.st_segments = self.transactions_read = 0

    def offset(self, position):
        """The byte offset of the segment at this position. Found only when a message needs it,
        scanning on from the last one found, as messages come in file order."""
        if position <= 1:
            return self.start
        number, offset = self.cursor if position >= self.cursor[0] else (1, self.start)
        terminator = self.raw.seg_term.encode("latin-1")
        while number < position:
            end = self.data.find(terminator, offset)
            if end < 0:
                break
            offset = end + 1
            while self.data[offset : offset + 1] in (b"\r", b"\n"):  # as RawX12File skips them
                offset += 1
            number += 1
        self.cursor = (number, offset)
        return offset

    def where(self, seg_id, position):
        return f"{seg_id} at segment {position} (byte {self.offset(position)})"

    def warn(self, seg_id, position, message):
        self.warnings.append(f"{self.where(seg_id, position)}: {message}")

    def fail(self, seg_id, position, message):
        return BatchError(f"{self.name}: {self.where(seg_id, position)}: {message}")

    def check_isa(self, isa):
        """Separators, field widths and version, where RawX12File too will find them."""
        separators = (isa[3], isa[-2], isa[-1])  # element, component (ISA16), segment
        if len(set(separators)) < 3 or any(char.isalnum() or char == " " for char in separators):
            raise self.fail("ISA", 1, f"element, component and segment separators {separators} are not three "
                                      "distinct punctuation marks: is the ISA 106 characters long?")  # fmt: skip
        fields = isa[:-1].split(isa[3])
        if len(fields) != 17:
            raise self.fail("ISA", 1, f"{len(fields) - 1} elements, an ISA has 16")
        for number, (value, width) in enumerate(zip(fields[1:], ISA_WIDTHS), 1):
            if len(value) != width:
                raise self.fail("ISA", 1, f"ISA{number:02d} is {len(value)} characters, not {width}")
        if fields[12] != "00501":
            raise self.fail("ISA", 1, f"version {fields[12]} (ISA12) is not 00501: 837P {VERSION} is 5010")

    def __iter__(self) -> Iterator[Claim]:
        handlers = {"LX": self.lx, "SV1": self.sv1, "DTP": self.dtp, "CLM": self.clm,
                    "HI": self.hi, "HL": self.hl, "DMG": self.dmg}  # fmt: skip
        if self.started:
            raise RuntimeError(f"{self.name} was read already: a Reader reads its file once")
        self.started, separator, position = True, self.raw.ele_term, 0
        for segment in self.raw:
            position += 1
            fields = segment.split(separator)
            seg_id = fields[0]
            if seg_id in ENDS_CLAIM:
                if self.claim is not None:
                    yield self.finish()
                if seg_id in ENVELOPE:
                    self.envelope(seg_id, fields + PADDING, position)
                    continue
            if self.st_control is None:
                raise self.fail(seg_id, position, "outside a transaction set (no ST before it)")
            self.st_segments += 1
            handler = handlers.get(seg_id)
            if handler is None:
                continue
            if self.claim is None and seg_id in CLAIM_SEGMENTS:
                self.warn(seg_id, position, "outside any claim (no CLM before it); ignored")
            else:
                handler(fields, position)
        yield from self.end_of_file(position)

    def end_of_file(self, position):
        # RawX12File stops without a word at an empty segment, and at bytes with no terminator.
        unread = self.raw.buffer + self.stream.read()
        if unread.strip():
            at = f"after segment {position}: the {len(unread):,} bytes from byte {len(self.data) - len(unread)}"
            if self.raw.seg_term in unread:
                raise BatchError(f"{self.name}: an empty segment {at} on cannot be read")
            self.warnings.append(f"{at} on have no segment terminator: not read")
        if self.claim is not None:
            if unread.strip() or self.st_control is not None:
                self.claim.problems.append(f"the file ends inside this claim, after segment {position}")
            yield self.finish()
        for seg_id, control in (("SE", self.st_control), ("GE", self.gs_control), ("IEA", self.isa_control)):
            if control is not None:
                self.warnings.append(f"end of file after segment {position}: no {seg_id} closes {control!r}")
        if not self.transactions_read:
            raise BatchError(f"{self.name}: no 837P transaction set (ST) in the file")

    def envelope(self, seg_id, fields, position):
        def compare(label, written, expected, what):
            if written != str(expected):
                self.warn(seg_id, position, f"{label} {written!r}, but {what} {expected!r}")

        if seg_id == "ST":
            self.close("ST", position, group=False)
            if fields[1] != "837":
                raise self.fail("ST", position, f"transaction set {fields[1]!r} (ST01) is not 837")
            if fields[3] != VERSION and (fields[3] or self.gs_control is None):  # else GS08 said it
                raise self.fail("ST", position, f"{describe(fields[3])} (ST03), not {VERSION}")
            if self.gs_control is None:
                self.warn("ST", position, "outside a functional group (no GS before it)")
            self.st_control, self.st_segments = fields[2], 1
            self.transaction_sets += 1
            self.transactions_read += 1
            self.level, self.subscriber, self.patient = "", None, None
        elif seg_id == "SE":
            if self.st_control is None:
                self.warn("SE", position, "no ST opened this transaction set")
                return
            compare("SE01", fields[1], self.st_segments + 1, "the segments from ST to SE are")
            compare("SE02", fields[2], self.st_control, "ST02 is")
            self.st_control = None
        elif seg_id == "GS":
            if fields[1] != "HC":
                raise self.fail("GS", position, f"functional group {fields[1]!r} (GS01) is not HC (claims)")
            if fields[8] != VERSION:
                raise self.fail("GS", position, f"{describe(fields[8])} (GS08), not {VERSION}")
            self.close("GS", position)
            self.gs_control, self.transaction_sets = fields[6], 0
            self.groups += 1
        elif seg_id == "GE":
            self.close("GE", position, group=False)
            compare("GE01", fields[1], self.transaction_sets, "the transaction sets in the group are")
            compare("GE02", fields[2], self.gs_control, "GS06 is")
            self.gs_control = None
        elif seg_id == "ISA":
            self.close("ISA", position)
            if fields[12] != "00501":
                raise self.fail("ISA", position, f"version {fields[12]!r} (ISA12) is not 00501")
            if self.isa_control is not None:
                self.warn("ISA", position, f"no IEA closed interchange {self.isa_control!r}")
            self.isa_control, self.groups = fields[13], 0
        else:  # IEA
            self.close("IEA", position)
            compare("IEA01", fields[1], self.groups, "the functional groups in the interchange are")
            compare("IEA02", fields[2], self.isa_control, "ISA13 is")
            self.isa_control = None

    def close(self, seg_id, position, group=True):
        """Warn of a transaction set (and functional group) this segment finds still open."""
        if self.st_control is not None:
            self.warn(seg_id, position, f"no SE closed transaction set {self.st_control!r}")
            self.st_control = None
        if group and self.gs_control is not None:
            self.warn(seg_id, position, f"no GE closed functional group {self.gs_control!r}")
            self.gs_control = None

    # Loops 2000B and 2000C: whose birth date and sex the claims under them carry.

    def hl(self, fields, position):
        self.level = fields[3] if len(fields) > 3 else ""
        if self.level != "23":  # a new subscriber (or billing provider): the people before are done
            self.subscriber = None
        self.patient = None

    def dmg(self, fields, position):
        # Only the subscriber's and the patient's DMG, which come before their claims.
        if self.claim is not None or self.level not in ("22", "23"):
            return
        _, form, born, sex, *_ = fields + PADDING
        person = Person(position, sex=sex if sex in ("F", "M") else None)
        if born:
            try:
                if form != "D8":
                    raise ValueError(f"date format {form!r} (DMG01) is not D8")
                person.birth = day_from(born)
            except ValueError as error:
                person.problems.append(f"DMG at segment {position}: birth date: {error}")
        if sex not in ("F", "M", "U", ""):
            person.problems.append(f"DMG at segment {position}: sex (DMG03) {sex!r} is not F, M or U")
        if self.level == "22":
            self.subscriber = person
        else:
            self.patient = person

    # Loop 2300, the claim, and its 2400 service lines.

    def clm(self, fields, position):
        _, claim_id, _, _, _, facility, *_ = fields + PADDING
        self.claim_count += 1
        claim = Claim(claim_id=claim_id, source=f"{self.name} claim {self.claim_count} (segment {position})")
        if not claim_id:
            claim.problems.append(f"CLM at segment {position}: no claim identifier (CLM01)")
        place = facility.partition(self.component)[0]
        if len(place) == 2 and place.isascii() and place.isdigit():
            claim.place_of_service = place
        else:
            claim.problems.append(f"CLM at segment {position}: place of service (CLM05-1) {place!r} is not 2 digits")
        # A patient loop means the patient is not the subscriber, whose age and sex are then
        # someone else's: they never stand in for a missing patient DMG.
        self.person = {"22": self.subscriber, "23": self.patient}.get(self.level)
        if self.person is not None:
            claim.sex = self.person.sex
            claim.problems.extend(self.person.problems)
        self.claim, self.line, self.line_positions = claim, None, []
        self.lines_seen, self.clm_position = 0, position

    def hi(self, fields, position):
        claim, where = self.claim, f"HI at segment {position}"
        for composite in fields[1:]:
            qualifier, _, rest = composite.partition(self.component)
            if qualifier not in ("ABK", "ABF", "BK", "BF"):
                continue  # condition, occurrence, value codes; anesthesia procedures
            code = rest.partition(self.component)[0].upper().replace(".", "")
            if qualifier in ("BK", "BF"):
                claim.problems.append(f"{where}: {code!r} is an ICD-9-CM diagnosis ({qualifier}), not ICD-10-CM")
            elif qualifier == "ABK" and claim.diagnoses:
                claim.problems.append(f"{where}: a second principal diagnosis (ABK) {code!r}")
            elif qualifier == "ABF" and not claim.diagnoses:
                claim.problems.append(f"{where}: diagnosis {code!r} (ABF) before the principal one (ABK)")
            if len(claim.diagnoses) == MAX_DIAGNOSES:
                claim.problems.append(f"{where}: diagnosis {code!r} is past the {MAX_DIAGNOSES} a claim carries")
                return
            if not diagnosis_code(code):
                claim.problems.append(f"{where}: diagnosis {code!r} is not an ICD-10-CM code")
            claim.diagnoses.append(code)  # even when bad: SV107 pointers count positions

    def lx(self, fields, position):
        claim = self.claim
        self.lines_seen += 1
        self.line = None
        if self.lines_seen > MAX_LINES:
            if self.lines_seen == MAX_LINES + 1:
                claim.problems.append(f"LX at segment {position}: more than {MAX_LINES} service lines")
            return
        written = fields[1] if len(fields) > 1 else ""
        number = int(written) if written.isascii() and written.isdigit() else 0
        if number != self.lines_seen:
            claim.problems.append(f"LX at segment {position}: line number {written!r}, not {self.lines_seen}")
        self.line = ServiceLine(number=self.lines_seen, code="")
        claim.lines.append(self.line)
        self.line_positions.append([position, 0])

    def sv1(self, fields, position):
        line, claim = self.line, self.claim
        if line is None or self.line_positions[-1][1]:
            if line is not None or self.lines_seen <= MAX_LINES:  # not a line past MAX_LINES
                claim.problems.append(f"SV1 at segment {position}: no LX of its own before it")
            return
        self.line_positions[-1][1] = position
        _, procedure, charge, basis, quantity, _, _, pointers, *_ = fields + PADDING
        problems, where = claim.problems, f"SV1 at segment {position} (line {line.number})"
        qualifier, _, procedure = procedure.partition(self.component)
        code, *modifiers = procedure.upper().split(self.component)[:5]  # SV101-7 is a description
        if qualifier != "HC":
            problems.append(f"{where}: code qualifier (SV101-1) {qualifier!r} is not HC (CPT/HCPCS)")
        if not procedure_code(code):
            problems.append(f"{where}: procedure code (SV101-2) {code!r} is not 5 letters or digits")
        line.code, line.modifiers, line.charge = code, [modifier for modifier in modifiers if modifier], charge
        for modifier in line.modifiers:
            if not modifier_code(modifier):
                problems.append(f"{where}: modifier {modifier!r} is not 2 letters or digits")
        if basis != "UN":
            problems.append(f"{where}: unit basis (SV103) {basis!r} is not UN (units; minutes are not read)")
        units = whole_number(quantity)
        if units is None or units < 1:
            problems.append(f"{where}: units (SV104) {quantity!r} is not a whole number of 1 or more")
        else:
            line.units = units
        for pointer in pointers.split(self.component) if pointers else ():
            if pointer.isascii() and pointer.isdigit():
                line.pointers.append(int(pointer))
            else:
                problems.append(f"{where}: diagnosis pointer (SV107) {pointer!r} is not a number")
        if len(line.pointers) > 4:
            problems.append(f"{where}: {len(line.pointers)} diagnosis pointers (SV107), at most 4")

    def dtp(self, fields, position):
        _, qualifier, form, text, *_ = fields + PADDING
        claim, line = self.claim, self.line
        if claim is None or (qualifier != "472" if line else qualifier not in CLAIM_DATES):
            return  # dates the scrubber does not use: 2430 adjudication, 2300 accident, ...
        if line is None and self.lines_seen:
            return  # a line past MAX_LINES
        try:
            day = first_day(form, text)
        except ValueError as error:
            claim.problems.append(f"DTP at segment {position}: date {qualifier}: {error}")
            return
        if line is not None:
            line.day = day
        elif qualifier == "472":
            claim.day = day

    def finish(self):
        """The claim read so far, with what can only be checked once all of it has been read."""
        claim, self.claim, self.line = self.claim, None, None
        problems, count = claim.problems, len(claim.diagnoses)
        if not count:
            problems.append(f"CLM at segment {self.clm_position}: no diagnosis (HI with ABK)")
        if not claim.lines:
            problems.append(f"CLM at segment {self.clm_position}: no service line (LX, SV1)")
        for line, (lx_position, sv1_position) in zip(claim.lines, self.line_positions):
            if not sv1_position:
                problems.append(f"LX at segment {lx_position}: line {line.number} has no SV1")
            for pointer in line.pointers:
                if not 1 <= pointer <= count:
                    problems.append(f"SV1 at segment {sv1_position} (line {line.number}): diagnosis pointer "
                                    f"{pointer}, but the claim has {count} diagnoses")  # fmt: skip
            if line.day is None and claim.day is None:
                problems.append(f"LX at segment {lx_position}: line {line.number} has no date of service (DTP*472)")
        served = claim.day or next((line.day for line in claim.lines if line.day), None)
        birth = self.person.birth if self.person else None
        if birth and served:
            claim.age = served.year - birth.year - ((served.month, served.day) < (birth.month, birth.day))
            if claim.age < 0:
                problems.append(f"DMG at segment {self.person.position}: born {birth}, after the service on {served}")
                claim.age = None
        return claim
