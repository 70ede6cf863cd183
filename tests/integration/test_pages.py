from wirnet.auth.models import Role


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
    page = client_as("coordinator").get("/home", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    assert "Volunteers" in page
    assert users["coordinator"].role is Role.COORDINATOR
