"""`medcode update-data`: fetch newer CMS releases, verify them and import them.

Each source in settings.MEDCODE_UPDATE_SOURCES names an import kind and a URL: the file
itself, or the CMS page listing it, whose links matching "match" are the candidates (a list
of regexes follows one page per regex). Downloads are streamed to a temporary folder under
a size and time limit and zips are tested; the importer then checks every row and writes in
one transaction, so a bad download changes nothing. One failing source never stops the others.
A code set (ICD-10-CM, ICD-10-PCS, HCPCS Level II) goes through the code-set importer `medcode
import` uses, a reference file (NCCI, MUE, fee schedule, coverage) through the reference one.
CMS puts files carrying CPT text behind an AMA license page (/license/ama?file=…): the update
goes straight to the file, so whoever runs it accepts that license.
"""

import hashlib
import io
import re
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import parse_qs, unquote, urljoin, urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

from django.conf import settings

from medcode.codes import catalogue, systems
from medcode.codes.loaders.base import ImportFailed, read_bytes
from medcode.codes.models import Release
from medcode.reference import importers
from medcode.reference.models import DataRelease

# Named groups of a "match" regex that order releases, most significant first. The newest
# release is told by the file names (2026q3, v322r0; RVU26C has its quarter as a letter),
# not by where a link sits, because CMS pages also link archives and older quarters. A
# regex without these groups falls back to page order: CMS lists the newest release first.
RELEASE_GROUPS = ("year", "quarter", "month", "version", "revision")
# A "month" group may hold a name (january-2027-alpha-numeric-hcpcs-file.zip): it sorts by
# the calendar, not the alphabet, which would put April before January.
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
MONTH_NUMBERS = {name[:length]: number for number, name in enumerate(_MONTH_NAMES, start=1) for length in (3, len(name))}
# Code sets CMS publishes, by the kind names `medcode import` gives them. CPT is not among
# them: the AMA licenses it and publishes no file a page could link.
CODE_SETS = (systems.ICD10CM, systems.ICD10PCS, systems.HCPCS)
PAGE_TYPES = {"text/html", "application/xhtml+xml"}
USER_AGENT = "medcode-update-data/0.1"
CHUNK = 1 << 16


class UpdateFailed(Exception):
    """A source that cannot be fetched or verified; the message says why."""


@dataclass
class Outcome:
    name: str
    status: str  # "imported", "skipped", "failed" or "would fetch"
    detail: str
    release: DataRelease | Release | None = None  # a reference release, or a code set's


@dataclass
class Fetched:
    url: str  # after redirects
    page: str | None = None  # the text of a web page
    path: Path | None = None  # a data file on disk; None in a dry run
    modified: date | None = None  # the server's Last-Modified date


def configured(names=None):
    """{name: source} for the names asked for (all sources when none are named)."""
    sources = settings.MEDCODE_UPDATE_SOURCES
    unknown = [name for name in names or [] if name not in sources]
    if unknown:
        raise UpdateFailed(f"no update source named {', '.join(unknown)}; configured: {', '.join(sources)}")
    return {name: sources[name] for name in names or sources}


def run(sources, *, dry_run=False, force=False, progress=lambda message: None):
    """Yield one Outcome per source, each as soon as it is done."""
    for name, source in sources.items():
        try:
            yield update_source(name, source, dry_run=dry_run, force=force, progress=progress)
        except (UpdateFailed, ImportFailed) as exc:
            yield Outcome(name, "failed", str(exc))
        except Exception as exc:  # noqa: BLE001 - an unforeseen error in one source must not stop the others
            yield Outcome(name, "failed", f"{type(exc).__name__}: {exc}")


def update_source(name, source, *, dry_run=False, force=False, progress=lambda message: None):
    kind = source.get("kind")
    if kind not in importers.PARSERS and kind not in CODE_SETS:
        raise UpdateFailed(f"kind {kind!r} is not one of {', '.join([*CODE_SETS, *importers.PARSERS])}")
    with tempfile.TemporaryDirectory(prefix="medcode-update-") as folder:
        files = locate(source, None if dry_run else Path(folder), progress)
        if dry_run:
            return Outcome(name, "would fetch", ", ".join(f.url for f in files))
        check_sha256(files, source.get("sha256"))
        paths = [path for f in files for path in unpacked(f.path, source.get("member"))]
        if kind in CODE_SETS:
            return import_code_set(name, kind, paths, release=source.get("release"), force=force, progress=progress)
        loaded_before = set(DataRelease.objects.values_list("pk", flat=True))
        release = importers.import_file(kind, paths, release=release_name(kind, source, files),
                                        setting=source.get("setting"), force=force, progress=progress)
    if release.pk in loaded_before:
        return Outcome(name, "skipped", f"{release} is already loaded", release)
    return Outcome(name, "imported", f"{release}: {release.rows:,} rows from {', '.join(p.name for p in paths)}", release)


