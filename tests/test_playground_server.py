"""The playground's server: every endpoint, every bad input, sessions and limits (TestClient)."""

import json
import random
import re
import warnings

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")
with warnings.catch_warnings():  # newer Starlette suggests httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from badak.interfaces.playground.app import MAX_BODY, MAX_UPLOAD, create_app  # noqa: E402
from badak.interfaces.playground.config import ConfigError, parse_config  # noqa: E402
from badak.interfaces.playground.data import DATASETS, parse_csv  # noqa: E402
from badak.interfaces.playground.export import python_code  # noqa: E402
from badak.interfaces.playground.i18n import TEXT, pick_language  # noqa: E402
from badak.interfaces.playground.session import Session  # noqa: E402


@pytest.fixture
def client():
    with TestClient(create_app()) as c:
        yield c


def new(client, **config):
    r = client.post("/api/session", json={"config": config})
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("path", ["/", "/graph", "/perceptron", "/descent", "/activations"])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_pages_are_served_in_both_languages(client, path, lang):
    r = client.get(path, params={"lang": lang})
    assert r.status_code == 200 and f'<html lang="{lang}">' in r.text
    assert TEXT[lang]["nav_graph"] in r.text
    assert "http://" not in r.text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_language_follows_the_browser_unless_asked():
    assert pick_language(None, "ko-KR,ko;q=0.9,en;q=0.8") == "ko"
    assert pick_language("en", "ko-KR") == "en"
    assert pick_language("xx", "fr-FR") == "en"


def test_static_files_and_no_traversal(client):
    assert client.get("/static/common.js").status_code == 200
    assert client.get("/static/fonts/BadakHangul.woff").content[:4] == b"wOFF"
    for bad in ["/static/../app.py", "/static/..%2fapp.py", "/static/%2e%2e/app.py",
                "/static//etc/passwd", "/static/../../../../etc/passwd"]:
        r = client.get(bad)
        assert r.status_code in (400, 404), bad
        assert "create_app" not in r.text and "root:" not in r.text


def test_font_covers_every_korean_text():
    ttlib = pytest.importorskip("fontTools.ttLib")
    from badak.interfaces.playground.app import STATIC

    font = ttlib.TTFont(STATIC / "fonts" / "BadakHangul.woff")
    cmap = font.getBestCmap()
    missing = {ch for text in TEXT["ko"].values() for ch in text
               if "\uac00" <= ch <= "\ud7a3" and ord(ch) not in cmap}
    assert not missing, f"regenerate the font subset (see fonts/README.md): {sorted(missing)}"
    assert "NanumGothic" not in str(font["name"].getDebugName(1))  # a Reserved Font Name


def test_session_trains_and_xor_loss_falls(client):
    s = new(client, dataset="xor", hidden="4", lr="0.1", seed="3")
    first = s["state"]["train_loss"]
    assert len(s["state"]["train"]) == 250 and s["state"]["config"]["hidden"] == [4]
    for _ in range(3):
        r = client.post("/api/train", json={"sid": s["sid"], "epochs": 20})
    st = r.json()["state"]
    assert st["epoch"] == 60 and st["train_loss"] < first * 0.7
    assert [h[0] for h in st["history"]] == list(range(0, 61))
    r = client.post("/api/train", json={"sid": s["sid"], "epochs": 2, "since": 60})
    assert [h[0] for h in r.json()["state"]["history"]] == [61, 62]   # only what is new
    assert len(st["neurons"]) == 2 and len(st["neurons"][1]) == 4   # inputs, one hidden layer
    assert len(st["weights"]) == 2 and np.array(st["weights"][0]["W"]).shape == (2, 4)


def test_learning_rate_changes_without_reset(client):
    s = new(client, dataset="circle")
    sid = s["sid"]
    client.post("/api/train", json={"sid": sid, "epochs": 5})
    r = client.post("/api/update", json={"sid": sid, "config": {"lr": "0.1", "batch": 5,
                                                                 "optimizer": "adam"}})
    body = r.json()
    assert body["rebuilt"] is False and body["state"]["epoch"] == 5
    assert body["state"]["config"]["lr"] == 0.1
    r = client.post("/api/update", json={"sid": sid, "config": {"hidden": "3"}})
    assert r.json()["rebuilt"] is True and r.json()["state"]["epoch"] == 0


