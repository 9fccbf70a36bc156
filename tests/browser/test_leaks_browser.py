"""Issue 17, case 7, in a real Chromium: markup in the names and texts that reach Pagefind's
search interface (filter values, titles, excerpts) does not run. Codes and short names that
could hold markup are refused by config.toml (tests/test_leaks.py)."""
from __future__ import annotations

import pytest

from browser_support import CHROMIUM, LAUNCH_ARGS, http_server
from tests.conftest import CONFIG, write_site

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (tests/run.sh does)",
                allow_module_level=True)

from playwright.sync_api import sync_playwright          # noqa: E402

from notulist import build                                # noqa: E402

PAYLOAD = "<img src=x onerror=\"window.pwned=(window.pwned||0)+1\">"
MEETING = f"""---
date: 2024-01-10
title: 'Zoekwoordje {PAYLOAD}'
location: '{PAYLOAD}'
attendees:
  - Ann Smith (JenV)
  - (VNG)
---
## 1. Zoekwoordje {PAYLOAD.replace('<', '&lt;')}

- Actie: JenV schrijft zoekwoordje `{PAYLOAD}` in een brief.

Zoekwoordje &lt;img src=x onerror=window.pwned=1&gt; en \\<img src=x onerror=window.pwned=1>.
"""


def test_markup_in_names_and_texts_does_not_run_on_the_search_page(tmp_path):
    config_text = (CONFIG.replace("search = false", "search = true")
                   .replace('name = "Landelijke Regietafel"', f"name = '{PAYLOAD}'")
                   .replace('JenV = "Ministerie van Justitie en Veiligheid"',
                            f"JenV = '{PAYLOAD} Ministerie'"))
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": MEETING}, config_text)
    build(config, tmp_path / "output", cache=False)
    with http_server(tmp_path / "output") as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page()
            page.goto(base + "search/index.html?q=zoekwoordje")
            page.wait_for_selector(".pagefind-ui__result-link", timeout=20000)
            for summary in page.locator("summary.pagefind-ui__filter-name").all():
                summary.click()
            page.wait_for_timeout(500)
            found = page.evaluate("() => [window.pwned || 0, "
                                  "document.querySelectorAll('[onerror]').length, "
                                  "document.querySelectorAll('#search img').length]")
            filters = page.locator("#search").inner_text()
        finally:
            browser.close()
    assert found == [0, 0, 0], found
    assert "LRT" in filters and "JenV" in filters            # the filters were there to see


def test_a_short_name_with_markup_never_reaches_the_search_page(tmp_path):
    """Pagefind's interface puts filter values in as HTML: such a short name is refused, so
    no search page is ever made with it."""
    from notulist import BuildFailed
    config = write_site(tmp_path, {"content/lrt/2024-01-10.md": MEETING},
                        CONFIG.replace("search = false", "search = true")
                        .replace('short = "LRT"', f"short = '{PAYLOAD}'"))
    with pytest.raises(BuildFailed) as failed:
        build(config, tmp_path / "output", cache=False)
    assert "may hold only letters" in failed.value.problems[0].message
    assert not (tmp_path / "output").exists()
