"""Reads of the NLP pipeline."""

from collections import defaultdict

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from feedback.models import BrandPromise, TagCorrection, TagKind
from nlp.engine.themes import Theme

# People's theme corrections used per promise and judgement, and how much of each text.
CORRECTIONS_PER_THEME = 100
CORRECTION_CHARS = 1000


def themes_by_firm(firm_ids: set[int]) -> dict[int, list[Theme]]:
    """Each firm's active brand promises, taught by its people's theme corrections: the texts
    confirmed to speak to a promise become examples, the texts denied become counter-examples
    (the most recent CORRECTIONS_PER_THEME of each)."""
    taught: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    newest_first = Window(
        RowNumber(),
        partition_by=[F("brand_promise_id"), F("value")],
        order_by=F("updated_at").desc(),
    )
    corrections = (
        TagCorrection.objects.filter(
            firm_id__in=firm_ids, kind=TagKind.THEME, brand_promise__isnull=False
        )
        .annotate(rank=newest_first)
        .filter(rank__lte=CORRECTIONS_PER_THEME)
    )
    for promise_id, value, text in corrections.values_list("brand_promise_id", "value", "text"):
        taught[promise_id][value == "absent"].append(text[:CORRECTION_CHARS])
    themes: dict[int, list[Theme]] = defaultdict(list)
    for bp in BrandPromise.objects.filter(firm_id__in=firm_ids, active=True).order_by("pk"):
        confirmed, denied = taught.get(bp.pk, ([], []))
        examples = tuple(str(e) for e in bp.examples or ())
        themes[bp.firm_id].append(
            Theme(
                bp.name,
                bp.description,
                (*examples, *confirmed),
                key=bp.pk,
                counter_examples=tuple(denied),
            )
        )
    return themes
