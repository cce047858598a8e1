"""Dashboard click-through: every bar, point and scorecard row leads to the explorer filtered to
the comments behind it, and the explorer there counts what the chart counted."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse

from feedback.links import explorer_url
from tests.feedback.conftest import browser_for

pytestmark = pytest.mark.django_db


def test_explorer_url_writes_the_contract_names_in_order_and_leaves_out_blanks():
    from datetime import date

    url = explorer_url(sentiment="negative", client=3, from_=date(2026, 1, 5), to="", promise=None)
    assert url == "/feedback/?client=3&sentiment=negative&from=2026-01-05"
    assert explorer_url() == "/feedback/"
    with pytest.raises(TypeError):
        explorer_url(days=30)


def _links(body: str) -> dict:
    found = re.search(r'<script id="chart-links" type="application/json">(.*?)</script>', body)
    assert found, "no chart links on the page"
    return json.loads(found.group(1))


def _count(browser, url: str) -> int:
    body = browser.get(url).content.decode()
    return int(re.search(r'id="result-count"[^>]*><strong>(\d+)</strong>', body).group(1))


@pytest.mark.parametrize("narrowed", [False, True])
def test_each_chart_element_leads_to_the_comments_it_counts(analyst, corpus, narrowed):
    # given the overview, firm-wide (from the rollups) or narrowed to one client (base tables)
    browser = browser_for(analyst)
    query = {"days": 90, **({"client": corpus.mine.pk} if narrowed else {})}
    response = browser.get(reverse("dashboards:overview"), query)
    body = response.content.decode()
    links = _links(body)
    charts = {
        name: json.loads(m)
        for name, m in re.findall(
            r'<script id="(\w+)" type="application/json">(.*?)</script>', body
        )
        if name != "chart-links"
    }

    # then each week's sentiment bars count what the explorer finds there
    assert charts["sentiment"]
    for row, row_links in zip(charts["sentiment"], links["sentiment"], strict=True):
        for sentiment in ("positive", "neutral", "negative"):
            assert _count(browser, row_links[sentiment]) == row[sentiment], (row, sentiment)
    # and each promise's weekly point
    for row in charts["promises"]:
        url = links["promises"][row["promise"]][row["week"]]
        assert _count(browser, url) == row["mentions"], row
    # and each emotion's slice
    for row, url in zip(charts["emotions"], links["emotions"], strict=True):
        assert _count(browser, url) == row["count"], row

    # and the scorecard's rows link to the promise's mentions and to its negative ones
    speed = re.search(r'data-promise="Responsiveness"><td><a class="explore" href="([^"]+)"', body)
    negative = re.search(
        r'class="explore-negative" href="(/feedback/\?[^"]*promise_sentiment[^"]*)"', body
    )
    assert speed and negative
    assert _count(browser, unescape(speed.group(1))) == 2
    assert f"promise={corpus.speed.pk}" in unescape(speed.group(1))
    if narrowed:
        assert f"client={corpus.mine.pk}" in links["sentiment"][0]["negative"]


def test_the_client_page_charts_link_to_that_clients_comments(analyst, corpus):
    browser = browser_for(analyst)
    body = browser.get(reverse("dashboards:client", kwargs={"pk": corpus.mine.pk})).content.decode()
    links = _links(body)
    negative = [u["negative"] for u in links["sentiment"]]
    assert all(f"client={corpus.mine.pk}" in u for u in negative)
    assert sum(_count(browser, u) for u in negative) == 1  # the slow reply
