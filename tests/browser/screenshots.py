"""`make screenshots`: every main page of every demo role on a phone, in German and in the
three right-to-left languages (Arabic, Persian, Pashto), as full-page PNGs with an
index.html, for a reviewer to look at.

    python -m tests.browser.screenshots --out screenshots/

Starts the app on a scratch SQLite database with the demo data (``wirnet.demo``), serves it
on loopback, logs in as each demo account in Debian's chromium and photographs the pages
that main_pages.py names (the same the accessibility checks visit). Nothing is kept but
the pictures.

The pictures use the machine's fonts: with Debian's DejaVu alone a few Pashto letters (ۍ)
show as boxes, which a phone does not; `apt-get install fonts-noto-core` shows them.
"""

from __future__ import annotations

import argparse
import html
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.main_pages import ACCOUNTS, ROLES, log_in, main_pages, seed, use_locale
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, serving
from wirnet import create_app
from wirnet.extensions import db

LOCALES = ("de", "ar", "fa", "ps")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.browser.screenshots", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="folder for PNGs")
    parser.add_argument("--width", type=int, default=360, help="viewport width in CSS px")
    parser.add_argument("--scale", type=float, default=1, help="device pixel ratio")
    parser.add_argument("--locales", default=",".join(LOCALES), help="e.g. de,ar")
    parser.add_argument("--roles", default=",".join(ROLES), help=f"of {', '.join(ROLES)}")
    return parser.parse_args(argv)


def _index(
    shots: dict[str, list[tuple[str, str, dict[str, str]]]], width: int, locales: list[str]
) -> str:
    """One section per role, one row per page, one picture per language (its top part; a
    click shows all of it)."""
    sections = []
    for role, rows in shots.items():
        account = ACCOUNTS[role] or "not logged in"
        cells = "".join(
            f"<tr><th scope='row'>{html.escape(name)}<br><code>{html.escape(path)}</code></th>"
            + "".join(
                f"<td><a href='{html.escape(file)}'><img src='{html.escape(file)}'"
                f" alt='{html.escape(f'{role} {name} {locale}')}' loading='lazy'></a></td>"
                for locale in locales
                if (file := files.get(locale))
            )
            + "</tr>"
            for name, path, files in rows
        )
        head = "".join(f"<th scope='col'>{locale}</th>" for locale in locales)
        sections.append(
            f"<section><h2>{html.escape(role)} <small>({html.escape(account)})</small></h2>"
            f"<table><thead><tr><th scope='col'>page</th>{head}</tr></thead>"
            f"<tbody>{cells}</tbody></table></section>"
        )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<title>WIRnet screenshots</title><style>"
        "body{font-family:system-ui,sans-serif;margin:1rem}"
        "table{border-collapse:collapse}th,td{vertical-align:top;padding:.5rem;"
        "border-bottom:1px solid #ccc;text-align:start}th{max-width:14rem}"
        "code{word-break:break-all;font-weight:400}"
        "img{width:240px;max-height:520px;object-fit:cover;object-position:top;"
        "border:1px solid #999}"
        "</style></head><body>"
        f"<h1>WIRnet: the main pages at {width} px</h1>"
        f"<p>Demo data; made {time.strftime('%Y-%m-%d %H:%M')}. Click a picture for the "
        "full size.</p>" + "".join(sections) + "</body></html>"
    )


def take(out: Path, *, width: int, scale: float, locales: list[str], roles: list[str]) -> int:
    """Photograph the pages; returns how many PNGs were written."""
    out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    scratch = Path(tempfile.mkdtemp(prefix="wirnet-screenshots-"))
    shots: dict[str, list[tuple[str, str, dict[str, str]]]] = {}
    try:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch / 'demo.sqlite3'}",
                "WTF_CSRF_ENABLED": True,
                "SERVER_NAME": None,
            }
        )
        with app.app_context():
            db.create_all()
            seed()
            pages = main_pages()
        with serving(app) as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for role in roles:
                context = browser.new_context(
                    viewport={"width": width, "height": 740}, device_scale_factor=scale
                )
                page = context.new_page()
                log_in(page, base_url, role)
                rows = {p.name: (p.name, p.path, {}) for p in pages[role]}
                for locale in locales:
                    with app.app_context():
                        use_locale(context, base_url, role, locale)
                    for main_page in pages[role]:
                        response = page.goto(base_url + main_page.path)
                        if not response.ok:
                            print(f"  {role} {main_page.path}: {response.status}", file=sys.stderr)
                        name = f"{role}-{main_page.name}-{locale}.png"
                        page.screenshot(path=out / name, full_page=True)
                        rows[main_page.name][2][locale] = name
                        print(f"{out / name}")
                shots[role] = list(rows.values())
                context.close()
            browser.close()
        (out / "index.html").write_text(_index(shots, width, locales), encoding="utf-8")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return sum(len(files) for rows in shots.values() for *_, files in rows)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    roles = [role for role in args.roles.split(",") if role]
    unknown = set(roles) - set(ROLES)
    if unknown:
        print(f"unknown roles: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: `make chromium` installs Debian's chromium", file=sys.stderr)
        return 1
    count = take(
        args.out,
        width=args.width,
        scale=args.scale,
        locales=[locale for locale in args.locales.split(",") if locale],
        roles=roles,
    )
    print(f"{count} screenshots and {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
