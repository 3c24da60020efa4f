"""Bench of the web app (issue 10): its transferred size (JS + CSS, gzip) and, on the local
stack, the time to render a basket of 200 cases after the data arrives, measured in the page
(performance.measure 'bakje:weergave' in web/js/screens/basket.js) in headless Chromium.

    python -m tests.browser.bench            # prints both figures
"""
from __future__ import annotations

import contextlib
import io
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for folder in (ROOT / "layers" / "common", ROOT):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

CODE = "GM0344"
CASES = 200
HOUSEHOLDS = 230     # a few households share an address or join a case: at least 200 cases
RUNS = 5
GOAL_MS = 300
ONE_BASKET = {"schema_version": 1, "label": "Bench: alles in een bakje",
              "baskets": [{"id": "alles", "name": "Alle zaken", "action": "none"}]}


def seed(stack, keys) -> int:
    from vroegsignaal import clock

    from infra.demo_data import demo_signals

    from .conftest import _api

    status, _ = _api(stack.base_url, "PUT", f"/municipalities/{CODE}/criteria", keys[CODE], ONE_BASKET)
    assert status == 201, status
    for partner_id, batch in demo_signals(clock.today(), households_per_municipality=HOUSEHOLDS).items():
        mine = [signal for signal in batch if signal["municipality_code"] == CODE]
        for start in range(0, len(mine), 100):
            status, _ = _api(stack.base_url, "POST", "/signals/batch", keys[partner_id], {"signals": mine[start:start + 100]})
            assert status == 200, status
    stack.wait_until_quiet(timeout=600)
    _, baskets = _api(stack.base_url, "GET", f"/municipalities/{CODE}/baskets", keys[CODE])
    return next(b["open_cases"] for b in baskets["baskets"] if b["id"] == "alles")


def render_times(web_url: str, key: str) -> list[float]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from .app import use_key
    from .conftest import start_chromium

    browser = start_chromium()
    try:
        use_key(browser, type("Web", (), {"url": web_url})(), key=key, code=CODE)
        times = []
        for _ in range(RUNS):
            browser.get(f"{web_url}/#/{CODE}/werkbakjes")
            browser.refresh()   # a fresh page each run: nothing left from the one before
            browser.get(f"{web_url}/#/{CODE}/bakjes/alles?aantal={CASES}")
            WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".table-wrapper[data-klaar]"))
            rows = len(browser.find_elements(By.CSS_SELECTOR, "#zaken tbody tr"))
            assert rows == CASES, rows
            times.append(browser.execute_script(
                "return performance.getEntriesByName('bakje:weergave').slice(-1)[0].duration"))
        return times
    finally:
        browser.quit()


def main() -> int:
    from infra.local import LocalStack
    from web.size import BUDGET_BYTES, sizes

    from .server import WebServer

    figures = sizes()
    print(f"web app transferred size: JS + CSS {figures['gzip'] / 1024:.1f} KB gzip in {figures['files']} files "
          f"(goal ≤ {BUDGET_BYTES // 1024} KB); index.html {figures['html_gzip'] / 1024:.1f} KB", flush=True)
    with contextlib.redirect_stdout(io.StringIO()), LocalStack(
            port=0, tenants=ROOT / "infra" / "tenants.demo.json", environment={"POWERTOOLS_LOG_LEVEL": "WARNING"}) as stack:
        keys = {tenant.id: tenant.api_key for tenant in stack.tenants}
        cases = seed(stack, keys)
        web = WebServer(api_base=stack.base_url).start()
        try:
            times = render_times(web.url, keys[CODE]) if cases >= CASES else []
        finally:
            web.stop()
    if not times:
        print(f"basket render: only {cases} cases were made, fewer than {CASES}")
        return 1
    print(f"basket of {CASES} cases rendered {statistics.median(times):.1f} ms after the data arrived "
          f"(median of {RUNS}; min {min(times):.1f}, max {max(times):.1f}; goal ≤ {GOAL_MS} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
