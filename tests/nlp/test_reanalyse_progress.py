"""`reanalyse` on a small real run: queuing progress, then the drain followed with an ETA."""

import io
import re

import pytest
from django.core.management import call_command

from feedback.ingest import feedback_candidate
from feedback.ingest_bulk import feedback_ingest_many
from feedback.models import AnalysisStatus, Feedback
from feedback.reanalysis import Progress
from tests.conftest import wait_for


def test_progress_rate_and_eta():
    p = Progress(done=250, total=1000, elapsed_s=5.0)
    assert (p.rate, p.eta_s) == (50.0, 15.0)
    assert Progress(done=0, total=10, elapsed_s=0.0).eta_s is None


@pytest.mark.django_db(transaction=True)
def test_reanalyse_follow_reports_progress_until_the_backlog_drains(
    celery_worker_process, api_source
):
    # given 12 analysed items
    texts = [f"Thanks for the quick answer number {i}." for i in range(12)]
    candidates = [
        feedback_candidate(source=api_source, text=t, external_id=f"r-{i}")
        for i, t in enumerate(texts)
    ]
    ids = [pk for pk, _ in feedback_ingest_many(candidates=candidates)]

    def done() -> bool:
        return (
            Feedback.objects.filter(pk__in=ids, analysis_status=AnalysisStatus.DONE).count() == 12
        )

    wait_for(done, timeout=180)

    # when they are re-analysed, following the drain
    out = io.StringIO()
    call_command("reanalyse", firm=api_source.firm.slug, follow=True, interval=0.2, stdout=out)

    # then the queuing and the analysis are both reported, ending at 12 of 12
    lines = out.getvalue().splitlines()
    assert "queued 12/12 (100.0%)" in lines[0] and "ETA" in lines[0]
    assert "queued 12 feedback items for analysis" in lines
    analysed = [line for line in lines if line.startswith("analysed ")]
    assert analysed and analysed[-1].startswith("analysed 12/12 (100.0%)")
    assert all(re.search(r", \d+\.\d/s, ETA (-|\d+m\d\ds)$", line) for line in analysed)
    assert done()
