from wirnet.roles import Role


def test_public_page_explains_the_centre_and_how_to_volunteer(client):
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "How to volunteer" in page
    assert 'href="/auth/signup"' in page


def test_each_role_has_a_home_page_saying_what_to_do_next(client_as):
    expected = {
        "volunteer": "What happens next",
        "org_member": "What you can do here",
        "coordinator": "Your tasks",
        "admin": "Administration",
    }
    for role, heading in expected.items():
        response = client_as(role).get("/home", headers={"Accept-Language": "en"})
        assert response.status_code == 200, role
        assert heading in response.get_data(as_text=True), role


def test_coordinator_home_counts_accounts_by_role(client_as, users):
    page = (
        client_as("coordinator")
        .get("/home", headers={"Accept-Language": "en"})
        .get_data(as_text=True)
    )
    assert "Volunteers" in page
    assert users["coordinator"].role is Role.COORDINATOR


def test_pages_are_light_enough_for_a_slow_phone_connection(client_as):
    """A page's HTML plus its CSS stays under 50 KB."""
    css = client_as("anonymous").get("/static/css/wirnet.css")
    css_size = len(css.data)
    css.close()
    for role, paths in {
        "anonymous": [
            "/",
            "/privacy",
            "/contact",
            "/imprint",
            "/auth/login",
            "/auth/signup",
            "/auth/forgot",
        ],
        "volunteer": ["/home", "/auth/account"],
        "coordinator": ["/home"],
    }.items():
        client = client_as(role)
        for path in paths:
            size = len(client.get(path).data) + css_size
            assert size < 50 * 1024, (path, size)


def test_the_stylesheet_is_served_minified_with_every_rule_kept(client_as):
    """Comments and indentation are for people; the phone gets the rules alone."""
    import re
    from pathlib import Path

    from wirnet.stylesheet import minify

    source = (Path(__file__).parents[2] / "wirnet/static/css/wirnet.css").read_text()
    response = client_as("anonymous").get("/static/css/wirnet.css")
    served = response.data.decode()
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert "/*" not in served and len(served) < len(source) * 0.9
    assert served == minify(source)
    # Every rule is still there: as many blocks as the source has outside its comments.
    uncommented = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    assert served.count("{") == uncommented.count("{") > 50
    assert served.count(";") + served.count("}") >= uncommented.count(";")
    again = client_as("anonymous").get(
        "/static/css/wirnet.css", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    response.close()
    again.close()
