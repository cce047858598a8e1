"""Feedback.current_analysis, backfilled by the rule of `feedback.analysis` (the newest analysis
of the item's current text, by write time then id): the explorer's promise and emotion filters
read it instead of checking every tag against Analysis."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery


def backfill(apps, schema_editor) -> None:
    Feedback = apps.get_model("feedback", "Feedback")
    Analysis = apps.get_model("feedback", "Analysis")
    current = (
        Analysis.objects.filter(feedback_id=OuterRef("pk"), text_hash=OuterRef("text_hash"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    # Items without any analysis of their text keep NULL: not one row more is rewritten.
    Feedback.objects.filter(Exists(current)).update(current_analysis=Subquery(current))


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0021_client_fees"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="current_analysis",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="feedback.analysis",
            ),
        ),
        # filled before the index is built: one index build rather than 400k index updates
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="feedback",
            index=models.Index(
                fields=["current_analysis"],
                include=("firm", "received_at", "channel", "client"),
                name="feedback_current_analysis",
            ),
        ),
        # the promise and emotion filters read the tag's analysis (and sentiment) from these
        migrations.RemoveIndex(
            model_name="emotiontag",
            name="emotion_firm",
        ),
        migrations.RemoveIndex(
            model_name="thememention",
            name="theme_firm",
        ),
        migrations.AddIndex(
            model_name="emotiontag",
            index=models.Index(
                fields=["firm", "label", "received_at"],
                include=("analysis",),
                name="emotion_firm_analysis",
            ),
        ),
        migrations.AddIndex(
            model_name="thememention",
            index=models.Index(
                fields=["firm", "brand_promise", "received_at"],
                include=("sentiment", "analysis"),
                name="theme_firm_analysis",
            ),
        ),
    ]
