"""Fixtures for the review workflow: analysed feedback, signed-in browsers, API keys."""

from datetime import timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from feedback.api_keys import api_key_create
from feedback.models import Analysis, Case, Contact, EmotionTag, Feedback, Sentiment, ThemeMention
from feedback.services import feedback_current_analysis_set
from feedback.tasks import on_analysed
from listening.campaigns.models import Campaign, SurveyKind
from tests.factories import (
    BrandPromiseFactory,
    ContactFactory,
    FeedbackFactory,
    SourceFactory,
    UserFactory,
)
from tests.listening.portal.conftest import magic_url


def analyse(
    feedback: Feedback,
    *,
    sentiment: str = Sentiment.NEGATIVE,
    negative: float = 0.9,
    emotions: dict[str, float] | None = None,
    themes: list[tuple] | None = None,
    model_version: str = "test-1",
) -> Analysis:
    """Write what the NLP worker writes: an Analysis, its emotion tags and theme mentions, and the
    denormalised sentiment on the feedback. themes: (promise, sentiment, score, evidence)."""
    positive = 1.0 - negative if sentiment == Sentiment.POSITIVE else 0.05
    value = positive - negative
    analysis, _ = Analysis.objects.update_or_create(
        feedback=feedback,
        model_version=model_version,
        defaults={
            "firm": feedback.firm,
            "text_hash": feedback.text_hash,
            "sentiment": sentiment,
            "sentiment_value": value,
            "sentiment_scores": {"negative": negative, "positive": positive},
            "emotions": list((emotions or {}).keys()),
        },
    )
    for label, score in (emotions or {}).items():
        EmotionTag.objects.update_or_create(
            analysis=analysis,
            label=label,
            defaults={
                "feedback": feedback,
                "firm": feedback.firm,
                "score": score,
                "received_at": feedback.received_at,
            },
        )
    for promise, theme_sentiment, score, evidence in themes or []:
        ThemeMention.objects.update_or_create(
            analysis=analysis,
            brand_promise=promise,
            defaults={
                "feedback": feedback,
                "firm": feedback.firm,
                "score": score,
                "sentiment": theme_sentiment,
                "sentiment_value": -0.8 if theme_sentiment == Sentiment.NEGATIVE else 0.8,
                "evidence": evidence,
                "received_at": feedback.received_at,
            },
        )
    Feedback.objects.filter(pk=feedback.pk).update(
        sentiment=sentiment, sentiment_value=value, analysis_status="done"
    )
    feedback_current_analysis_set(feedback_ids=[feedback.pk])
    feedback.refresh_from_db()
    return analysis


@pytest.fixture
def complaint(client_of, api_source):
    """A negative comment from the account manager's client, with a contact to reply to."""
    from tests.factories import ContactFactory

    contact = ContactFactory(client=client_of, email="pat@globex.example", name="Pat")
    feedback = FeedbackFactory(
        source=api_source,
        client=client_of,
        contact=contact,
        subject="Our matter",
        text="Nobody answered my calls for a week. We are looking elsewhere for next year.",
        received_at=timezone.now() - timedelta(hours=1),
    )
    return feedback


@pytest.fixture
def promise(firm):
    return BrandPromiseFactory(firm=firm, name="Responsiveness")


def browser_for(member=None) -> HttpClient:
    browser = HttpClient()
    if member is not None:
        browser.force_login(getattr(member, "user", member))
    return browser


@pytest.fixture
def contact_user(db):
    """A signed-in user who belongs to no firm (e.g. a client contact)."""
    return UserFactory(username="carl-contact")


@pytest.fixture
def api_key(firm, admin_member):
    key, secret = api_key_create(
        firm=firm, name="CRM", scopes=["read", "write"], created_by=admin_member
    )
    return key, secret


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's Chromium through Playwright")


# --- Personas: API-key and browser clients for the API tests and the permission matrix ---


def key_client(secret: str) -> HttpClient:
    return HttpClient(HTTP_AUTHORIZATION=f"Api-Key {secret}")


@pytest.fixture
def case(complaint):
    analyse(complaint, negative=0.95, emotions={"anger": 0.8})
    (case_id,) = on_analysed([complaint.pk])
    return Case.objects.get(pk=case_id)


@pytest.fixture
def rival_feedback(other_firm):
    return FeedbackFactory(source=SourceFactory(firm=other_firm), text="Rival's secret.")


PERSONAS = [
    "anonymous",
    "contact",
    "no_firm_user",
    "account_manager",
    "analyst",
    "admin",
    "outsider",
]


@pytest.fixture
def portal_contact(client_of) -> Contact:
    """A contact of the account manager's client: a real person the firm knows."""
    return ContactFactory(client=client_of, name="Carla Client", email="carla@globex.example")


def portal_browser(contact: Contact) -> HttpClient:
    """A browser signed in to the firm's client portal through the real magic-link flow."""
    browser = HttpClient()
    assert browser.post(magic_url(contact)).status_code == 303
    home = reverse("portal:home", kwargs={"firm_slug": contact.firm.slug})
    assert browser.get(home).status_code == 200
    return browser


def persona_browser(request, persona: str) -> HttpClient:
    if persona == "anonymous":
        return browser_for()
    if persona == "contact":
        return portal_browser(request.getfixturevalue("portal_contact"))
    fixture = {"no_firm_user": "contact_user", "admin": "admin_member"}.get(persona, persona)
    return browser_for(request.getfixturevalue(fixture))


@pytest.fixture
def campaign(firm) -> Campaign:
    return Campaign.objects.create(firm=firm, name="Matter close CSAT", kind=SurveyKind.CSAT)


@pytest.fixture
def rival_campaign(other_firm) -> Campaign:
    return Campaign.objects.create(firm=other_firm, name="Rival NPS", kind=SurveyKind.NPS)


# --- corrections (tests/feedback/review/test_corrections.py, tests/feedback/test_analysis.py) ---
FEES = "Great outcome. Fees were exactly as quoted, no surprises on the invoice."


@pytest.fixture
def value_for_money(firm):
    return BrandPromiseFactory(firm=firm, name="Value for money")


@pytest.fixture
def praise(client_of, api_source, value_for_money):
    """Praise the model read as a negative remark on price, with a case opened on it."""
    item = FeedbackFactory(
        source=api_source,
        client=client_of,
        text=FEES,
        received_at=timezone.now() - timedelta(hours=2),
    )
    analyse(
        item,
        sentiment="neutral",
        negative=0.3,
        themes=[(value_for_money, "negative", 0.6, ["Fees were exactly as quoted."])],
    )
    on_analysed([item.pk])
    return item


# --- topics (tests/feedback/topics/, the permission matrices) ---


@pytest.fixture
def topic(case, firm):
    """A fitted topic holding the case's comment (from the account manager's client)."""
    import numpy as np

    from feedback.models import Topic
    from feedback.topics.services import FoundTopic, topics_refit_apply

    ids = topics_refit_apply(
        firm=firm,
        found=[
            FoundTopic(
                "calls, answered",
                ["calls"],
                np.eye(3, dtype=np.float32)[0],
                [(case.feedback_id, 0.9)],
            ),
            FoundTopic(
                "parking",
                ["parking"],
                np.eye(3, dtype=np.float32)[1],
                [(FeedbackFactory(source=case.feedback.source, text="Parking").pk, 0.9)],
            ),
        ],
    )
    return Topic.objects.get(pk=ids[0])


@pytest.fixture
def other_topic(topic):
    from feedback.models import Topic

    return Topic.objects.filter(firm_id=topic.firm_id).exclude(pk=topic.pk).get()
