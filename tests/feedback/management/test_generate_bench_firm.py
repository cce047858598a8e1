"""The benchmark firm generator writes rows the current schema accepts (it bypasses the ORM)."""

import pytest
from django.core.management import call_command

from feedback.analysis import analysis_current
from feedback.models import Analysis, Case, Feedback, Firm, ThemeMention


@pytest.mark.django_db
def test_generated_firm_has_items_analyses_mentions_and_cases():
    # when a small firm is generated set-wise in SQL
    call_command("generate_bench_firm", items=600, slug="bench-test", clients=20, managers=4)

    # then its rows are complete and readable through the ORM
    firm = Firm.objects.get(slug="bench-test")
    items = Feedback.objects.filter(firm=firm)
    assert items.count() == 600
    analyses = Analysis.objects.filter(firm=firm)
    assert analyses.exists() and not analyses.filter(sentiment_confidence__isnull=True).exists()
    assert ThemeMention.objects.filter(firm=firm).exists()
    assert Case.objects.filter(firm=firm).exists()
    analysed = items.filter(analyses__isnull=False).first()
    assert analysed is not None and analysis_current(feedback=analysed) is not None

    # and regenerating with --reset replaces rather than duplicates them
    call_command("generate_bench_firm", items=300, slug="bench-test", clients=20, reset=True)
    assert Feedback.objects.filter(firm__slug="bench-test").count() == 300
