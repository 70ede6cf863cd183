"""Gunicorn's logger, without the one-time tokens of e-mail links.

Use it with ``gunicorn --logger-class wirnet.gunicorn_logging.RedactingLogger`` (``make run``
does; do the same in production). Every access-log atom (request line ``%(r)s``, path
``%(U)s``, query ``%(q)s``, Referer ``%(f)s``, headers ``%({name}i)s``, environ
``%({name}e)s``) and every error-log message has its tokens replaced by ``[redacted]``.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from wirnet.log_redaction import RedactTokensFilter, redact


class RedactingLogger(Logger):
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        self.error_log.addFilter(_ERROR_FILTER)  # "Error handling request /auth/reset/…"

    def atoms(self, resp: Any, req: Any, environ: dict, request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }


_ERROR_FILTER = RedactTokensFilter()
