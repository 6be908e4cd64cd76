"""What the 837P (x12.py) and 837I (x12i.py) readers share: the X12 5010 envelope and the
subscriber and patient loops (2000B, 2000C) whose DMG gives a claim's birth date and sex.

    Envelope837(data, name, max_bytes)
        Checks the ISA when made; iterated (once), it tokenizes the file with pyx12's RawX12File,
        checks ISA/GS/ST/SE/GE/IEA (versions, counts, control numbers), tracks HL levels and DMG,
        and hands every other segment of a transaction set to the subclass's handlers(), yielding
        whatever finish() makes of each claim.

A subclass names its transaction set (KIND, VERSION, OTHER_VERSIONS: the other versions it names
when refusing them), the segments that belong inside a claim (CLAIM_SEGMENTS: warned of and
ignored before any CLM), and provides handlers() (segment ID -> handler(fields, position),
including CLM) and finish(). While a claim is being read it is in self.claim, an object with a
`problems` list; self.claim is None between claims. HL, CLM and every envelope segment end the
claim in progress. Messages name the segment ID and its 1-based position; BatchErrors and
warnings add the byte offset, which is found only when a message needs it.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from pyx12.errors import X12Error
from pyx12.rawx12file import ISA_LEN, RawX12File

from .claim import BatchError

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)  # ISA01..ISA16, fixed width
ENVELOPE = frozenset({"ISA", "GS", "ST", "SE", "GE", "IEA"})
ENDS_CLAIM = ENVELOPE | {"HL", "CLM"}
PADDING = [""] * 8  # so that a short segment unpacks into its first elements
LEADING_BLANKS = re.compile(rb"(?:\xef\xbb\xbf)?\s*")  # a UTF-8 byte order mark, blank lines


@dataclass
class Person:
    """A subscriber's (2010BA) or patient's (2010CA) DMG."""

    position: int
    birth: date | None = None
    sex: str = ""  # DMG03 as written: F, M, U, "" or something else; each reader says what it means
    problems: list[str] = field(default_factory=list)  # the birth date's


def day_from(text):
    """CCYYMMDD as a date, or ValueError with a message fit for a problem."""
    if len(text) == 8 and text.isascii() and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a CCYYMMDD date")


def day_range(text):
    """An RD8 range CCYYMMDD-CCYYMMDD as (first, last), or ValueError."""
    start, _, end = text.partition("-")
    first, last = day_from(start), day_from(end)
    if last < first:
        raise ValueError(f"range {text!r} ends before it starts")
    return first, last


def first_day(form, text):
    """The day a D8 date names, or the first of an RD8 range."""
    if form == "D8":
        return day_from(text)
    if form == "RD8":
        return day_range(text)[0]
    raise ValueError(f"date format {form!r} is not D8 or RD8")


class Envelope837:
    """One 837 file's envelope; a subclass reads its claims (see the module docstring)."""

    KIND = ""  # "837P", "837I": named in messages
    VERSION = ""  # GS08 and ST03
    OTHER_VERSIONS: ClassVar[dict[str, str]] = {}
    CLAIM_SEGMENTS: frozenset[str] = frozenset()

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
        self.claim = None  # the claim being read, None between claims
        self.claim_count = 0
        self.level = ""  # HL03 of the current hierarchical level: 20, 22 subscriber, 23 patient
        self.subscriber: Person | None = None
        self.patient: Person | None = None
        self.isa_control = self.gs_control = self.st_control = None  # None: that envelope is closed
        self.groups = self.transaction_sets = self.st_segments = self.transactions_read = 0

    # What a subclass provides.

    def handlers(self):
        """Segment ID -> method(fields, position) for the segments the subclass reads."""
        raise NotImplementedError

    def finish(self):
        """The claim in self.claim, completed; sets self.claim to None."""
        raise NotImplementedError

    # Messages.

    def describe(self, version):
        known = self.OTHER_VERSIONS.get(version)
        return f"version {version!r}" + (f" ({known})" if known else "")

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

    # The envelope.

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
            raise self.fail("ISA", 1, f"version {fields[12]} (ISA12) is not 00501: {self.KIND} {self.VERSION} is 5010")

    def __iter__(self):
        if self.started:
            raise RuntimeError(f"{self.name} was read already: a {type(self).__name__} reads its file once")
        handlers = {"HL": self.hl, "DMG": self.dmg, **self.handlers()}
        claim_segments = self.CLAIM_SEGMENTS
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
            if self.claim is None and seg_id in claim_segments:
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
            raise BatchError(f"{self.name}: no {self.KIND} transaction set (ST) in the file")

    def envelope(self, seg_id, fields, position):
        def compare(label, written, expected, what):
            if written != str(expected):
                self.warn(seg_id, position, f"{label} {written!r}, but {what} {expected!r}")

        version = self.VERSION
        if seg_id == "ST":
            self.close("ST", position, group=False)
            if fields[1] != "837":
                raise self.fail("ST", position, f"transaction set {fields[1]!r} (ST01) is not 837")
            if fields[3] != version and (fields[3] or self.gs_control is None):  # else GS08 said it
                raise self.fail("ST", position, f"{self.describe(fields[3])} (ST03), not {version}")
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
            if fields[8] != version:
                raise self.fail("GS", position, f"{self.describe(fields[8])} (GS08), not {version}")
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
        person = Person(position, sex=sex)
        if born:
            try:
                if form != "D8":
                    raise ValueError(f"date format {form!r} (DMG01) is not D8")
                person.birth = day_from(born)
            except ValueError as error:
                person.problems.append(f"DMG at segment {position}: birth date: {error}")
        if self.level == "22":
            self.subscriber = person
        else:
            self.patient = person

    def claim_person(self):
        """Whose DMG the claim starting now carries. A patient loop means the patient is not the
        subscriber, whose age and sex are then someone else's: they never stand in for a missing
        patient DMG."""
        return {"22": self.subscriber, "23": self.patient}.get(self.level)
