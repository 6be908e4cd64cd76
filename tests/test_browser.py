"""Pages in headless Chromium, against a real `medcode serve` on a freshly loaded database."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def medcode_site(tmp_path_factory):
    """What a newcomer gets: `medcode migrate`, `medcode load-data`, `medcode serve`."""
    home = tmp_path_factory.mktemp("site")
    env = {**os.environ, "MEDCODE_VAR_DIR": str(home), "DATABASE_URL": f"sqlite:///{home / 'medcode.sqlite3'}"}
    medcode = shutil.which("medcode", path=str(Path(sys.executable).parent)) or "medcode"
    subprocess.run([medcode, "migrate", "--noinput", "-v0"], env=env, check=True)
    loaded = subprocess.run([medcode, "load-data"], env=env, check=True, capture_output=True, text=True)
    assert "done in" in loaded.stdout
    port = _free_port()
    server = subprocess.Popen([medcode, "serve", f"127.0.0.1:{port}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("medcode serve did not start")
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_add_on_code_page_as_a_coder_sees_it(tab, medcode_site):
    tab.goto(medcode_site + "/cpt/20700/")
    assert tab.locator("h1").inner_text() == "20700"
    assert tab.locator(".badge.addon").is_visible()
    common = tab.locator("#common").inner_text()
    assert "antibiotic" in common
    addon = tab.locator("#addon")
    assert "20700 is an add-on code" in addon.inner_text()
    addon.get_by_role("link", name="11043").click()
    tab.wait_for_url("**/cpt/11043/")
    assert tab.locator("h1").inner_text() == "11043"
    assert "wound" in tab.locator("#common").inner_text()


def test_code_box_and_icd_hierarchy(tab, medcode_site):
    tab.goto(medcode_site + "/")
    tab.get_by_label("Code").fill("s72.001a")
    tab.get_by_label("Code").press("Enter")
    tab.wait_for_url("**/icd-10-cm/S72.001A/")
    crumbs = tab.get_by_role("navigation", name="Breadcrumb")
    for node in ["ICD-10-CM", "19", "S70-S79", "S72", "S72.0", "S72.00", "S72.001"]:
        assert crumbs.get_by_role("link", name=node, exact=True).is_visible()
    assert "Fracture of hip NOS" in tab.locator("#inclusion").inner_text()
    assert "traumatic amputation of hip and thigh" in tab.locator("#excludes").inner_text()
    crumbs.get_by_role("link", name="S72", exact=True).click()
    tab.wait_for_url("**/icd-10-cm/S72/")
    assert "Fracture of femur" in tab.locator("#official").inner_text()


def test_unknown_code_page_offers_close_codes(tab, medcode_site):
    response = tab.goto(medcode_site + "/icd-10-pcs/0DTJ4ZX/")
    assert response.status == 404
    assert tab.get_by_role("heading", name="Code not found").is_visible()
    tab.get_by_role("link", name="0DTJ4ZZ").first.click()
    tab.wait_for_url("**/icd-10-pcs/0DTJ4ZZ/")
    assert "Percutaneous Endoscopic" in tab.locator("#axes").inner_text()
