"""The Topics pages: list and detail render the firm's topics (escaped), account managers
read-only over their clients, the actions store what they say."""

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import AuditEvent, BrandPromise, Topic, TopicStatus
from tests.factories import FeedbackFactory
from tests.feedback.conftest import browser_for

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_emerging_topic_with_samples_linking_to_items(analyst, fitted_topics):
    portal = fitted_topics["portal"]
    html = browser_for(analyst).get(reverse("topics:list")).content.decode()
    assert "Emerging" in html and portal.label in html
    assert reverse("items:detail", args=[fitted_topics["portal_items"][0].pk]) in html
    assert "Refit now" in html
    assert "8 negative" in html and "44 neutral" in html


def test_an_account_manager_reads_their_clients_topics_without_actions(
    account_manager, fitted_topics
):
    browser = browser_for(account_manager)
    html = browser.get(reverse("topics:list")).content.decode()
    assert fitted_topics["portal"].label in html and "parking" not in html
    assert "Refit now" not in html
    detail = browser.get(reverse("topics:detail", args=[fitted_topics["portal"].pk]))
    assert detail.status_code == 200 and "Rename" not in detail.content.decode()


def test_a_topic_name_is_escaped(analyst, fitted_topics):
    browser = browser_for(analyst)
    portal = fitted_topics["portal"]
    browser.post(reverse("topics:rename", args=[portal.pk]), {"label": "<script>x</script>"})
    html = browser.get(reverse("topics:detail", args=[portal.pk])).content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_merge_and_dismiss_through_the_pages(admin_member, fitted_topics):
    browser = browser_for(admin_member)
    portal, parking = fitted_topics["portal"], fitted_topics["parking"]
    response = browser.post(reverse("topics:merge", args=[parking.pk]), {"into": portal.pk})
    assert response["Location"] == reverse("topics:detail", args=[portal.pk])
    assert Topic.objects.get(pk=parking.pk).status == TopicStatus.MERGED
    assert Topic.objects.get(pk=portal.pk).size == 52
    browser.post(reverse("topics:dismiss", args=[portal.pk]))
    assert Topic.objects.get(pk=portal.pk).status == TopicStatus.IGNORED
    assert "No topics yet" in browser.get(reverse("topics:list")).content.decode()
    assert AuditEvent.objects.filter(action="topic.ignore").count() == 1


def test_merging_into_another_firms_topic_is_refused(admin_member, fitted_topics, other_firm):
    from tests.factories import SourceFactory

    rival = Topic.objects.create(firm=other_firm, label="rival")
    FeedbackFactory(source=SourceFactory(firm=other_firm))
    browser = browser_for(admin_member)
    portal = fitted_topics["portal"]
    response = browser.post(reverse("topics:merge", args=[portal.pk]), {"into": rival.pk})
    assert response.status_code == 302
    assert Topic.objects.get(pk=portal.pk).status == TopicStatus.ACTIVE
    assert "Choose a topic" in browser.get(response["Location"]).content.decode()


def test_promote_through_the_page(analyst, fitted_topics):
    portal = fitted_topics["portal"]
    browser_for(analyst).post(reverse("topics:promote", args=[portal.pk]), {"name": "Portal"})
    assert BrandPromise.objects.get(name="Portal").examples


def test_the_emerging_topic_is_raised_on_the_dashboard_and_in_the_weekly_digest(
    account_manager, fitted_topics, client_of, api_source
):
    # given a topic that emerged among the account manager's client's comments, which spoke of
    # other things in the months before
    from datetime import timedelta

    from django.core import mail

    from feedback.review.digest import digest_send

    portal = fitted_topics["portal"]
    for i in range(30):
        FeedbackFactory(
            source=api_source,
            client=client_of,
            text=f"Thanks for the board pack, round {i}",
            received_at=timezone.now() - timedelta(days=35 + 2 * i),
        )

    # when they open the dashboard, and their weekly digest is sent
    html = browser_for(account_manager).get(reverse("dashboards:overview")).content.decode()
    assert digest_send(member=account_manager, week_start=timezone.localdate())

    # then both name it, with its volume against what was expected
    assert 'id="emerging-topics"' in html
    assert reverse("topics:detail", args=[portal.pk]) in html
    (message,) = mail.outbox
    assert "Emerging topics among your clients" in message.body and portal.label in message.body
    assert "parking" not in message.body.lower()


def test_the_dashboard_narrows_every_tile_to_one_topic(analyst, fitted_topics):
    # given the analyst's dashboard narrowed to the billing-portal topic
    from feedback.dashboards.chart_links import chart_links
    from feedback.dashboards.kpis import kpis_get
    from feedback.dashboards.selectors import charts_for, filters_from

    portal = fitted_topics["portal"]
    f = filters_from(analyst, {"days": "365", "topic": str(portal.pk)})

    # when its charts, tiles and links are computed, and the page is opened
    charts = charts_for(f)
    kpis = kpis_get(f)
    links = chart_links(charts, f)
    page = browser_for(analyst).get(reverse("dashboards:overview"), {"topic": portal.pk})

    # then they count the topic's 8 comments only, and lead to the explorer with the topic
    assert sum(row["total"] for row in charts["sentiment"]) == 8
    assert kpis.response_rate is None
    assert all(f"topic={portal.pk}" in url for row in links["sentiment"] for url in row.values())
    assert page.status_code == 200
    assert f'<option value="{portal.pk}" selected>' in page.content.decode()
