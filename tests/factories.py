"""What tests build: accounts on each plan, files, fixtures' paths, free ports. Tests import these
from here, never from conftest (pytest loads conftest under its own module name)."""

import io
import socket
import zipfile
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

FIXTURES = Path(__file__).parent / "fixtures"
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
