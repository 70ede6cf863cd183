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
