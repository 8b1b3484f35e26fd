"""The playground server's size caps on request bodies (JSON requests and CSV uploads): refused
with 413 and a message naming the cap, whether the client declares the length or streams the
body without one (chunked), and bodies at the cap accepted."""

import warnings

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
with warnings.catch_warnings():  # newer Starlette suggests httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from badak.playground.app import MAX_BODY, MAX_UPLOAD, create_app  # noqa: E402


@pytest.fixture
def client():
    with TestClient(create_app()) as c:
        yield c


def _chunks(data: bytes, size: int = 8192):
    for i in range(0, len(data), size):  # a generator: sent chunked, without content-length
        yield data[i:i + size]


@pytest.mark.parametrize("streamed", [False, True])
def test_a_json_request_over_the_cap_is_refused_with_its_size(client, streamed):
    body = b" " * (MAX_BODY + 1)
    r = client.post("/api/session", content=_chunks(body) if streamed else body)
    assert r.status_code == 413
    assert r.json()["error"] == f"the request body is too large (at most {MAX_BODY} bytes)"


@pytest.mark.parametrize("streamed", [False, True])
def test_a_json_request_at_the_cap_is_read(client, streamed):
    body = b'{"config": {}}'.ljust(MAX_BODY)  # JSON allows the trailing spaces
    r = client.post("/api/session", content=_chunks(body) if streamed else body)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("streamed", [False, True])
def test_a_csv_upload_over_the_cap_is_refused_with_its_size(client, streamed):
    sid = client.post("/api/session", json={"config": {}}).json()["sid"]
    body = b"1" * (MAX_UPLOAD + 1)
    r = client.post(f"/api/upload?sid={sid}", content=_chunks(body) if streamed else body)
    assert r.status_code == 413
    assert r.json()["error"] == f"the CSV file is too large (at most {MAX_UPLOAD} bytes)"
