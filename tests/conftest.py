import pytest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the real bundled data, loaded once per run."""
    from medcode.codes.catalogue import load_bundled

    with django_db_blocker.unblock():
        load_bundled()


@pytest.fixture
def page(client):
    """GET a page and return (response, text)."""

    def get(url, **kwargs):
        response = client.get(url, **kwargs)
        return response, response.content.decode()

    return get
