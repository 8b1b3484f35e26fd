"""How fast the playground trains and redraws in a real browser (Chromium through Playwright).

Starts the playground's server on a free loopback port, opens the page in headless Chromium,
presses play for a few seconds and prints, for each setup, the epochs per second the page
showed (its epoch counter) and the boundary redraws per second (frames the page rendered).
Targets: the default network (x1, x2 -> 4 -> 2, 250 training points) at >= 30 epochs/s with
>= 15 redraws/s; 6 x 8 hidden units on 500 training points at >= 5 epochs/s.

Run: PYTHONPATH=src python3 benchmarks/playground.py [--seconds 5]
Needs: pip install 'badak[playground]' playwright; apt-get install chromium.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from playground_server import serving_playground  # noqa: E402  (shared with the browser test)

SETUPS = [
    ("default: x1,x2 -> 4 -> 2, 250 training points", "/?dataset=circle", 30, 15),
    ("6 x 8 hidden units, 500 training points",
     "/?dataset=spiral&hidden=8,8,8,8,8,8&points=1000&ratio=50", 5, None),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with serving_playground() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True,
                                    args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900}, bypass_csp=True)
        print(f"{'setup':48s} {'epochs/s':>9s} {'redraws/s':>10s}  target")
        for name, path, epochs_target, redraw_target in SETUPS:
            page.goto(url + path)
            page.wait_for_function("window.playground && window.playground.state()")
            page.get_by_test_id("play").click()
            page.wait_for_timeout(500)  # warm up
            e0 = page.evaluate("window.playground.state().epoch")
            r0 = page.evaluate("window.playground.renders()")
            t0 = time.perf_counter()
            page.wait_for_timeout(args.seconds * 1000)
            e1 = page.evaluate("window.playground.state().epoch")
            r1 = page.evaluate("window.playground.renders()")
            dt = time.perf_counter() - t0
            page.get_by_test_id("play").click()
            target = f">= {epochs_target} epochs/s" + (
                f", >= {redraw_target} redraws/s" if redraw_target else "")
            print(f"{name:48s} {(e1 - e0) / dt:9.1f} {(r1 - r0) / dt:10.1f}  {target}")
        browser.close()


if __name__ == "__main__":
    main()
