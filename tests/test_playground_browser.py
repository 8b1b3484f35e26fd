"""The playground in a real browser: Playwright driving Debian's Chromium (headless).

Skipped, saying why, only when Playwright or the ``chromium`` program is absent; ``.ci/run``
installs both. Every test also checks that the page logged no console error and made no
request to any host but the local server (requests elsewhere are intercepted and refused).
"""

import shutil

import pytest

from playground_server import serving_playground

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytest.importorskip("uvicorn")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("the chromium program is not installed (apt-get install chromium)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def server():
    with serving_playground() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    # bypass_csp: Playwright polls wait_for_function with eval, which the pages' CSP forbids
    context = browser.new_context(viewport={"width": 1200, "height": 900}, bypass_csp=True)
    outside, problems = [], []

    def only_local(route):
        if route.request.url.startswith(server + "/") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    pg = context.new_page()
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" and
          "400" not in m.text and "404" not in m.text else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.set_default_timeout(30000)   # generous: a loaded CI machine trains slower
    pg.server = server
    yield pg
    context.close()
    assert outside == [], f"requests left the machine: {outside}"
    assert problems == [], f"console errors: {problems}"


def epoch(pg) -> int:
    return int(pg.get_by_test_id("epoch").text_content())


def loss(pg, which="train-loss") -> float:
    return float(pg.get_by_test_id(which).text_content())


def test_train_xor_from_a_url_and_the_loss_falls(page):
    page.goto(page.server + "/?dataset=xor&hidden=4,2&activation=tanh&lr=0.1&seed=2&batch=10")
    page.wait_for_function("document.querySelector('[data-testid=train-loss]').textContent "
                           "!== '–'")
    before = loss(page)
    assert page.get_by_test_id("dataset").input_value() == "xor"
    page.get_by_test_id("play").click()
    page.wait_for_function("+document.querySelector('[data-testid=epoch]').textContent >= 60")
    page.get_by_test_id("play").click()
    page.wait_for_function("!window.playground.busy()")   # the last step in flight has landed
    assert loss(page) < before * 0.7
    assert page.locator("#network canvas.neuron").count() >= 2 + 4 + 2 + 1
    # an edge's tooltip: its weight and the neuron's formula with the numbers plugged in
    w = page.evaluate("window.playground.state().weights[0].W[0][0]")
    page.locator("#network line.edge").first.dispatch_event("mousemove", {"clientX": 5,
                                                                           "clientY": 5})
    tip = page.locator("#tooltip").text_content()
    assert f"w = {w:.4f}" in tip and "h1_1 = tanh(" in tip and "·x₁" in tip


def test_learning_rate_changes_mid_training_without_reset(page):
    page.goto(page.server + "/?dataset=circle&lr=0.01")
    page.get_by_test_id("play").click()
    page.wait_for_function("+document.querySelector('[data-testid=epoch]').textContent >= 20")
    page.get_by_test_id("learning-rate").fill("0.1")
    page.get_by_test_id("learning-rate").dispatch_event("change")
    page.wait_for_function("location.search.includes('lr=0.1')")
    reached = epoch(page)
    page.wait_for_function(f"+document.querySelector('[data-testid=epoch]').textContent > "
                           f"{reached + 10}")
    page.get_by_test_id("play").click()
    assert epoch(page) > reached + 10                    # still counting: no reset
    state = page.evaluate("window.playground.state()")
    assert state["config"]["lr"] == 0.1


def test_apple_graph_backward_steps_show_the_numbers(page):
    page.goto(page.server + "/graph")
    nodes = page.locator("svg g.node[data-node]")
    nodes.first.wait_for()
    assert nodes.count() == 7
    assert "220" in page.get_by_test_id("graph-output").text_content()
    for _ in range(3):                                  # forward: price, count, then ×
        page.get_by_test_id("forward-step").click()
    assert page.locator("g.node.dim").count() == 4
    assert page.locator("g.node.active").get_attribute("data-node") == "op1"
    assert "forward pass 3: ×" in page.get_by_test_id("graph-explain").text_content()
    page.get_by_test_id("backward-step").click()
    assert page.locator("g.node.active").get_attribute("data-node") == "op2"
    page.get_by_test_id("backward-step").click()
    text = page.get_by_test_id("graph-explain").text_content()
    for number in ("1.1 × 2 = 2.2", "1.1 × 100 = 110", "1 × 200 = 200"):
        assert number in text
    grads = page.get_by_test_id("graph-grads").text_content()
    assert "price = 2.2" in grads and "count = 110" in grads and "tax = 200" in grads


def test_sample_graph_in_the_playground(page):
    page.goto(page.server + "/?dataset=xor&hidden=3")
    page.wait_for_function("window.playground && window.playground.state()")
    page.evaluate("window.playground.showSample('train', 0)")
    page.locator("g.node[data-node=W1]").wait_for()
    assert page.locator("g.node[data-node=b2]").count() == 1
    page.get_by_test_id("backward-step").click()
    assert "L" in page.get_by_test_id("graph-explain").text_content()
    page.get_by_test_id("add-layer").click()                   # 3 -> 3,4: a new network
    page.wait_for_function("window.playground.state().config.hidden.length === 2")
    assert page.get_by_test_id("hidden").input_value() == "3,4"
    page.get_by_test_id("remove-layer").click()
    page.wait_for_function("window.playground.state().config.hidden.length === 1")


def test_perceptron_page_fails_on_xor(page):
    page.goto(page.server + "/perceptron?gate=xor")
    page.get_by_test_id("learn-run").click()
    page.wait_for_function("document.querySelector('[data-testid=perceptron-status]')"
                           ".textContent.length > 0")
    assert "XOR does not converge" in page.get_by_test_id("perceptron-status").text_content()
    page.get_by_test_id("gate").select_option("and")
    page.get_by_test_id("learn-run").click()
    page.wait_for_function("document.querySelector('[data-testid=perceptron-status]')"
                           ".textContent.startsWith('Converged')")


def test_korean_pages(page):
    page.goto(page.server + "/graph?lang=ko")
    page.get_by_test_id("backward-step").wait_for()
    assert page.get_by_test_id("backward-step").text_content() == "역전파 한 단계"
    assert "계산 그래프" in page.locator("nav").text_content()
    assert page.evaluate("document.fonts.check('16px BadakHangul', '역전파')")
    page.get_by_test_id("lang-toggle").click()
    page.wait_for_url("**lang=en**")
    assert page.get_by_test_id("backward-step").text_content() == "Backward step"


def test_bad_input_shows_a_message_and_the_server_keeps_serving(page):
    page.goto(page.server + "/?lr=abc&hidden=4")
    error = page.get_by_test_id("error")
    error.wait_for()
    assert "lr must be a number" in error.text_content()
    page.wait_for_function("window.playground.state()")       # defaults were loaded instead
    page.goto(page.server + "/?hidden=16,16,16,16,16,16,16,16,16")
    assert "at most 8 layers" in page.get_by_test_id("error").text_content()
    page.goto(page.server + "/graph?expr=__import__('os')&x=1")
    assert "unknown function" in page.get_by_test_id("error").text_content()
    page.goto(page.server + "/?dataset=moons")
    page.wait_for_function("window.playground.state()")
    assert page.get_by_test_id("error").is_hidden()
    page.get_by_test_id("hidden").fill("99")
    page.get_by_test_id("hidden").dispatch_event("change")
    page.get_by_test_id("error").wait_for()
    assert "hidden must be an integer" in page.get_by_test_id("error").text_content()
    page.get_by_test_id("step").click()                        # and training still works
    page.wait_for_function("+document.querySelector('[data-testid=epoch]').textContent >= 1")


def test_descent_and_activation_pages(page):
    page.goto(page.server + "/descent?f=x**2&lr=1.1")
    page.get_by_test_id("descent-table").locator("tr").nth(1).wait_for()
    for _ in range(30):
        page.get_by_test_id("step").click()
    assert "Diverged" in page.get_by_test_id("descent-status").text_content()
    page.goto(page.server + "/activations?name=relu")
    page.get_by_test_id("activation-plot").wait_for()
    assert page.get_by_test_id("activation").input_value() == "relu"


def test_pages_work_under_their_content_security_policy(browser, server):
    context = browser.new_context()            # CSP enforced: nothing may load from elsewhere
    problems = []
    pg = context.new_page()
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    try:
        for path in ["/?dataset=xor", "/graph", "/perceptron", "/descent", "/activations"]:
            pg.goto(server + path)
            pg.locator("#app > *").first.wait_for()
        pg.goto(server + "/graph")
        pg.locator("g.node").first.wait_for()
        pg.get_by_test_id("backward-step").click()
        assert "1 × 200 = 200" in pg.get_by_test_id("graph-explain").text_content()
    finally:
        context.close()
    assert problems == []
