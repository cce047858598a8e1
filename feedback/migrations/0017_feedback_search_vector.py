"""A stored English search vector of feedback text, and the GIN index moved onto it.

The explorer's search used a GIN index on the expression `to_tsvector('english', text)`; the
index finds the matching rows, but the rows' vectors were computed again at query time (ranking,
rechecks, a scan in date order that filters as it goes). A stored generated column is computed
once, on write, by the database. PostgreSQL only for the index (SQLite: the column is NULL and
the explorer searches by substring). Adding the column rewrites the table: on a large firm, run
it in a maintenance window."""

import django.contrib.postgres.search
from django.db import migrations, models

import feedback.models.search_vector

OLD = "feedback_text_search"
NEW = "feedback_search_vector"
CREATE_OLD = (
    f"CREATE INDEX IF NOT EXISTS {OLD} ON feedback_feedback "
    "USING gin (to_tsvector('english'::regconfig, text))"
)
CREATE_NEW = f"CREATE INDEX IF NOT EXISTS {NEW} ON feedback_feedback USING gin (search_vector)"


def _on_postgres(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("feedback", "0016_topic_flag_rule")]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=feedback.models.search_vector.TextVector(models.F("text")),
                output_field=django.contrib.postgres.search.SearchVectorField(null=True),
            ),
        ),
        migrations.RunPython(
            _on_postgres(CREATE_NEW, f"DROP INDEX IF EXISTS {OLD}"),
            _on_postgres(CREATE_OLD, f"DROP INDEX IF EXISTS {NEW}"),
            elidable=False,
        ),
    ]
