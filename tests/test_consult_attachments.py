"""CaseConsultant attachments: kinds by content, refusals, extracted text, safe names.

Every file is built here from its format's rules (a hand-written PDF, a zipfile DOCX, a zlib PNG),
so no binary fixtures are committed and each test shows what makes its file what it is.
"""

import io
import struct
import zipfile
import zlib

import pytest

from medcode.common import uploads
from medcode.common.uploads import KINDS, Checked, Rejected, check, check_all, clean_filename, sniff

# --- builders ---------------------------------------------------------------------------------


def make_pdf(text="Patient seen for knee pain 27447", catalog_extra=""):
    """A one-page PDF with Helvetica text, its xref offsets computed so strict readers accept it."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog_extra}>>".encode(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def encrypted_pdf(user_password):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt(user_password=user_password, owner_password="owner secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_TYPE = "application/vnd.ms-word.document.macroEnabled.main+xml"
WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
BODY = (
    "<w:p><w:r><w:t>Patient: Jane Roe, MRN 123456</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>CPT</w:t><w:tab/><w:t xml:space=\"preserve\">27447 </w:t></w:r><w:r><w:t>left knee</w:t></w:r></w:p>"
)


def word_xml(body=BODY, root="document"):
    inner = f"<w:body>{body}</w:body>" if root == "document" else body
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{root} xmlns:w="{WORD_NS}">{inner}</w:{root}>'


def make_docx(document=None, main_type=MAIN_TYPE, extra=None):
    """A DOCX as Word writes its core: content types, package relationships, the document part."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("_rels/.rels", rels)
        z.writestr("word/document.xml", word_xml() if document is None else document)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


