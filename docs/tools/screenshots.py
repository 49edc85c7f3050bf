"""Refresh the desk screenshots in docs/img: each demo role's landing page at 1280 and 375 px, in English
and Simplified Chinese.

Run against a server with the demo data (``make run`` in another terminal, or ``manage.py runserver``
after ``manage.py seed_demo``)::

    .venv/bin/python docs/tools/screenshots.py --base-url http://127.0.0.1:8000

Uses Debian's Chromium (/usr/bin/chromium) through Playwright, like the browser tests.
"""

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

ROLES = ["agent", "duty", "manager", "engineer", "callback", "hr"]
SIZES = {"1280": {"width": 1280, "height": 860}, "375": {"width": 375, "height": 812}}
LANGUAGES = {"en": "en-US", "zh": "zh-CN"}
OUT = Path(__file__).resolve().parents[1] / "img"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--password", default="demo-pass-2026")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=["--headless", "--no-sandbox"])
        for role in ROLES:
            for lang, locale in LANGUAGES.items():
                for size, viewport in SIZES.items():
                    context = browser.new_context(viewport=viewport, locale=locale, device_scale_factor=1)
                    cookie_lang = "zh-hans" if lang == "zh" else "en"
                    context.add_cookies([{"name": "django_language", "value": cookie_lang, "url": args.base_url}])
                    page = context.new_page()
                    page.goto(f"{args.base_url}/accounts/login/")
                    page.fill("input[name=username]", role)
                    page.fill("input[name=password]", args.password)
                    page.click("button[type=submit]")
                    page.wait_for_load_state("networkidle")
                    target = OUT / f"desk-{role}-{lang}-{size}.png"
                    page.screenshot(path=str(target))
                    print(target.relative_to(OUT.parent.parent), page.url)
                    context.close()
        browser.close()


if __name__ == "__main__":
    main()
