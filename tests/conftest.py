import lzma
import re
from pathlib import Path

import pytest

from tests.factories import make_user

# A CPT or HCPCS code as the tests write it: 27447, 0591T, 99213, J1100.
_PROCEDURE_CODE = re.compile(r"\b(?:[0-9]{4}[0-9AFMTU]|[A-V][0-9]{4})\b")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """The test database holds the real bundled data, loaded once per run, with the word
    search index. Sentence embeddings of the whole catalogue take minutes: tests that need
    them build them for a few hundred codes (test_search_semantic).

    Of the 4.3 million NCCI PTP edits it loads every edit naming a procedure code that a test
    names, in the shipped files' own names and layout: loading them all took a minute and a half
    of each run. The browser tests' `medcode load-data` loads the whole files."""
    from django.conf import settings

    from medcode.site.loading import load_bundled

    settings.MEDCODE_SEMANTIC = "off"
    settings.MEDCODE_REFERENCE_DATA_DIR = _reference_data_for_tests(
        Path(settings.MEDCODE_REFERENCE_DATA_DIR), tmp_path_factory.mktemp("reference-data"))
    with django_db_blocker.unblock():
        load_bundled()


def _reference_data_for_tests(shipped, into):
    named = set()
    for path in Path(__file__).parent.rglob("*.py"):
        named.update(_PROCEDURE_CODE.findall(path.read_text(encoding="utf-8")))
    for path in shipped.iterdir():
        if not path.name.startswith("ptp_"):
            (into / path.name).symlink_to(path)
            continue
        with lzma.open(path, "rt", encoding="utf-8", newline="") as rows, \
                lzma.open(into / path.name, "wt", encoding="utf-8", newline="", preset=0) as kept:
            kept.write(next(rows))  # the header
            kept.writelines(row for row in rows if row[:5] in named or row.split("\t", 2)[1] in named)
    return into


@pytest.fixture
def subscriber_client(client, db):
    """A client logged in as a subscriber: reads every section of every page."""
    client.force_login(make_user("subscriber@example.com", subscriber=True))
    return client


@pytest.fixture
def page(subscriber_client):
    """GET a page as a subscriber (so reference sections show) and return (response, text)."""

    def get(url, **kwargs):
        response = subscriber_client.get(url, **kwargs)
        return response, response.content.decode()

    return get


@pytest.fixture(autouse=True)
def fresh_release_cache():
    """Each test's transaction is rolled back, taking its imported releases and any search index
    it built with it: forget them."""
    from medcode.reference.freshness import forget_code_sets
    from medcode.reference.tables import forget_releases
    from medcode.search.lexical import forget_index_stamp

    forget_releases()
    forget_code_sets()
    forget_index_stamp()
    yield
    forget_releases()
    forget_code_sets()
    forget_index_stamp()


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Background work runs as it is queued, so a test sees its mail in mail.outbox; the
    database backend and `medcode worker` are tested on their own (test_consult_mail)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def frozen_clock(monkeypatch):
    """Rate-limit windows stand still, so a test cannot straddle a window boundary."""
    from medcode.accounts import ratelimit

    clock = {"now": 1_795_000_000.0}
    monkeypatch.setattr(ratelimit, "_now", lambda: clock["now"])
    return clock
