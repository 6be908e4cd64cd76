import pytest

pytestmark = pytest.mark.django_db


def test_get_a_code(client):
    body = client.get("/api/codes/icd-10-cm/s72001a").json()
    assert body["code"] == "S72.001A" and body["billable"] is True
    assert [a["code"] for a in body["ancestors"]] == ["19", "S70-S79", "S72", "S72.0", "S72.00", "S72.001"]
    assert body["url"] == "/icd-10-cm/S72.001A/"


def test_add_on_code_lists_its_primaries(client):
    body = client.get("/api/codes/cpt/20700").json()
    assert body["is_addon"] is True
    assert "11043" in {p["code"] for p in body["primary_codes"]}


def test_children(client):
    body = client.get("/api/codes/icd-10-cm/S72.001/children").json()
    assert body["count"] == len(body["items"]) and "S72.001A" in {c["code"] for c in body["items"]}


def test_browse_a_range(client):
    body = client.get("/api/codes/cpt", {"start": "20700", "end": "20704"}).json()
    assert [c["code"] for c in body["items"]] == ["20700", "20701", "20702", "20703", "20704"]


def test_browse_an_icd_range_takes_the_children_of_the_end_code(client):
    body = client.get("/api/codes/icd-10-cm", {"start": "S72.001", "end": "S72.001", "limit": 50}).json()
    assert "S72.001A" in {c["code"] for c in body["items"]}


@pytest.mark.parametrize("url, status, message", [
    ("/api/codes/icd-11/A00", 400, "unknown code set"),
    ("/api/codes/icd-10-cm/ZZZ.999", 404, "not in the catalogue"),
    ("/api/codes/cpt?start=20704&end=20700", 400, "comes after"),
    ("/api/codes/cpt?limit=0", 400, "limit"),
    ("/api/codes/cpt?offset=abc", 400, "offset"),
])
def test_errors_are_json_with_a_clear_message(client, url, status, message):
    response = client.get(url)
    assert response.status_code == status
    assert message in response.json()["detail"]


def test_openapi_schema_documents_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert {"/api/codes/{system}/{code}", "/api/codes/{system}/{code}/children", "/api/codes/{system}"} <= set(schema["paths"])
