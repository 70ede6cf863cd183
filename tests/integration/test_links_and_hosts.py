"""Links in e-mails come from WIRNET_BASE_URL, never from the request; other hosts are refused.

An attacker who can choose the Host (or, behind a proxy, X-Forwarded-Host) of a
``POST /auth/forgot`` must not be able to mail the owner a working reset link to their
own server.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import log_in, make_app
from tests.factories import PASSWORD
from tests.helpers import LINK, outbox
from wirnet import create_app
from wirnet.config import PROJECT_ROOT, ConfigError, LocalConfig

BASE = "https://wirnet.example/wirnet"


@pytest.fixture
def based_app(database_url):
    """Links go to BASE (with a path prefix); the test client talks to localhost."""
    return make_app(database_url, BASE_URL=BASE)


def links(to: str, template: str) -> list[str]:
    messages = outbox(to, template)
    assert messages, f"no {template} message to {to}"
    return LINK.findall(messages[-1].body_text)


def test_a_forged_host_cannot_get_a_reset_link_mailed(client, users):
    owner = users["admin"]
    response = client.post(
        "/auth/forgot", data={"email": owner.email}, base_url="http://evil.example"
    )
    assert response.status_code == 400
    assert outbox(owner.email) == []


def test_a_forged_forwarded_host_behind_the_proxy_is_refused_too(database_url, users):
    owner = users["admin"]
    client = make_app(database_url, PROXY_FIX=1).test_client()
    response = client.post(
        "/auth/forgot",
        data={"email": owner.email},
        headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 400
    assert outbox(owner.email) == []
    # The proxy's own host goes through, and the link still comes from the base URL.
    response = client.post(
        "/auth/forgot", data={"email": owner.email}, headers={"X-Forwarded-Host": "localhost"}
    )
    assert response.status_code == 302
    [link] = links(owner.email, "reset_password")
    assert link.startswith("http://localhost/auth/reset/")


def test_the_reset_link_starts_with_the_base_url_and_works(based_app, users):
    owner = users["volunteer"]
    client = based_app.test_client()
    assert client.post("/auth/forgot", data={"email": owner.email}).status_code == 302
    [link] = links(owner.email, "reset_password")
    assert link.startswith(BASE + "/auth/reset/")
    path = link.removeprefix(BASE)
    assert client.get(path).status_code == 200


def test_every_link_in_every_account_mail_starts_with_the_base_url(based_app, users):
    client = based_app.test_client()
    signup = {
        "display_name": "Olena",
        "email": "olena@example.org",
        "password": "Sonnenblumen am Fenster 7",
        "password_confirm": "Sonnenblumen am Fenster 7",
        "locale": "en",
        "privacy_consent": "y",
    }
    client.post("/auth/signup", data=signup)  # confirmation link
    client.post("/auth/signup", data={**signup, "email": users["volunteer"].email})  # taken
    client.post("/auth/forgot", data={"email": users["volunteer"].email})
    log_in(client, users["coordinator"])
    client.post(
        "/auth/account/email",
        data={"email-new_email": "leyla@example.org", "email-current_password": PASSWORD},
    )
    found = [(m.template, url) for m in outbox() for url in LINK.findall(m.body_text)]
    templates = {template for template, _url in found}
    assert {"confirm_email", "signup_existing", "reset_password", "confirm_email_change"} <= (
        templates
    )
    for template, url in found:
        assert url.startswith(BASE + "/"), (template, url)


def test_links_are_built_outside_a_request_too(based_app):
    from wirnet.urls import external_url

    with based_app.app_context():
        assert external_url("auth.login") == BASE + "/auth/login"
        assert external_url("auth.reset_password", token="abc") == BASE + "/auth/reset/abc"


def test_no_module_builds_a_link_from_the_request_host():
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "wirnet").rglob("*.py")
        if re.search(r"_external\s*=\s*True", path.read_text(encoding="utf-8"))
        and path.name != "urls.py"
    ]
    offenders += [
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "templates").rglob("*")
        if path.is_file() and "_external" in path.read_text(encoding="utf-8")
    ]
    assert offenders == [], "use wirnet.urls.external_url, which builds from BASE_URL"


# --- The production profile ----------------------------------------------------------------


@pytest.fixture
def production_env(monkeypatch, database_url):
    monkeypatch.setenv("WIRNET_ENV", "production")
    monkeypatch.setenv("WIRNET_SECRET_KEY", "production-secret-" + "x" * 40)
    monkeypatch.setenv("WIRNET_DATABASE_URL", database_url)
    monkeypatch.setenv("WIRNET_BASE_URL", "https://wirnet.example")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    return monkeypatch


def test_production_needs_a_base_url_and_says_so(production_env):
    production_env.delenv("WIRNET_BASE_URL")
    with pytest.raises(ConfigError, match="WIRNET_BASE_URL is not set"):
        create_app()


@pytest.mark.parametrize(
    "value",
    ["http://wirnet.example", "wirnet.example", "https://wirnet.example/?x=1", "ftp://x.example"],
)
def test_production_refuses_a_base_url_it_cannot_serve(production_env, value):
    production_env.setenv("WIRNET_BASE_URL", value)
    with pytest.raises(ConfigError, match="WIRNET_BASE_URL"):
        create_app()


def test_the_https_redirect_goes_to_the_base_url_not_the_request_host(production_env):
    production_env.setenv("WIRNET_BASE_URL", "https://wirnet.example/wirnet/")
    client = create_app().test_client()
    response = client.get("/auth/login?next=/home", base_url="http://wirnet.example")
    assert response.status_code == 308
    assert response.headers["Location"] == "https://wirnet.example/wirnet/auth/login?next=/home"
    # Another host is refused, not redirected to itself.
    response = client.get("/auth/login", base_url="http://evil.example")
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")


def test_production_answers_only_its_own_host(production_env):
    client = create_app().test_client()
    assert client.get("/", base_url="https://wirnet.example").status_code == 200
    assert client.get("/", base_url="https://localhost").status_code == 400
    assert client.get("/", base_url="https://evil.example").status_code == 400
    # A load balancer probes the health check by the server's address, over plain http.
    response = client.get("/healthz", base_url="http://10.0.3.7:8000")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "db": "ok"}


def test_the_local_profile_links_to_the_port_of_make_run(monkeypatch, tmp_path):
    monkeypatch.delenv("WIRNET_BASE_URL", raising=False)
    monkeypatch.setenv("WIRNET_PORT", "5050")
    assert LocalConfig.from_env()["BASE_URL"] == "http://127.0.0.1:5050"
    monkeypatch.delenv("WIRNET_PORT")
    assert LocalConfig.from_env()["BASE_URL"] == "http://127.0.0.1:5000"
    monkeypatch.setenv("WIRNET_BASE_URL", "http://192.168.1.20:8080")
    assert LocalConfig.from_env()["BASE_URL"] == "http://192.168.1.20:8080"


def test_the_local_profile_answers_localhost_and_its_base_url_host(database_url):
    app = make_app(database_url, ENV_NAME="local", BASE_URL="http://192.168.1.20:5000")
    client = app.test_client()
    for host in ("http://127.0.0.1:5000", "http://localhost:5000", "http://192.168.1.20:5000"):
        assert client.get("/", base_url=host).status_code == 200, host
    assert client.get("/", base_url="http://evil.example").status_code == 400
