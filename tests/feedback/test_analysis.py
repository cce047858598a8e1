"""Corrections as their readers see them: the API, the quick-look list, the item page; who may
correct and what is refused."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from feedback.analysis import (
    analysis_current,
    analysis_effective,
    feedback_quick_look_list,
)
from feedback.models import (
    Analysis,
    EmotionTag,
    TagCorrection,
    TagKind,
)
from feedback.review.corrections import tag_correct
from tests.factories import ClientFactory, FeedbackFactory
from tests.feedback.conftest import analyse, browser_for

pytestmark = pytest.mark.django_db


def _correct(feedback, member, kind, key, value):
    return tag_correct(feedback=feedback, member=member, kind=kind, key=key, value=value)


def test_the_api_and_the_rules_read_the_same_current_analysis(praise, api_key):
    # given an older model version rewritten last (higher id is not newer)
    newer = Analysis.objects.get(feedback=praise)
    analyse(
        praise, sentiment="positive", negative=0.05, emotions={"joy": 0.9}, model_version="test-0"
    )
    older = Analysis.objects.get(feedback=praise, model_version="test-0")
    Analysis.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=1))
    Analysis.objects.filter(pk=newer.pk).update(created_at=timezone.now())
    assert older.pk > newer.pk

    # when
    response = browser_for().get(
        reverse("api-feedback-detail", kwargs={"pk": praise.pk}),
        HTTP_AUTHORIZATION=f"Api-Key {api_key[1]}",
    )

    # then both read the newest-written analysis: the one with the promise mention
    assert analysis_current(feedback=praise).pk == newer.pk
    body = response.json()
    assert [t["brand_promise"] for t in body["themes"]] == ["Value for money"]
    assert body["emotions"] == []  # the older version's "joy" is not current


def test_the_api_returns_corrected_tags_and_who_corrected_them(
    praise, account_manager, value_for_money, admin_member
):
    # given
    _correct(praise, account_manager, TagKind.POLARITY, str(value_for_money.pk), "positive")

    # when
    body = browser_for(admin_member).get(reverse("api-feedback-list")).json()

    # then
    (item,) = body["results"]
    assert item["themes"][0]["sentiment"] == "positive"
    (correction,) = item["corrections"]
    assert (correction["kind"], correction["value"], correction["predicted"], correction["by"]) == (
        "polarity",
        "positive",
        "negative",
        "amy-am",
    )


def test_who_may_correct(praise, analyst, outsider, value_for_money):
    # analysts read only; another firm's member cannot touch the item
    for member in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            _correct(praise, member, TagKind.SENTIMENT, "sentiment", "positive")
    assert not TagCorrection.objects.exists()


@pytest.mark.parametrize(
    ("kind", "key", "value"),
    [
        ("sentiment", "sentiment", "great"),
        ("polarity", "999999", "positive"),
        ("theme", "nope", "present"),
        ("emotion", "", "present"),
        ("mood", "x", "y"),
    ],
)
def test_bad_corrections_are_refused(praise, account_manager, kind, key, value):
    with pytest.raises(ValidationError):
        _correct(praise, account_manager, kind, key, value)
    assert not TagCorrection.objects.exists()


def test_quick_look_lists_the_items_the_model_is_unsure_of(
    client_of, api_source, account_manager, admin_member, firm
):
    # given items the model is sure and unsure of, one corrected, one of another client
    def item(text, negative, client=client_of):
        fb = FeedbackFactory(source=api_source, client=client, text=text)
        analyse(fb, sentiment="negative", negative=negative)
        return fb

    unsure, sure, checked = item("Hmm.", 0.45), item("Awful.", 0.95), item("Meh.", 0.5)
    _correct(checked, account_manager, TagKind.SENTIMENT, "sentiment", "neutral")
    elsewhere = item("Odd.", 0.4, client=ClientFactory(firm=firm, name="X"))
    since = timezone.now() - timedelta(days=30)

    # when / then
    mine = list(feedback_quick_look_list(member=account_manager, since=since))
    assert [(fb.pk, round(fb.confidence, 2)) for fb in mine] == [(unsure.pk, 0.45)]
    firm_wide = [fb.pk for fb in feedback_quick_look_list(member=admin_member, since=since)]
    assert firm_wide == [elsewhere.pk, unsure.pk]
    assert sure.pk not in firm_wide and analysis_effective(feedback=unsure).low_confidence
    page = browser_for(account_manager).get(reverse("items:quick_look")).content.decode()
    assert "Hmm." in page and "Awful." not in page and "Odd." not in page


def test_the_item_page_shows_the_analysis_corrections_case_and_history(
    praise, account_manager, teammate, value_for_money
):
    # given
    browser = browser_for(account_manager)
    url = reverse("items:detail", kwargs={"pk": praise.pk})

    # when the account manager corrects the polarity on the page
    posted = browser.post(
        reverse("items:correct", kwargs={"pk": praise.pk}),
        {"kind": "polarity", "key": str(value_for_money.pk), "value": "positive"},
    )
    page = browser.get(url).content.decode()

    # then it shows the corrected tag, who corrected it, the closed case and the history
    assert posted.status_code == 302 and posted["Location"] == url
    assert "corrected by amy-am" in page and "model said negative" in page
    assert 'class="polarity s-positive"' in page
    assert "Flagged in error" in page and "tag.corrected" in page
    assert "Fees were exactly as quoted." in page  # the model's evidence sentence
    # and another account manager of the firm, not managing this client, finds nothing
    assert browser_for(teammate).get(url).status_code == 404
    bad = browser.post(
        reverse("items:correct", kwargs={"pk": praise.pk}), {"kind": "sentiment", "value": "x"}
    )
    assert bad.status_code == 400 and "Choose one of" in bad.content.decode()


def test_emotion_tags_of_a_corrected_item_stay_on_its_current_analysis(praise, account_manager):
    # a person's emotion lands on the analysis every reader uses, once, however often it is said
    _correct(praise, account_manager, TagKind.EMOTION, "relief", "present")
    _correct(praise, account_manager, TagKind.EMOTION, "relief", "present")
    tag = EmotionTag.objects.get(feedback=praise, label="relief")
    assert tag.analysis == analysis_current(feedback=praise) and tag.score == 1.0
