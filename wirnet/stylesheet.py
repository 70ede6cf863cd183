"""The stylesheet, served without its comments and indentation.

``wirnet/static/css/wirnet.css`` is written for people (comments say why a rule is there);
a phone on a slow connection needs none of that. Every page's HTML plus this file stays
under 50 KB, so it is served minified, under the same URL, with an ETag and caching.
"""

from __future__ import annotations

import hashlib
import io
import re
from functools import cache
from pathlib import Path

from flask import Flask, send_file

NAME = "css/wirnet.css"


def minify(css: str) -> str:
    """Drop comments and the whitespace the browser ignores; the rules stay as written."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    css = re.sub(r"\s*([{};,>])\s*", r"\1", css)
    # After a colon only (a space before one is a descendant combinator in a selector),
    # and not inside a quoted string (``content: attr(data-label) ": "``).
    parts = re.split(r"(\"[^\"]*\"|'[^']*')", css)
    css = "".join(part if i % 2 else re.sub(r":\s+", ":", part) for i, part in enumerate(parts))
    return css.replace(";}", "}").strip()


@cache
def _minified(path: Path, mtime: float) -> tuple[bytes, str]:
    data = minify(path.read_text(encoding="utf-8")).encode()
    return data, hashlib.sha256(data).hexdigest()[:20]


def init_app(app: Flask) -> None:
    original = app.view_functions["static"]
    source = Path(app.static_folder or "") / NAME

    def static(filename: str):
        if filename != NAME:
            return original(filename=filename)
        stat = source.stat()
        data, etag = _minified(source, stat.st_mtime)
        return send_file(
            io.BytesIO(data),
            mimetype="text/css",
            etag=etag,
            last_modified=stat.st_mtime,
            max_age=app.get_send_file_max_age(filename),
            conditional=True,
        )

    app.view_functions["static"] = static
