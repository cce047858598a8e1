"""What other apps hold about a contact, without `feedback` importing them.

`listening` keeps survey invitations and answers, portal sign-in links and triage rows that name a
person; the dependency rule (`listening -> feedback`) forbids the privacy services from importing
them. Instead each app registers, in its AppConfig.ready(), one exporter (the contact's rows as
JSON values, under a section name) and one eraser (anonymise or delete those rows, inside the
erasure's transaction). The services call every registered one.
"""

from collections.abc import Callable

from django.db.models import QuerySet

from feedback.models import Contact, Feedback

# (contact) -> {section name: JSON-serialisable value}
ContactExporter = Callable[[Contact], dict[str, object]]
# (contact, the contact's feedback, about to be anonymised) -> {what: rows changed}
ContactEraser = Callable[[Contact, QuerySet[Feedback]], dict[str, int]]

_exporters: dict[str, ContactExporter] = {}
_erasers: dict[str, ContactEraser] = {}


def contact_exporter_register(name: str, exporter: ContactExporter) -> None:
    """Idempotent by name (ready() may run twice in tests)."""
    _exporters[name] = exporter


def contact_eraser_register(name: str, eraser: ContactEraser) -> None:
    """Idempotent by name. An eraser runs inside the erasure's transaction: raising undoes it."""
    _erasers[name] = eraser


def contact_exporters() -> list[ContactExporter]:
    return [_exporters[name] for name in sorted(_exporters)]


def contact_erasers() -> list[tuple[str, ContactEraser]]:
    return sorted(_erasers.items())