def import_code_set(name, system, paths, *, release=None, force=False, progress=lambda message: None):
    """Import one code set file as `medcode import` does: checked whole, written in one transaction."""
    if len(paths) != 1:
        raise UpdateFailed(f"a code set is one file, the download holds {len(paths)} "
                           f"({', '.join(p.name for p in paths)}): narrow the source's \"member\" regex")
    path = paths[0]
    if zipfile.is_zipfile(path):  # the reference importers open zips themselves, the code-set loaders do not
        raise UpdateFailed(f"{path.name} is a zip: give the source a \"member\" regex naming the code set file in it")
    # The release name and effective date come from the file, as the loader reads them
    # (FY2027 from <version>, an April update from the file name, 2027-01 from HCPC2027_JAN).
    result = catalogue.import_file(system, path, version=release, force=force, progress=progress)
    if result is None:  # the importer skips a file it loaded before (it names no release then)
        loaded = Release.objects.filter(system=system, sha256=read_bytes(path)[1]).first()
        return Outcome(name, "skipped", f"{loaded} is already loaded", loaded)
    return Outcome(name, "imported", f"{result.describe()} from {path.name}", result.release)


def release_name(kind, source, files):
    # The MCD article download is always current_article.zip: unnamed, the importer would label
    # it with today's date and store a fresh copy on every run. The date CMS last changed the
    # file names it instead, so an unchanged file is skipped.
    if not source.get("release") and kind == "coverage" and files[0].modified:
        return files[0].modified.isoformat()
    return source.get("release")


def locate(source, folder, progress):
    """The data files of the newest release: downloaded into folder (folder None: only opened)."""
    patterns = source.get("match") or []
    fetched = [fetch(source["url"], folder, progress)]
    for pattern in [patterns] if isinstance(patterns, str) else patterns:
        if len(fetched) != 1 or fetched[0].page is None:
            break  # already at the file: the URL may point straight at it (a mirror, a pinned release)
        page = fetched[0]
        fetched = [fetch(url, folder, progress) for url in choose_links(links_on(page.page, page.url), pattern, page.url)]
    for item in fetched:
        if item.page is not None:
            raise UpdateFailed(f"{item.url} is a web page, not a data file"
                               + ("" if patterns else "; give the source a \"match\" regex for the link to the file"))
    return fetched


def fetch(url, folder, progress):
    """Open url: a web page comes back as text, a data file is streamed into folder."""
    progress(f"  fetching {url}")
    with open_url(url) as response:
        final, headers = response.geturl(), response.headers
        if headers.get_content_type() in PAGE_TYPES:
            body = io.BytesIO()
            copy_limited(response, body, final)
            return Fetched(final, page=body.getvalue().decode(headers.get_content_charset() or "utf-8", "replace"))
        fetched = Fetched(final, modified=_http_date(headers.get("Last-Modified")))
        if folder is not None:
            fetched.path = _free_name(folder, headers.get_filename() or unquote(urlsplit(final).path).rsplit("/", 1)[-1])
            with fetched.path.open("wb") as out:
                copy_limited(response, out, final)
        return fetched


class _WebOnlyRedirects(HTTPRedirectHandler):
    """urllib follows redirects to ftp:// too: a download may only move to another web address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in {"http", "https"}:
            raise UpdateFailed(f"{req.full_url}: redirected to {newurl}, which is not an http(s) address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = build_opener(_WebOnlyRedirects)


def open_url(url):
    # urllib also opens file:// and ftp:// addresses: a link on a page must not read local files.
    if urlsplit(url).scheme not in {"http", "https"}:
        raise UpdateFailed(f"{url}: only http and https addresses are fetched")
    try:
        response = _opener.open(Request(url, headers={"User-Agent": USER_AGENT}), timeout=settings.MEDCODE_UPDATE_TIMEOUT)
    except HTTPError as exc:
        raise UpdateFailed(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (URLError, OSError) as exc:
        raise UpdateFailed(f"{url}: cannot download ({getattr(exc, 'reason', exc)})") from None
    if response.status != 200:
        response.close()
        raise UpdateFailed(f"{url}: HTTP {response.status} {response.reason}, expected 200")
    return response


def copy_limited(response, out, url):
    """Copy the body in chunks, refusing it once it passes the size limit (whatever it declared)."""
    limit = settings.MEDCODE_UPDATE_MAX_BYTES
    declared = response.headers.get("Content-Length", "")
    declared = int(declared) if declared.isdigit() else None
    if declared is not None and declared > limit:
        raise _too_big(url, limit, f"{declared:,} bytes, ")
    copied = 0
    try:
        while chunk := response.read(CHUNK):
            copied += len(chunk)
            if copied > limit:
                raise _too_big(url, limit)
            out.write(chunk)
    except OSError as exc:  # a read timeout or a dropped connection
        raise UpdateFailed(f"{url}: download interrupted after {copied:,} bytes ({exc})") from None
    if declared is not None and copied != declared:
        raise UpdateFailed(f"{url}: download cut short ({copied:,} of {declared:,} bytes)")


def _too_big(url, limit, size=""):
    return UpdateFailed(f"{url}: {size}over the download limit of {limit:,} bytes (MEDCODE_UPDATE_MAX_MB)")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"].strip())


def links_on(page, page_url):
    """Absolute http(s) addresses of the page's links, in page order, without repeats."""
    parser = _Links()
    parser.feed(page)
    parser.close()
    found = []
    for href in parser.hrefs:
        url = urljoin(page_url, href)
        parts = urlsplit(url)
        target = parse_qs(parts.query).get("file")
        if "/license/" in parts.path and target:  # CMS's AMA license page, ?file=/files/zip/…
            url = urljoin(url, target[0])
        if urlsplit(url).scheme in {"http", "https"} and url not in found:
            found.append(url)
    return found