def test_lr_is_applied_to_the_live_optimizer():
    s = Session(parse_config({"optimizer": "momentum"}))
    s.train(epochs=1)
    opt = s.optimizer
    s.update(parse_config({"lr": "0.5"}, s.config))
    assert s.optimizer is opt and opt.lr == pytest.approx(0.5)   # state kept, rate changed


@pytest.mark.parametrize("name", DATASETS[:-1])
def test_every_dataset_builds(name):
    s = Session(parse_config({"dataset": name, "points": "100", "noise": "20"}))
    assert s.x_train.shape == (50, 2) and np.isfinite(s.points).all()
    assert np.abs(s.points).max() <= 6.5
    assert s.task == ("regression" if name.startswith("reg") else "classification")


@pytest.mark.parametrize("act", ["step", "sigmoid", "tanh", "relu", "leaky_relu", "prelu",
                                 "elu", "maxout"])
@pytest.mark.parametrize("opt", ["sgd", "adam"])
def test_every_activation_trains(act, opt):
    s = Session(parse_config({"activation": act, "optimizer": opt, "points": "60",
                              "hidden": "3,2", "reg": "l1", "regrate": "0.001"}))
    s.train(epochs=2)
    st = s.state()
    assert st["epoch"] == 2 and st["train_loss"] is not None
    assert len(st["neurons"]) == 3


def test_features_and_zero_hidden_layers():
    s = Session(parse_config({"features": "x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2", "hidden": ""}))
    assert s.x_train.shape[1] == 7 and len(s.weights()) == 1
    np.testing.assert_allclose(s.x_train[:, 2], s.x_train[:, 0] ** 2, rtol=1e-5)


@pytest.mark.parametrize("params, word", [
    ({"lr": "abc"}, "lr"), ({"lr": "-1"}, "lr"), ({"lr": "nan"}, "lr"), ({"lr": "inf"}, "lr"),
    ({"dataset": "mnist"}, "dataset"), ({"hidden": "16,16,16,16,16,16,16,16,16"}, "hidden"),
    ({"hidden": "1000"}, "hidden"), ({"hidden": "4,x"}, "hidden"), ({"hidden": "0"}, "hidden"),
    ({"activation": "swish"}, "activation"), ({"optimizer": "lbfgs"}, "optimizer"),
    ({"features": "x3"}, "features"), ({"features": ""}, "features"),
    ({"batch": "0"}, "batch"), ({"noise": "99"}, "noise"), ({"seed": "-1"}, "seed"),
    ({"points": "1e9"}, "points"), ({"dataset": "csv"}, "csv"),
])
def test_bad_settings_give_a_message_and_the_server_goes_on(client, params, word):
    r = client.post("/api/session", json={"config": params})
    assert r.status_code == 400
    assert word in r.json()["error"]
    assert client.post("/api/session", json={"config": {}}).status_code == 200


def test_malformed_requests(client):
    assert client.post("/api/session", content=b"{not json").status_code == 400
    assert client.post("/api/session", content=b"[1,2]").status_code == 400
    assert client.post("/api/session", content=b"x" * (MAX_BODY + 1)).status_code == 413
    assert client.post("/api/session", json={"config": [1]}).status_code == 400
    assert client.post("/api/train", json={"sid": "nope"}).status_code == 404
    assert client.post("/api/train", json={"sid": 3}).status_code == 404
    sid = new(client)["sid"]
    assert client.post("/api/train", json={"sid": sid, "budget_ms": "x"}).status_code == 400
    assert client.post("/api/train", json={"sid": sid, "epochs": 10 ** 6}).status_code == 400
    assert client.get("/api/sample", params={"sid": sid, "index": 10 ** 5}).status_code == 400
    assert client.get("/api/sample", params={"sid": sid, "set": "x"}).status_code == 400


def test_divergence_is_reported_not_drawn(client):
    sid = new(client, dataset="reg-plane", lr="10", activation="relu", hidden="8,8")["sid"]
    r = client.post("/api/train", json={"sid": sid, "epochs": 50})
    assert r.status_code == 400 and "diverged" in r.json()["error"]
    assert client.post("/api/reset", json={"sid": sid}).json()["state"]["epoch"] == 0


