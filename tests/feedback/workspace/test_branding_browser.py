"""Browser test: a firm admin uploads the firm's logo on the branding page in Chromium, and a
signed-out client opening the portal sees that image (loaded, not broken) instead of a name."""

import pytest

from feedback.models import Firm
from tests.browser import ARTIFACTS, chromium_page
from tests.feedback.test_browser import sign_in
from tests.feedback.workspace.branding_images import png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_uploads_a_logo_that_the_portal_shows(
    live_server, admin_member, firm, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    logo = tmp_path / "acme.png"
    logo.write_bytes(png(width=120, height=40))
    url = live_server.url
    with chromium_page(width=1280, height=900) as page:
        # given the admin on the branding page
        sign_in(page, live_server, admin_member)
        page.goto(f"{url}/settings/branding/")

        # when they rename the firm, pick a colour and upload the logo
        page.fill("#id_name", "Acme Legal LLP")
        page.fill("#id_primary_colour", "#0b5394")
        page.set_input_files("#id_logo", str(logo))
        page.click("button:has-text('Save')")
        page.wait_for_selector("#current-logo img")
        page.screenshot(path=str(ARTIFACTS / "settings-branding.png"), full_page=True)

        # then the firm has it
        firm = Firm.objects.get(pk=firm.pk)
        assert firm.name == "Acme Legal LLP" and firm.primary_colour == "#0b5394"
        assert firm.logo

    with chromium_page(width=390, height=844) as page:
        # when a client (signed out, another browser) opens the portal
        page.goto(f"{url}/listen/portal/{firm.slug}/")
        page.wait_for_load_state("networkidle")

        # then the header shows the uploaded image, loaded at its size
        img = page.locator("img.client-logo")
        assert img.get_attribute("src") == firm.logo_src
        assert img.get_attribute("alt") == "Acme Legal LLP"
        assert img.evaluate("el => el.complete && el.naturalWidth") == 120
        page.screenshot(path=str(ARTIFACTS / "portal-with-logo.png"), full_page=True)