def choose_links(urls, match, page_url="the page"):
    """The links of the newest release among those whose path matches: one file, or one per part.

    A regex with a group named "part" picks a release published in several files (NCCI PTP:
    f1 to f4), one link per part; otherwise one link, the first on the page among equals.
    """
    pattern = re.compile(match, re.IGNORECASE)
    candidates = [(url, found) for url in urls if (found := pattern.search(unquote(urlsplit(url).path)))]
    if not candidates:
        raise UpdateFailed(f"no link on {page_url} matches {match!r}")
    ordering = [group for group in RELEASE_GROUPS if group in pattern.groupindex]
    releases = [tuple(_release_order(group, found.group(group)) for group in ordering) for _, found in candidates]
    chosen, parts = [], set()
    for (url, found), release in zip(candidates, releases):
        part = found.group("part") if "part" in pattern.groupindex else None
        if release == max(releases) and part not in parts:
            parts.add(part)
            chosen.append(url)
    return chosen


def _release_order(group, value):
    month = MONTH_NUMBERS.get((value or "").lower()) if group == "month" else None
    return (1, month) if month else _natural(value)


def _natural(value):
    """Numbers compare as numbers (v322 after v99), letters as letters (RVU26D after RVU26C)."""
    value = value or ""
    return (1, int(value)) if value.isdigit() else (0, value.lower())


def check_sha256(files, expected):
    if not expected:
        return
    digests = []
    for item in files:
        with item.path.open("rb") as data:
            digests.append(hashlib.file_digest(data, "sha256").hexdigest())
    if digests != [expected.lower()]:
        raise UpdateFailed(f"sha256 {', '.join(digests)} of {', '.join(f.url for f in files)} is not the expected {expected}")


def unpacked(path, member=None):
    """The paths to import from a download: the file, or a zip after testing it.

    member (a regex) picks files out of a zip that holds more than the table, e.g. the PFS
    RVU zip (PPRRVU, GPCI, ANES… as CSV, TXT and XLSX) or the MUE zip (CSV and XLSX).
    """
    with path.open("rb") as head:
        if head.read(4) != b"PK\x03\x04" and path.suffix.lower() != ".zip":
            return [path]
    try:
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()
            if damaged:
                raise UpdateFailed(f"{path.name}: broken zip file, {damaged} fails its checksum")
            if not member:
                return [path]
            # By base name only: a path inside the zip must not lead out of the folder.
            inside = [(info, Path(info.filename).name) for info in archive.infolist() if not info.is_dir()]
            picked = [(info, name) for info, name in inside if re.search(member, name, re.IGNORECASE)]
            if not picked:
                raise UpdateFailed(f"{path.name}: no file in the zip matches {member!r} "
                                   f"(it holds {', '.join(name for _, name in inside)})")
            folder = path.parent / f"{path.stem}-unzipped"
            folder.mkdir()
            extracted = []
            for info, name in picked:  # named one by one: two members may share a base name
                extracted.append(_free_name(folder, name))
                with archive.open(info) as source, extracted[-1].open("wb") as out:
                    shutil.copyfileobj(source, out)
            return extracted
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise UpdateFailed(f"{path.name}: broken zip file ({exc})") from None


def _free_name(folder, name):
    name = re.sub(r"[^\w.-]", "_", name).lstrip(".") or "download"
    path, number = folder / name, 1
    while path.exists():
        number += 1
        path = folder / f"{number}-{name}"
    return path


def _http_date(value):
    try:
        return parsedate_to_datetime(value).date() if value else None
    except (TypeError, ValueError):
        return None