def make_zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def make_png():
    """A valid 1×1 grey PNG: signature, IHDR, IDAT, IEND, each chunk with its CRC."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\xff\xdb\x00\x43\x00" + bytes(64) + b"\xff\xd9"
WINDOWS_EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + bytes(43) + b"\x80\x00\x00\x00"
    + b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21This program cannot be run in DOS mode.\r\r\n$" + bytes(64) + b"PE\x00\x00"
)
OLE2_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + bytes(480)
NOTE = "Patient: José Müller – DOB 01/02/1960\r\nSeen for knee pain, CPT 27447 (€ 1 200).\n"


def rejection(filename, data, **kwargs):
    with pytest.raises(Rejected) as caught:
        check(filename, data, **kwargs)
    return str(caught.value)


# --- builders are what they claim (so the tests below test the module, not the builders) -------


def test_built_pdf_and_docx_are_readable_by_their_own_tools():
    from pypdf import PdfReader

    assert "Patient seen for knee pain 27447" in PdfReader(io.BytesIO(make_pdf()), strict=True).pages[0].extract_text()
    with zipfile.ZipFile(io.BytesIO(make_docx())) as z:
        assert z.testzip() is None and "Jane Roe" in z.read("word/document.xml").decode()


# --- each allowed kind -----------------------------------------------------------------------


def test_pdf_accepted_with_its_text():
    data = make_pdf()
    checked = check("visit note.pdf", data)
    assert isinstance(checked, Checked)
    assert (checked.kind, checked.content_type, checked.filename, checked.note) == ("pdf", "application/pdf", "visit note.pdf", "")
    assert "Patient seen for knee pain 27447" in checked.text
    assert checked.size == len(data) and checked.data == data


def test_pdf_with_junk_before_the_header_is_still_a_pdf():
    assert sniff(b"\x00\x01junk from a mail gateway\n" + make_pdf()) == "pdf"
    assert sniff(b"\x00" * 1100 + make_pdf()) is None  # beyond 1024 bytes readers no longer look


def test_text_that_merely_quotes_a_pdf_header_is_text():
    checked = check("notes.txt", b"The scanner wrote %PDF-1.4 at the top of the file.\n")
    assert checked.kind == "txt" and "%PDF-1.4" in checked.text


def test_pdf_encrypted_with_an_empty_user_password_is_read():
    checked = check("locked-for-editing.pdf", encrypted_pdf(user_password=""))
    assert checked.kind == "pdf" and "knee pain 27447" in checked.text


def test_password_protected_pdf_is_rejected():
    message = rejection("labs.pdf", encrypted_pdf(user_password="secret"))
    assert message.startswith("labs.pdf is password-protected")


def test_docx_accepted_with_paragraphs_and_tabs():
    checked = check("op note.docx", make_docx())
    assert (checked.kind, checked.content_type, checked.filename) == ("docx", KINDS["docx"][0], "op note.docx")
    assert checked.text == "Patient: Jane Roe, MRN 123456\nCPT\t27447 left knee"


def test_docx_headers_and_footers_are_read_too():
    header = word_xml("<w:p><w:r><w:t>DOB 01/02/1960</w:t></w:r></w:p>", root="hdr")
    checked = check("note.docx", make_docx(extra={"word/header1.xml": header}))
    assert checked.text.splitlines() == ["Patient: Jane Roe, MRN 123456", "CPT\t27447 left knee", "DOB 01/02/1960"]


def test_png_and_jpeg_accepted_without_text():
    png = check("knee.png", make_png())
    jpeg = check("knee.jpg", JPEG)
    assert (png.kind, png.content_type, png.text, png.filename) == ("png", "image/png", "", "knee.png")
    assert (jpeg.kind, jpeg.content_type, jpeg.text, jpeg.filename) == ("jpeg", "image/jpeg", "", "knee.jpg")


def test_png_signature_without_ihdr_is_not_a_png_nor_text():
    broken = b"\x89PNG\r\n\x1a\n" + b"then just words, no chunks at all " * 20
    assert sniff(broken) is None
    assert "damaged PNG image" in rejection("x.png", broken)


def test_utf8_text_accepted_and_decoded():
    checked = check("note.txt", NOTE.encode("utf-8"))
    assert (checked.kind, checked.content_type, checked.text) == ("txt", "text/plain", NOTE)


def test_utf8_bom_is_not_part_of_the_text():
    assert check("note.txt", b"\xef\xbb\xbf" + NOTE.encode()).text == NOTE


def test_cp1252_text_accepted_and_decoded():
    data = NOTE.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # so this really takes the cp1252 path
    assert check("note.txt", data).text == NOTE


def test_text_is_capped(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_TEXT", 10)
    assert check("note.txt", NOTE.encode()).text == NOTE[:10]


@pytest.mark.parametrize(
    "data",
    [b"Name: Jane\x00Roe\n" * 10, bytes(range(1, 32)) * 20, b"abc\x81def" * 10],
    ids=["nul-byte", "control-characters", "undefined-in-cp1252"],
)
def test_binary_looking_data_is_not_text(data):
    assert sniff(data) is None
    assert rejection("data.txt", data) == "data.txt is not a PDF, DOCX, TXT, PNG or JPEG file, so medcode cannot keep it."


def test_up_to_one_percent_of_control_characters_is_still_text():
    assert check("x.txt", b"\x0cPage 2\r\n\t" + b"a" * 99 + b"\x1b").kind == "txt"  # \f \r \n \t don't count
    assert sniff(b"a" * 98 + b"\x1b") is None  # 1 in 99: over 1%


def test_text_starting_with_mz_is_text_but_a_windows_program_is_not():
    assert check("initials.txt", b"MZ seen today for follow-up.\n").kind == "txt"
    assert sniff(WINDOWS_EXE) is None


# --- names that lie --------------------------------------------------------------------------


def test_png_named_pdf_is_kept_as_png_with_a_note():
    checked = check("report.pdf", make_png())
    assert (checked.kind, checked.filename) == ("png", "report.png")
    assert checked.note == "report.pdf is a PNG image: kept as report.png."


def test_jpeg_spellings_are_kept_and_wrong_ones_fixed():
    assert (check("a.jpeg", JPEG).filename, check("a.jpeg", JPEG).note) == ("a.jpeg", "")
    assert check("B.JPG", JPEG).filename == "B.JPG"
    assert check("c.png", JPEG).filename == "c.jpg"


def test_missing_extension_is_added_without_a_note():
    checked = check("scan", make_png())
    assert (checked.filename, checked.note) == ("scan.png", "")
    assert check("Dr. Smith letter", NOTE.encode()).filename == "Dr. Smith letter.txt"
    assert check("notes.2024", NOTE.encode()).filename == "notes.2024.txt"


def test_docx_named_txt_is_renamed():
    checked = check("draft.txt", make_docx())
    assert (checked.kind, checked.filename) == ("docx", "draft.docx")
    assert checked.note == "draft.txt is a Word document: kept as draft.docx."


def test_windows_program_named_pdf_is_rejected_by_name():
    message = rejection("invoice.pdf", WINDOWS_EXE)
    assert message == "invoice.pdf is a Windows program, not a PDF, DOCX, TXT, PNG or JPEG file."


def test_plain_zip_named_docx_is_rejected():
    data = make_zip({"notes.txt": "hello", "word/readme.txt": "not a document"})
    assert sniff(data) is None
    assert rejection("notes.docx", data).startswith("notes.docx is a ZIP archive, not a PDF")


def test_excel_workbook_is_named_as_such():
    data = make_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
    assert rejection("claims.docx", data).startswith("claims.docx is an Excel workbook")


def test_old_word_document_gets_advice():
    message = rejection("referral.doc", OLE2_DOC)
    assert message.startswith("referral.doc is an old Word (.doc)")
    assert "save it as .docx or PDF" in message


@pytest.mark.parametrize(
    "data, seems",
    [(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "a GIF image"), (b"\x7fELF\x02\x01\x01" + bytes(9), "a Linux program")],
)
def test_other_known_formats_are_named(data, seems):
    assert rejection("x.pdf", data).startswith(f"x.pdf is {seems}, not")


def test_unknown_binary_gets_the_generic_sentence():
    assert rejection("blob.png", bytes(range(256)) * 4) == "blob.png is not a PDF, DOCX, TXT, PNG or JPEG file, so medcode cannot keep it."


# --- sizes -----------------------------------------------------------------------------------


def test_empty_file_is_rejected():
    assert rejection("blank.pdf", b"") == "blank.pdf is empty."


def test_size_limit_is_named_in_mb():
    limit = 1024 * 1024
    assert check("big.txt", b"a" * limit, max_bytes=limit).size == limit
    message = rejection("big.txt", b"a" * (limit + 1), max_bytes=limit)
    assert message.startswith("big.txt is larger than the 1 MB limit")


def test_default_limit_is_ten_mb():
    assert "10 MB" in rejection("huge.txt", b"a" * (10 * 1024 * 1024 + 1))


# --- dangerous content -----------------------------------------------------------------------


def test_pdf_with_javascript_is_rejected():
    data = make_pdf(catalog_extra="/OpenAction << /S /JavaScript /JS (app.alert(1)) >> ")
    assert rejection("form.pdf", data).startswith("form.pdf contains scripts")


def test_pdf_with_launch_action_is_rejected():
    data = make_pdf(catalog_extra="/OpenAction << /S /Launch /F (cmd.exe) >> ")
    assert "contains scripts" in rejection("form.pdf", data)


def test_pdf_with_escaped_javascript_names_is_rejected():
    # "#61" is "a": readers see /JavaScript, though the raw bytes never spell it.
    data = make_pdf(catalog_extra="/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> ")
    assert b"/JavaScript" not in data and b"/JS" not in data
    assert rejection("form.pdf", data).startswith("form.pdf contains scripts")


def test_unparsable_pdf_with_javascript_is_refused_as_scripted():
    # The raw-byte search runs first: a file pypdf cannot walk still names its scripts.
    message = rejection("form.pdf", b"%PDF-1.4\n1 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n")
    assert message.startswith("form.pdf contains scripts")


def test_pdf_mentioning_javascript_in_a_longer_name_is_fine():
    assert check("ok.pdf", make_pdf(catalog_extra="/JSONish true ")).kind == "pdf"


def test_garbage_pdf_cannot_be_read():
    assert rejection("broken.pdf", b"%PDF-1.4 garbage").startswith("broken.pdf could not be read as a PDF")


def test_truncated_pdf_cannot_be_read():
    assert "could not be read as a PDF" in rejection("cut.pdf", make_pdf()[:120])


@pytest.mark.parametrize(
    "docx",
    [make_docx(main_type=MACRO_TYPE), make_docx(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})],
    ids=["macro-content-type", "vba-project-member"],
)
def test_macro_enabled_docx_is_rejected(docx):
    assert sniff(docx) == "docx"
    assert rejection("letter.docx", docx).startswith("letter.docx contains macros")


def test_docx_whose_document_expands_beyond_the_limit_is_rejected():
    padding = " " * (uploads.DOCX_MAX_XML + 1)  # real 20 MB + 1 of spaces: compresses to a few KB
    docx = make_docx(document=word_xml(BODY + padding))
    assert len(docx) < 100_000
    assert "expands to far more data" in rejection("bomb.docx", docx)


def test_docx_whose_members_total_beyond_the_limit_is_rejected(monkeypatch):
    docx = make_docx(extra={"word/media/filler.bin": b"\x00" * 5000})
    assert check("fine.docx", docx).kind == "docx"
    monkeypatch.setattr(uploads, "DOCX_MAX_TOTAL", 4000)
    assert "expands to far more data" in rejection("bomb.docx", docx)


def test_docx_document_limit_is_read_when_called(monkeypatch):
    monkeypatch.setattr(uploads, "DOCX_MAX_XML", 100)
    assert "expands to far more data" in rejection("small-limit.docx", make_docx())


def test_docx_with_entity_bomb_is_rejected():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        f'<w:document xmlns:w="{WORD_NS}"><w:body><w:p><w:r><w:t>&c;</w:t></w:r></w:p></w:body></w:document>'
    )
    assert "XML declarations Word never writes" in rejection("laughs.docx", make_docx(document=laughs))


def test_docx_in_utf16_cannot_hide_a_doctype():
    document = word_xml().replace("UTF-8", "UTF-16").replace("?>", '?><!DOCTYPE w:document [<!ENTITY a "x">]>', 1)
    message = rejection("sly.docx", make_docx(document=document.encode("utf-16")))
    assert message.startswith("sly.docx could not be read as a Word document")


def test_docx_with_broken_xml_cannot_be_read():
    assert "could not be read as a Word document" in rejection("bad.docx", make_docx(document="<w:document><w:body>"))


# --- filenames -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, kept",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\x\\scan.txt", "scan.txt"),
        ("re\x00po\x1brt\u202e.txt", "report.txt"),
        ("  ..hidden \t  name.txt", "hidden name.txt"),
        ("", "attachment.txt"),
        ("../", "attachment.txt"),
    ],
)
def test_filenames_are_sanitised(given, kept):
    assert check(given, NOTE.encode()).filename == kept


def test_windows_path_to_png():
    assert check("C:\\Users\\x\\scan.png", make_png()).filename == "scan.png"


def test_long_names_are_cut_keeping_the_extension():
    kept = check("a" * 300 + ".pdf", make_pdf()).filename
    assert len(kept) == 120 and kept.endswith("a.pdf")


def test_rejection_names_the_sanitised_file():
    assert rejection("../tmp/evil\x1b.pdf", WINDOWS_EXE).startswith("evil.pdf is a Windows program")


def test_clean_filename_keeps_ordinary_names():
    assert clean_filename("Knee MRI — 2024-05-01.pdf") == "Knee MRI — 2024-05-01.pdf"


# --- several files ---------------------------------------------------------------------------


def test_check_all_keeps_three_and_reports_the_rest():
    files = [
        ("virus.pdf", WINDOWS_EXE),
        ("a.pdf", make_pdf()),
        ("b.docx", make_docx()),
        ("c.png", make_png()),
        ("extra.pdf", make_pdf()),
        ("empty.txt", b""),
    ]
    accepted, problems = check_all(files)
    assert [c.filename for c in accepted] == ["a.pdf", "b.docx", "c.png"]
    assert problems == [
        "virus.pdf is a Windows program, not a PDF, DOCX, TXT, PNG or JPEG file.",
        "Only 3 attachments are kept: extra.pdf was not.",
        "empty.txt is empty.",
    ]


def test_check_all_passes_its_limits_on():
    accepted, problems = check_all([("a.txt", b"a" * 50), ("b.txt", b"b" * 10)], max_files=1, max_bytes=20)
    assert [c.filename for c in accepted] == ["b.txt"]
    assert problems == ["a.txt is larger than the 20 bytes limit for an attachment."]


def test_check_all_with_nothing():
    assert check_all([]) == ([], [])
