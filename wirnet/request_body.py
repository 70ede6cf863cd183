"""What a request body may be: a form, and not too large. Checked once, before anything else.

Every view that takes data takes an HTML form, so a body must be form-encoded or multipart
(anything else, such as JSON or text/plain, is refused with 415), and no larger than
``MAX_CONTENT_LENGTH`` (413, answered from the Content-Length header before the body is
read; a body sent without one is cut off by Werkzeug at the same size).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, current_app, request

#: The only bodies a view accepts: what an HTML form sends.
FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The form-memory limit of a view that ``accepts_upload`` (see ``check_body``).
UPLOAD_FORM_MEMORY_SIZE = 256 * 1024


def _has_body() -> bool:
    if request.content_length:
        return True
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def accepts_upload(max_bytes: int) -> Callable[[Callable], Callable]:
    """Mark a view that takes a file: its requests may be up to ``max_bytes`` large
    (instead of ``MAX_CONTENT_LENGTH``). The view checks the file's own size."""

    def mark(view: Callable) -> Callable:
        view.wirnet_max_content_length = max_bytes  # type: ignore[attr-defined]
        return view

    return mark


def check_body() -> None:
    """Refuse a body that is too large (413) or is not a form (415)."""
    if request.method not in BODY_METHODS or request.routing_exception is not None:
        return  # no body expected, or an unknown URL or method: 404/405 answer that
    view = current_app.view_functions.get(request.endpoint or "")
    upload_limit = getattr(view, "wirnet_max_content_length", None)
    if upload_limit is not None:
        request.max_content_length = upload_limit  # before anything reads the body
        # Werkzeug's multipart parser reads 64 KiB chunks and refuses (413) when a chunk
        # plus the few bytes it held back exceed MAX_FORM_MEMORY_SIZE, for file parts too:
        # at 64 KiB nearly every file over 64 KiB would be refused.
        request.max_form_memory_size = max(
            request.max_form_memory_size or 0, UPLOAD_FORM_MEMORY_SIZE
        )
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)
    if _has_body() and request.mimetype not in FORM_MIMETYPES:
        abort(415)


def init_app(app: Flask) -> None:
    # First of all before_request functions: before the CSRF check or a limiter reads it.
    app.before_request_funcs.setdefault(None, []).insert(0, check_body)