def test_sessions_are_bounded_and_expire():
    app = create_app(max_sessions=3, session_ttl_s=3600)
    with TestClient(app) as c:
        sids = [new(c)["sid"] for _ in range(5)]
        assert len(app.state.sessions) == 3
        assert c.post("/api/train", json={"sid": sids[0], "epochs": 1}).status_code == 404
        assert c.post("/api/train", json={"sid": sids[-1], "epochs": 1}).status_code == 200
    app = create_app(session_ttl_s=0)
    with TestClient(app) as c:
        sid = new(c)["sid"]
        assert c.post("/api/train", json={"sid": sid, "epochs": 1}).status_code == 404


def test_sample_graph_names_parameters_and_steps_backward(client):
    sid = new(client, hidden="3", activation="sigmoid")["sid"]
    g = client.get("/api/sample", params={"sid": sid, "set": "test", "index": 2}).json()
    nodes = set(re.findall(r'data-node="([^"]+)"', g["svg"]))
    assert {"W1", "b1", "W2", "b2", "x", "target", "L"} <= nodes
    assert [s["step"] for s in g["steps"]] == list(range(1, len(g["steps"]) + 1))
    assert g["steps"][0]["node"] in nodes and g["steps"][0]["upstream"] == "1"
    assert any(s["op"] == "sigmoid" for s in g["steps"])


def test_apple_graph_endpoint(client):
    g = client.get("/api/graph").json()
    assert g["output"] == "220"
    assert g["grads"] == {"price": "2.2", "count": "110", "tax": "200"}
    g = client.get("/api/graph", params={"expr": "(x + y) * z", "x": 1, "y": 2, "z": 3}).json()
    assert g["output"] == "9" and g["grads"]["z"] == "3"


@pytest.mark.parametrize("params, word", [
    ({"expr": "__import__('os').system('x')", "x": "1"}, "not allowed"),
    ({"expr": "__import__('os')", "x": "1"}, "unknown function"),
    ({"expr": "x.__class__", "x": "1"}, "attribute"),
    ({"expr": "x*y", "x": "1"}, "unknown name"),
    ({"expr": "x", "x": "abc"}, "number"),
    ({"expr": "x" * 400, "x": "1"}, "300"),
    ({"expr": "2 * 3"}, "no variable"),
    ({"expr": "(" * 250 + "x" + ")" * 250, "x": "1"}, ""),
])
def test_hostile_expressions_are_refused(client, params, word):
    r = client.get("/api/graph", params=params)
    assert r.status_code == 400 and word in r.json()["error"]


def test_lesson_endpoints(client):
    xor = client.get("/api/perceptron", params={"gate": "xor", "epochs": 30}).json()
    assert xor["converged"] is False and len(xor["epochs"]) == 30
    assert client.get("/api/perceptron", params={"gate": "and"}).json()["converged"] is True
    d = client.get("/api/descent", params={"f": "x**2", "x0": 3, "lr": 0.1, "steps": 3}).json()
    assert d["xs"][:3] == pytest.approx([3.0, 2.4, 1.92])
    assert d["taylor1"][0] == pytest.approx(9 - 0.1 * 36)
    assert client.get("/api/descent", params={"f": "x**2", "lr": 1.1}).json()["diverged"]
    assert client.get("/api/descent", params={"f": "x**2", "method": "newton", "lr": 1}
                      ).json()["xs"][1] == pytest.approx(0.0)
    z = client.get("/api/descent", params={"zigzag": 1, "lr": 0.9, "steps": 5}).json()
    assert z["path"][1] == pytest.approx([-6.37, -1.6])          # y flips sign: zig-zag
    a = client.get("/api/activation", params={"name": "elu", "param": 0.5}).json()
    assert a["dy"][-1] == pytest.approx(1.0) and a["y"][0] == pytest.approx(0.5 * (np.exp(-5) - 1))
    for bad in [{"gate": "xnor"}, {"lr": "x"}]:
        assert client.get("/api/perceptron", params=bad).status_code == 400
    assert client.get("/api/descent", params={"f": "import os"}).status_code == 400
    assert client.get("/api/activation", params={"name": "gelu"}).status_code == 400
    assert client.get("/api/i18n", params={"lang": "ko"}).json()["backward"] == "역전파"


