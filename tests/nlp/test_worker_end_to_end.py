"""End to end: feedback_ingest -> on commit -> real Celery worker -> rows in the database."""

import pytest

from feedback.models import Analysis, AnalysisStatus, Feedback, ThemeMention
from feedback.services import feedback_ingest
from tests.conftest import wait_for
from tests.factories import BrandPromiseFactory


@pytest.mark.django_db(transaction=True)
def test_ingested_feedback_is_analysed_by_the_worker(celery_worker_process, api_source):
    # given
    BrandPromiseFactory(
        firm=api_source.firm,
        name="Responsiveness",
        description="We answer clients quickly.",
        examples=["they replied within the hour", "always quick to respond"],
    )
    BrandPromiseFactory(firm=api_source.firm, name="Old promise", active=False)
    texts = [
        "They replied within the hour and fixed everything. Brilliant!",
        "<p>Nobody answered our emails for two weeks.</p>",
        "😊",
    ]
    # when
    ids = [
        feedback_ingest(source=api_source, text=t, external_id=f"e2e-{i}").feedback.pk
        for i, t in enumerate(texts)
    ]
    # then
    wait_for(
        lambda: (
            Feedback.objects.filter(pk__in=ids, analysis_status=AnalysisStatus.DONE).count()
            == len(ids)
        ),
        timeout=180,
    )
    assert Analysis.objects.filter(feedback_id__in=ids).count() == len(ids)
    happy = Feedback.objects.get(pk=ids[0])
    assert happy.sentiment == "positive" and happy.analysis_attempts == 1
    mentions = ThemeMention.objects.filter(feedback_id__in=ids)
    assert set(mentions.values_list("brand_promise__name", flat=True)) == {"Responsiveness"}
    praised = mentions.get(feedback_id=ids[0])
    complained = mentions.get(feedback_id=ids[1])
    assert complained.sentiment == "negative"
    assert complained.evidence == ["Nobody answered our emails for two weeks."]
    assert praised.sentiment_value > complained.sentiment_value
