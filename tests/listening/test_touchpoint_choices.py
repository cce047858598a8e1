"""A retired touchpoint (`active=False`) keeps its history but is never offered again: not in the
portal's comment form, the web form, the campaign builder nor the survey trigger form."""

import pytest

from listening.campaigns.forms import SurveyTriggerForm
from listening.portal.forms import CommentForm, FeedbackForm
from listening.setup.forms import CampaignForm
from tests.factories import ContactFactory, TouchpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def stages(firm):
    live = TouchpointFactory(firm=firm, name="Onboarding", slug="onboarding")
    retired = TouchpointFactory(firm=firm, name="Old billing", slug="old-billing", active=False)
    return live, retired


def test_portal_comment_form_offers_only_active_touchpoints(firm, stages):
    live, retired = stages
    contact = ContactFactory(client__firm=firm)
    form = CommentForm(contact=contact)
    assert list(form.fields["touchpoint"].queryset) == [live]
    posted = CommentForm({"text": "Fine.", "touchpoint": retired.pk}, contact=contact)
    assert not posted.is_valid() and "touchpoint" in posted.errors


def test_web_form_refuses_a_retired_touchpoint(firm, stages):
    live, retired = stages
    ok = FeedbackForm({"text": "Good work.", "touchpoint": live.slug}, firm=firm)
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data["touchpoint"] == live
    refused = FeedbackForm({"text": "Good work.", "touchpoint": retired.slug}, firm=firm)
    assert not refused.is_valid() and "touchpoint" in refused.errors


def test_campaign_builder_offers_only_active_touchpoints(firm, stages):
    live, _ = stages
    assert list(CampaignForm(firm=firm).fields["touchpoint"].queryset) == [live]


def test_survey_trigger_form_offers_only_active_touchpoints(firm, stages):
    live, _ = stages
    assert list(SurveyTriggerForm(firm_id=firm.pk).fields["touchpoint"].queryset) == [live]