def test_csv_upload(client):
    sid = new(client)["sid"]
    rows = "x1,x2,label\n" + "\n".join(f"{i % 7},{i % 5},{i % 2}" for i in range(40))
    r = client.post(f"/api/upload?sid={sid}", content=rows.encode())
    st = r.json()["state"]
    assert r.status_code == 200 and st["config"]["dataset"] == "csv" and len(st["train"]) == 20
    for bad, word in [(b"", "empty"), (b"a,b,c\n" + b"1,2\n" * 4, "columns"),
                      (b"1,2,1\n", "4 data rows"), (b"1,2,x\n" * 5, "number"),
                      (b"\xff\xfe" * 10, "UTF-8"), (b"1,2,3\n" * 6000, "rows"),
                      (b"1,2,nan\n" * 5, "NaN")]:
        r = client.post(f"/api/upload?sid={sid}", content=bad)
        assert r.status_code == 400 and word in r.json()["error"], bad[:20]
    r = client.post(f"/api/upload?sid={sid}", content=b"1" * 1_000_001)
    assert r.status_code == 413


# ---- size caps on request bodies: refused (413, naming the cap) whether the client declares
# the length or streams the body without one (chunked); a body at the cap is read
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


def test_parse_csv_regression_labels():
    x, y, task = parse_csv(b"1,2,0.5\n2,3,1.5\n3,1,-2\n0,0,7\n")
    assert task == "regression" and np.abs(y).max() == pytest.approx(1.0)


def test_export_code_reproduces_the_session(tmp_path, client, monkeypatch):
    import subprocess
    import sys

    config = parse_config({"dataset": "xor", "hidden": "3", "reg": "l2", "regrate": "0.001",
                           "seed": "7", "points": "100"})
    s = Session(config)
    s.train(epochs=1)
    script = tmp_path / "playground.py"
    script.write_text(python_code(config, epochs=1))
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    loss = float(re.search(r"training loss ([\d.]+)", done.stdout).group(1))
    assert loss == pytest.approx(s.history[-1][1], abs=1e-4)
    assert (tmp_path / "playground-model.npz").exists()
    sid = new(client)["sid"]
    r = client.get("/api/export", params={"sid": sid})
    assert r.status_code == 200 and "get_optimizer" in r.text
    r = client.get("/api/model", params={"sid": sid})
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_config_errors_name_the_parameter():
    with pytest.raises(ConfigError, match=r"lr must be a number in \[1e-06, 10\]; received "
                                          r"lr='abc'"):
        parse_config({"lr": "abc"})


def test_fuzz_endpoints_with_random_queries_and_bodies(client):
    rng = random.Random(0)
    keys = ["dataset", "activation", "hidden", "lr", "seed", "noise", "batch", "features",
            "optimizer", "sid", "index", "set", "expr", "x", "gate", "f", "name", "param",
            "epochs", "budget_ms", "zigzag", "lang"]
    junk = ["", "-1", "1e308", "nan", "<script>", "../../etc/passwd", "ä" * 50, "16," * 20,
            "0x10", "[]", "{}", "null", "tanh", "xor", "3", "0.5"]
    gets = ["/api/sample", "/api/graph", "/api/perceptron", "/api/descent", "/api/activation",
            "/api/export", "/api/i18n", "/", "/graph"]
    posts = ["/api/session", "/api/update", "/api/train", "/api/reset", "/api/upload"]
    sid = new(client)["sid"]
    for _ in range(120):
        params = {rng.choice(keys): rng.choice(junk) for _ in range(rng.randint(0, 4))}
        r = client.get(rng.choice(gets), params=params)
        assert r.status_code in (200, 400, 404, 413), (r.status_code, params)
        body = rng.choice([json.dumps({"sid": sid, "config": params, "epochs": 1}),
                           json.dumps(params), "{" * rng.randint(1, 3000), "null", "\x00\xff",
                           json.dumps([params])])
        r = client.post(rng.choice(posts), content=body.encode("utf-8", "replace"),
                        params={"sid": sid} if rng.random() < 0.5 else {})
        assert r.status_code in (200, 400, 404, 413), (r.status_code, body[:80])
    assert client.get("/api/graph").status_code == 200        # still serving
