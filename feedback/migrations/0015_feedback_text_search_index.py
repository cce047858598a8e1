"""A GIN index on the English text-search vector of feedback text, for the explorer's search.

PostgreSQL only: SQLite has no full-text vectors (the explorer falls back to substring search
there), so on any other database this migration does nothing. The indexed expression must stay
exactly the one `feedback.items.search` queried then (0017 replaces it by a stored column)."""

from django.db import migrations

INDEX = "feedback_text_search"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON feedback_feedback "
    "USING gin (to_tsvector('english'::regconfig, text))"
)
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def _on_postgres(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("feedback", "0014_saved_views")]

    operations = [migrations.RunPython(_on_postgres(CREATE), _on_postgres(DROP), elidable=False)]
