"""Uploaded files (CaseConsultant attachments, CareerCenter résumés): decide by content what a file
is, refuse what medcode won't keep, and extract text so the PHI scanner can read it.

A file's name is only a hint from the sender: the kind comes from its bytes (sniff), and the kept
name gets the extension of that kind, so an expert never opens a program as if it were a PDF.
"""

import io
import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 3
MAX_TEXT = 200_000  # characters of extracted text kept
# Zip-bomb guards for DOCX, read when called (tests may lower them).
DOCX_MAX_XML = 20 * 1024 * 1024  # word/document.xml, uncompressed
DOCX_MAX_TOTAL = 100 * 1024 * 1024  # all members, uncompressed

KINDS = {"pdf": ("application/pdf", ".pdf"), "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
         "txt": ("text/plain", ".txt"), "png": ("image/png", ".png"), "jpeg": ("image/jpeg", ".jpg")}
LABELS = {"pdf": "a PDF", "docx": "a Word document", "txt": "a text file", "png": "a PNG image", "jpeg": "a JPEG image"}
ALLOWED = "a PDF, DOCX, TXT, PNG or JPEG file"
SAME_EXTENSIONS = {".jpeg": "jpeg", ".jpe": "jpeg"}  # also right for their kind: no rename

# Signatures of formats medcode refuses ("what: advice"); such a file is never taken as text.
FOREIGN = [
    (b"\x7fELF", "a Linux program"), (b"\xcf\xfa\xed\xfe", "a macOS program"), (b"\xca\xfe\xba\xbe", "a program"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word (.doc) or Office file: save it as .docx or PDF"),
    (b"PK\x03\x04", "a ZIP archive"), (b"PK\x05\x06", "a ZIP archive"), (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"), (b"\x1f\x8b", "a gzip archive"),
    (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"), (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
    (b"{\\rtf", "an RTF document: save it as .docx or PDF"), (b"\x89PNG", "a damaged PNG image"),
]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PDF_ACTIONS = re.compile(rb"/(?:JavaScript|JS|Launch)(?![A-Za-z0-9])")
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # control characters other than \t \n \f \r
TEXT_PARTS = re.compile(r"word/(header\d*|footer\d*|footnotes|endnotes|comments)\.xml")


class Rejected(ValueError):
    """A file medcode will not keep; str(error) is a sentence for the sender naming the file and the reason."""


@dataclass(frozen=True)
class Checked:
    filename: str  # safe display name, extension matching the real kind
    kind: str  # key of KINDS
    content_type: str
    size: int
    text: str  # extracted text ("" for images: no OCR)
    note: str  # "" or a sentence about a renamed file
    data: bytes


def clean_filename(name: str) -> str:
    """Basename of a / or \\ path, without control or format characters (a right-to-left override can
    disguise "gpj.exe"), leading dots (hidden files) or runs of whitespace."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" or ch in "\t\n\r")
    name = " ".join(name.split()).lstrip(". ").rstrip(". ")  # trailing dots vanish on Windows anyway
    return name or "attachment"


def _foreign(data: bytes) -> str | None:
    """What a refused file seems to be, from its signature."""
    # "MZ" alone starts plenty of text ("MZ seen today"); a Windows program's DOS header is full of NULs.
    if data.startswith(b"MZ") and b"\x00" in data[:64]:
        return "a Windows program"
    if data[4:8] == b"ftyp":  # ISO media: iPhone photos (HEIC) and videos
        return "a HEIC photo: save it as JPEG" if data[8:12] in (b"heic", b"heix", b"mif1") else "a video file"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "a WebP image"
    return next((label for magic, label in FOREIGN if data.startswith(magic)), None)


def _decode_text(data: bytes) -> str | None:
    """The text of a plain-text file, or None when it looks binary."""
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # the usual Windows export; its 5 undefined bytes fail here
        except UnicodeDecodeError:
            return None
    return None if len(CONTROLS.findall(text)) > len(text) / 100 else text


def _zip_names(data: bytes) -> set[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return set(z.namelist())
    except Exception:  # a probe: any failure means "not a readable ZIP"
        return None


def sniff(data: bytes) -> str | None:
    """The kind by content (magic bytes / structure), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":  # IHDR must be the first chunk
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        return "docx" if names and {"[Content_Types].xml", "word/document.xml"} <= names else None
    if _foreign(data):
        return None
    # Readers accept up to 1024 bytes of junk before the header; a text file merely quoting "%PDF-" is text.
    if data.startswith(b"%PDF-") or (b"%PDF-" in data[:1024] and _decode_text(data) is None):
        return "pdf"
    return "txt" if data and _decode_text(data) is not None else None


def _pdf_text(name: str, data: bytes) -> str:
    from pypdf import PdfReader  # imported when needed: few requests read a PDF
    from pypdf.errors import DependencyError  # (as above)

    scripts = Rejected(f"{name} contains scripts or program launches, which medcode does not accept.")
    if PDF_ACTIONS.search(data):
        raise scripts
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Rejected(f"{name} is password-protected: save a copy without a password and send it again.")
        # Names can be #-escaped, and dictionaries hidden in compressed object streams, out of the raw search's reach.
        if _pdf_has_actions(reader.trailer):
            raise scripts
        parts, length = [], 0
        for page in reader.pages:
            parts.append(page.extract_text() or "")
            length += len(parts[-1]) + 1
            if length >= MAX_TEXT:
                break
        if not parts:
            raise ValueError("a PDF without pages")
    except Rejected:
        raise
    except DependencyError:  # AES encryption, even without a password, needs the optional cryptography package
        raise Rejected(f"{name} is encrypted: save a copy without a password or restrictions and send it again.") from None
    except Exception:  # pypdf raises many kinds on broken files; all mean the same to the sender
        raise Rejected(f"{name} could not be read as a PDF: it may be damaged or incomplete.") from None
    return "\n".join(parts)[:MAX_TEXT]


def _pdf_has_actions(trailer, limit: int = 50_000) -> bool:
    """Walk the object graph (bounded) for JavaScript or Launch, as names or dictionary keys."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject  # only for PDFs, as above

    stack, seen, bad = [trailer], set(), ("/JavaScript", "/JS", "/Launch")
    while stack and len(seen) < limit:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, NameObject) and obj in bad:
            return True
        if isinstance(obj, DictionaryObject):
            if any(key in bad for key in obj):
                return True
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False


def _docx_text(name: str, data: bytes) -> str:
    unreadable = Rejected(f"{name} could not be read as a Word document: save it again as .docx or PDF.")
    bomb = Rejected(f"{name} expands to far more data than a Word document holds, so medcode does not accept it.")
    sources = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            if len({i.filename for i in infos}) != len(infos):  # duplicates: Word and we might read different ones
                raise unreadable
            with z.open("[Content_Types].xml") as f:
                macro_type = b"macroenabled" in f.read(1024 * 1024).lower()
            if macro_type or any(i.filename.lower().endswith("vbaproject.bin") for i in infos):
                raise Rejected(f"{name} contains macros: save it as a plain Word Document (.docx) or PDF and send it again.")
            if sum(i.file_size for i in infos) > DOCX_MAX_TOTAL:
                raise bomb
            # Headers and footers often carry the patient's name and record number: the scanner reads them too.
            parts = ["word/document.xml"] + sorted(i.filename for i in infos if TEXT_PARTS.fullmatch(i.filename))
            for part in parts:
                if z.getinfo(part).file_size > DOCX_MAX_XML:
                    raise bomb
                with z.open(part) as f:  # bounded read, whatever size the archive declares
                    xml = f.read(DOCX_MAX_XML + 1)
                if len(xml) > DOCX_MAX_XML:
                    raise bomb
                sources.append(xml.decode("utf-8-sig"))  # Word writes UTF-8; decoding here makes the check below exact
    except Rejected:
        raise
    except Exception:
        raise unreadable from None
    if any("<!DOCTYPE" in s or "<!ENTITY" in s for s in sources):  # Word never writes them; entity bombs do
        raise Rejected(f"{name} contains XML declarations Word never writes, so medcode does not accept it.")
    try:
        text = "\n".join(filter(None, map(_wordml_text, sources)))
    except ET.ParseError:
        raise unreadable from None
    return text[:MAX_TEXT]


def _wordml_text(source: str) -> str:
    """Paragraphs (w:p) as lines of their w:t text, w:tab as a tab."""
    out: list[str] = []
    parser = ET.XMLPullParser(events=("end",))  # fed a str, so a declared encoding cannot change what is parsed
    parser.feed(source)
    parser.close()
    for _event, element in parser.read_events():  # end events: a run's text comes before its paragraph's end
        if element.tag == W + "t":
            out.append(element.text or "")
        elif element.tag == W + "tab":
            out.append("\t")
        elif element.tag in (W + "br", W + "cr", W + "p"):
            out.append("\n")
            element.clear()
    return "".join(out).strip("\n")


def _named(name: str, kind: str) -> tuple[str, str]:
    """(kept filename, note): the real kind's extension replaces a wrong one, or is added when missing."""
    extension = KINDS[kind][1]
    stem, dot, current = name.rpartition(".")
    wrong = False
    if stem and ("." + current.lower() == extension or SAME_EXTENSIONS.get("." + current.lower()) == kind):
        extension = name[len(stem):]  # right already: keep the sender's spelling (".JPEG")
    elif stem and re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,4}", current):
        wrong = True
    else:  # no extension ("scan", "Dr. Smith letter", "notes.2024"): add one
        stem = name
    kept = (stem[: 120 - len(extension)].rstrip(". ") or "attachment") + extension
    return kept, (f"{name} is {LABELS[kind]}: kept as {kept}." if wrong else "")


def check(filename: str, data: bytes, *, max_bytes: int = MAX_BYTES) -> Checked:
    """Accept or raise Rejected with a clear reason."""
    name = clean_filename(filename)
    if not data:
        raise Rejected(f"{name} is empty.")
    if len(data) > max_bytes:
        limit = f"{max_bytes / 2**20:g} MB" if max_bytes >= 2**20 else f"{max_bytes:,} bytes"  # bytes: test limits
        raise Rejected(f"{name} is larger than the {limit} limit for an attachment.")
    kind = sniff(data)
    if kind is None:
        names = _zip_names(data) or set() if data.startswith(b"PK") else set()
        seems = _foreign(data) or ""
        if any(n.startswith("xl/") for n in names):
            seems = "an Excel workbook"
        elif any(n.startswith("ppt/") for n in names):
            seems = "a PowerPoint presentation"
        what, _, advice = seems.partition(": ")
        if what:
            raise Rejected(f"{name} is {what}, not {ALLOWED}" + (f": {advice} and send it again." if advice else "."))
        raise Rejected(f"{name} is not {ALLOWED}, so medcode cannot keep it.")
    if kind == "pdf":
        text = _pdf_text(name, data)
    elif kind == "docx":
        text = _docx_text(name, data)
    else:
        text = (_decode_text(data) or "")[:MAX_TEXT] if kind == "txt" else ""  # images are not read: no OCR
    kept, note = _named(name, kind)
    return Checked(kept, kind, KINDS[kind][0], len(data), text, note, data)


def check_all(
    files: list[tuple[str, bytes]], *, max_files: int = MAX_FILES, max_bytes: int = MAX_BYTES
) -> tuple[list[Checked], list[str]]:
    """(accepted, problems): every file checked; problems are Rejected messages, plus one for each file
    beyond max_files. Never raises for a bad file."""
    accepted: list[Checked] = []
    problems: list[str] = []
    for filename, data in files:
        try:
            checked = check(filename, data, max_bytes=max_bytes)
        except Rejected as error:
            problems.append(str(error))
            continue
        if len(accepted) >= max_files:  # rejected files do not use up a place
            problems.append(f"Only {max_files} attachments are kept: {clean_filename(filename)} was not.")
        else:
            accepted.append(checked)
    return accepted, problems
