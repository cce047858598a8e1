"""Tenant isolation: selectors, pages and the Django admin across two firms."""

import pytest
from django.contrib.auth.models import Permission

from feedback.models import Client, Feedback
from feedback.selectors import client_list, feedback_get, feedback_list
from tests.factories import ClientFactory, FeedbackFactory, SourceFactory


@pytest.fixture
def two_firms(firm, other_firm, client_of, teammate):
    """Feedback from the account manager's client, a teammate's client, and another firm."""
    theirs = ClientFactory(firm=firm, name="Teammate's client")
    theirs.account_managers.add(teammate)
    rival_client = ClientFactory(firm=other_firm, name="Rival's client")
    source = SourceFactory(firm=firm)
    return {
        "mine": FeedbackFactory(source=source, client=client_of, text="about my client"),
        "team": FeedbackFactory(source=source, client=theirs, text="about a teammate's client"),
        "rival": FeedbackFactory(
            source=SourceFactory(firm=other_firm), client=rival_client, text="rival firm secret"
        ),
    }


@pytest.mark.django_db
def test_account_manager_sees_own_clients_by_default(account_manager, two_firms):
    assert list(feedback_list(member=account_manager)) == [two_firms["mine"]]
    assert [c.name for c in client_list(member=account_manager)] == ["Globex Corp"]


@pytest.mark.django_db
def test_account_manager_can_widen_to_the_firm_but_never_beyond(account_manager, two_firms):
    seen = set(feedback_list(member=account_manager, mine_only=False))

    assert seen == {two_firms["mine"], two_firms["team"]}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["admin_member", "analyst"])
def test_admins_and_analysts_see_the_whole_firm_only(request, persona, two_firms):
    member = request.getfixturevalue(persona)

    assert set(feedback_list(member=member)) == {two_firms["mine"], two_firms["team"]}
    assert "Rival's client" not in {c.name for c in client_list(member=member)}


@pytest.mark.django_db
def test_outsider_cannot_get_another_firms_feedback_by_id(outsider, two_firms):
    with pytest.raises(Feedback.DoesNotExist):
        feedback_get(member=outsider, pk=two_firms["mine"].pk)
    assert list(feedback_list(member=outsider)) == [two_firms["rival"]]


@pytest.mark.django_db
def test_home_page_requires_sign_in(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_home_page_shows_only_the_members_firm(client, admin_member, two_firms):
    client.force_login(admin_member.user)

    body = client.get("/").content.decode()

    assert "about my client" in body and "about a teammate" in body
    assert "rival firm secret" not in body


@pytest.mark.django_db
def test_user_content_is_escaped_on_pages(client, admin_member, api_source):
    FeedbackFactory(source=api_source, text="<script>alert('pwned')</script>")
    client.force_login(admin_member.user)

    body = client.get("/").content.decode()

    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body


@pytest.mark.django_db
def test_signed_in_user_without_a_firm_sees_nothing(client, django_user_model):
    user = django_user_model.objects.create_user("loner", password="x")
    client.force_login(user)

    assert client.get("/").status_code == 403


@pytest.fixture
def staff_admin(admin_member):
    user = admin_member.user
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="feedback"))
    return admin_member


@pytest.mark.django_db
def test_django_admin_lists_only_the_staff_members_firm(client, staff_admin, two_firms):
    client.force_login(staff_admin.user)

    body = client.get("/admin/feedback/client/").content.decode()

    assert "Globex Corp" in body
    assert "Rival&#x27;s client" not in body and "Rival's client" not in body


@pytest.mark.django_db
def test_django_admin_refuses_another_firms_object(client, staff_admin, two_firms):
    rival = Client.objects.get(name="Rival's client")
    client.force_login(staff_admin.user)

    response = client.get(f"/admin/feedback/client/{rival.pk}/change/")

    assert response.status_code == 302  # admin redirects "does not exist" to its index
    assert "Rival" not in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_django_admin_creates_rows_in_the_staff_members_firm(client, staff_admin):
    client.force_login(staff_admin.user)

    response = client.post("/admin/feedback/client/add/", {"name": "New Client", "segment": ""})

    assert response.status_code == 302
    assert Client.objects.get(name="New Client").firm == staff_admin.firm
