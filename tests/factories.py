"""What tests build: accounts on each plan, files, fixtures' paths, free ports. Tests import these
from here, never from conftest (pytest loads conftest under its own module name)."""

import functools
import importlib.util
import io
import socket
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from pyx12.x12file import X12Reader

FIXTURES = Path(__file__).parent / "fixtures"
BENCH = Path(__file__).resolve().parent.parent / "bench"
REFERENCE_FIXTURES = FIXTURES / "reference"
# The two parts of the small 2026Q2 practitioner PTP release written in CMS's layout.
PTP_2026Q2 = [REFERENCE_FIXTURES / "ccipra-v321r0-f1.txt", REFERENCE_FIXTURES / "ccipra-v321r0-f2.txt"]


def make_user(email="coder@example.com", password="correct horse 42", *, verified=True, subscriber=False):
    from medcode.accounts import plans
    from medcode.accounts.models import User

    user = User.objects.create_user(email, password, email_verified_at=timezone.now() if verified else None)
    if subscriber:
        plans.set_plan(email, "subscriber", until=timezone.localdate() + timedelta(days=30))
    return user


def docx_bytes(text="Jane Coder, CPC. Ten years of E/M auditing."):
    """A minimal Word document holding text."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
                         f'2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>')
    return buffer.getvalue()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@functools.cache
def bench_module(name):
    """A script of bench/ as a module (the 837 generators), loaded once."""
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


# X12 files written as text in tests ---------------------------------------------------------------

def x12_segments(text):
    return [segment.strip() for segment in text.split("~") if segment.strip()]


def x12_recount(text):
    """The interchange with SE01 set right again after segments were added or taken out."""
    out, count = [], 0
    for segment in x12_segments(text):
        count = 1 if segment.startswith("ST*") else count + 1
        if segment.startswith("SE*"):
            segment = f"SE*{count}*{segment.split('*')[2]}"
        out.append(segment + "~\n")
    return "".join(out)


def pyx12_envelope_errors(text):
    """What pyx12's own X12Reader finds wrong with the envelope: (kind, code, message)."""
    reader = X12Reader(io.StringIO(text))
    errors = []
    for _ in reader:
        errors += reader.pop_errors()  # X12Reader empties its list when iteration starts
    reader.cleanup()
    return [error[:3] for error in errors + reader.pop_errors()]
