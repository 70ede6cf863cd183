"""No one-time token of an e-mail link in gunicorn's access or error log."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config as GunicornConfig

from wirnet.config import PROJECT_ROOT
from wirnet.gunicorn_logging import RedactingLogger
from wirnet.log_redaction import TOKEN_PATH_PREFIXES, redact

TOKEN = "eyJ1aWQiOjQyfQ.aGVsbG8.c2VjcmV0LXRva2Vu"
COMBINED = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(U)s %(q)s'


@pytest.fixture
def gunicorn_logger(tmp_path):
    """``gunicorn_logger(format)``: the logger writing to access.log and error.log."""
    made: list[RedactingLogger] = []

    def make(access_format: str = COMBINED) -> RedactingLogger:
        cfg = GunicornConfig()
        cfg.set("accesslog", str(tmp_path / "access.log"))
        cfg.set("errorlog", str(tmp_path / "error.log"))
        cfg.set("access_log_format", access_format)
        made.append(RedactingLogger(cfg))
        return made[-1]

    yield make
    for logger in made:  # gunicorn's loggers are global: leave no open file behind
        for log in (logger.access_log, logger.error_log):
            for handler in list(log.handlers):
                handler.close()
                log.removeHandler(handler)


def read_log(path) -> str:
    for name in ("gunicorn.access", "gunicorn.error"):
        for handler in logging.getLogger(name).handlers:
            handler.flush()
    return path.read_text()


def log_request(logger: RedactingLogger, path: str, query: str = "", referer: str = "-") -> None:
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": path + (f"?{query}" if query else ""),
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "test",
    }
    response = SimpleNamespace(status="302 FOUND", headers=[("Location", path)], sent=0)
    request = SimpleNamespace(headers=[("REFERER", referer), ("HOST", "wirnet.example")])
    logger.access(response, request, environ, timedelta(milliseconds=3))


@pytest.mark.parametrize("prefix", TOKEN_PATH_PREFIXES)
def test_the_access_log_keeps_no_token(gunicorn_logger, tmp_path, prefix):
    logger = gunicorn_logger()
    log_request(
        logger, prefix + TOKEN, query="lang=de", referer=f"https://x.example{prefix}{TOKEN}"
    )
    line = read_log(tmp_path / "access.log")
    assert TOKEN not in line
    assert f'"POST {prefix}[redacted]?lang=de HTTP/1.1" 302' in line
    assert f"https://x.example{prefix}[redacted]" in line
    assert line.rstrip().endswith(f"{prefix}[redacted] lang=de")


def test_header_and_environ_atoms_are_redacted_too(gunicorn_logger, tmp_path):
    logger = gunicorn_logger("%({referer}i)s %({location}o)s %({raw_uri}e)s")
    path = "/auth/reset/" + TOKEN
    log_request(logger, path, referer="https://wirnet.example" + path)
    line = read_log(tmp_path / "access.log")
    assert TOKEN not in line
    assert line.count("/auth/reset/[redacted]") == 3


def test_other_paths_are_logged_as_they_are(gunicorn_logger, tmp_path):
    logger = gunicorn_logger()
    log_request(logger, "/auth/login", query="next=/home")
    assert '"POST /auth/login?next=/home HTTP/1.1"' in read_log(tmp_path / "access.log")


def test_the_error_log_keeps_no_token(gunicorn_logger, tmp_path):
    logger = gunicorn_logger()
    logger.error("Error handling request %s", "/auth/confirm/" + TOKEN)
    text = read_log(tmp_path / "error.log")
    assert TOKEN not in text
    assert "Error handling request /auth/confirm/[redacted]" in text


def test_the_logger_class_is_found_by_its_gunicorn_name():
    cfg = GunicornConfig()
    cfg.set("logger_class", "wirnet.gunicorn_logging.RedactingLogger")
    assert cfg.logger_class is RedactingLogger


def test_make_run_uses_it():
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert "--logger-class wirnet.gunicorn_logging.RedactingLogger" in makefile


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/auth/reset/abc.def-ghi_jk", "/auth/reset/[redacted]"),
        ("/wirnet/auth/email/abc/more?x=1", "/wirnet/auth/email/[redacted]/more?x=1"),
        ("/auth/confirm/", "/auth/confirm/"),
        ("/auth/resetting/abc", "/auth/resetting/abc"),
        ("/auth/login?next=/home", "/auth/login?next=/home"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected
