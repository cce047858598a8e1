"""The branding settings page: an admin sets the firm's name, colour and logo; the logo is
checked by its content and size, stored under MEDIA_ROOT, served at an address of its own and
shown on every client page instead of the vendor's."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feedback.models import AuditEvent, Firm
from feedback.workspace.services.branding import MAX_LOGO_BYTES
from tests.feedback.conftest import browser_for
from tests.feedback.workspace.branding_images import SVG_WITH_SCRIPT, png

pytestmark = pytest.mark.django_db
URL = reverse("workspace:branding")


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(member, content: bytes, name: str = "logo.png", **fields):
    data = {"name": "Acme Legal", "primary_colour": "#0b5394", **fields}
    if content:
        data["logo"] = SimpleUploadedFile(name, content, content_type="image/png")
    return browser_for(member).post(URL, data)


def test_an_admin_uploads_a_logo_and_client_pages_show_it(
    admin_member, firm, media, client, django_capture_on_commit_callbacks
):
    # given a PNG logo
    image = png()

    # when the admin saves the branding with it
    response = upload(admin_member, image)

    # then the firm has its name, colour and the stored file
    assert response.status_code == 302
    firm.refresh_from_db()
    assert (firm.name, firm.primary_colour) == ("Acme Legal", "#0b5394")
    assert firm.logo.name.startswith(f"logos/{firm.slug}-") and firm.logo.name.endswith(".png")
    assert (media / firm.logo.name).read_bytes() == image
    assert AuditEvent.objects.filter(firm=firm, action="firm.branding").exists()
    # the portal's sign-in page shows it, and its address serves the image to anyone
    portal = client.get(reverse("portal:sign_in", kwargs={"firm_slug": firm.slug}))
    assert f'src="{firm.logo_src}"' in portal.content.decode()
    served = client.get(firm.logo_src)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == image
    assert "immutable" in served["Cache-Control"]

    # when a new logo replaces it
    old_src, old_name = firm.logo_src, firm.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        assert upload(admin_member, png(rgb=(0, 90, 0))).status_code == 302
    firm.refresh_from_db()

    # then the new address serves, the old one is gone with its file
    assert firm.logo_src != old_src
    assert client.get(old_src).status_code == 404
    assert not (media / old_name).exists()
    assert client.get(firm.logo_src).status_code == 200


@pytest.mark.parametrize(
    ("content", "name", "error"),
    [
        (SVG_WITH_SCRIPT, "logo.svg", "must be a PNG, JPEG, WebP or GIF"),
        (b"just text, named like an image", "logo.png", "must be a PNG, JPEG, WebP or GIF"),
        (png() + b"\x00" * MAX_LOGO_BYTES, "big.png", "at most 512 KB"),
    ],
)
def test_a_logo_that_is_not_a_small_image_is_refused(
    admin_member, firm, media, content, name, error
):
    response = upload(admin_member, content, name)
    assert response.status_code == 400
    assert error in response.content.decode()
    firm.refresh_from_db()
    assert not firm.logo and firm.name != "Acme Legal"
    assert not list(media.rglob("*.*"))


def test_removing_the_logo_goes_back_to_the_firms_name(admin_member, firm, client):
    upload(admin_member, png())
    response = upload(admin_member, b"", remove_logo="on")
    assert response.status_code == 302
    firm.refresh_from_db()
    assert not firm.logo and firm.logo_src == ""
    portal = client.get(reverse("portal:sign_in", kwargs={"firm_slug": firm.slug})).content
    assert b'class="client-logo"' not in portal and b"Acme Legal" in portal


def test_only_the_firms_admins_change_the_branding(analyst, outsider, firm):
    assert browser_for(analyst).get(URL).status_code == 403
    assert upload(analyst, png()).status_code == 403
    # another firm's admin changes their own firm only
    assert upload(outsider, png()).status_code == 302
    firm.refresh_from_db()
    assert not firm.logo and Firm.objects.get(pk=outsider.firm_id).logo


def test_a_logo_address_of_another_name_or_firm_is_not_found(admin_member, firm, client):
    upload(admin_member, png())
    firm.refresh_from_db()
    name = firm.logo.name.rsplit("/", 1)[-1]
    assert client.get(reverse("brand_logo", args=[firm.slug, "other.png"])).status_code == 404
    assert client.get(reverse("brand_logo", args=["no-such-firm", name])).status_code == 404
