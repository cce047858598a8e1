"""Reads of the NLP pipeline."""

from collections import defaultdict

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from feedback.models import Analysis, BrandPromise, TagCorrection, TagKind
from nlp.calibration import label_from_rating, raw_scores
from nlp.engine.themes import Theme
from nlp.models import FirmSentimentCalibration

# People's theme corrections used per promise and judgement, and how much of each text.
CORRECTIONS_PER_THEME = 100
CORRECTION_CHARS = 1000


def themes_by_firm(firm_ids: set[int]) -> dict[int, list[Theme]]:
    """Each firm's active brand promises, taught by its people's theme corrections: the texts
    confirmed to speak to a promise become extra prototypes, the texts denied counter-examples
    (the most recent CORRECTIONS_PER_THEME of each), and with enough of both the engine fits the
    promise a classifier (nlp/engine/promise_model.py)."""
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
                examples,
                key=bp.pk,
                counter_examples=tuple(denied),
                confirmed=tuple(confirmed),
            )
        )
    return themes


# The most recent scored comments a firm's calibration is fitted on.
SCORED_COMMENTS_MAX = 5000


def scored_comments(*, firm_id: int) -> tuple[list[list[float]], list[int]]:
    """The engine's own (uncalibrated) document sentiment of a firm's scored comments with the
    class their survey score gives (nlp/calibration.py), from each item's analysis of its
    current text; the newest first, at most SCORED_COMMENTS_MAX."""
    rows = (
        Analysis.objects.filter(
            firm_id=firm_id,
            feedback__firm_id=firm_id,
            feedback__rating__isnull=False,
            feedback__rating_scale__isnull=False,
            text_hash=F("feedback__text_hash"),
        )
        .exclude(feedback__text="")
        .order_by("-feedback__received_at", "-created_at")
        .values_list(
            "feedback_id",
            "feedback__rating",
            "feedback__rating_scale",
            "sentiment_scores",
            "model_info",
        )
    )
    seen: set[int] = set()
    probs, labels = [], []
    for feedback_id, rating, scale, scores, info in rows.iterator():
        label = None if rating is None or scale is None else label_from_rating(rating, scale)
        if feedback_id in seen or label is None:
            continue
        seen.add(feedback_id)
        probs.append(raw_scores(scores, info))
        labels.append(label)
        if len(labels) >= SCORED_COMMENTS_MAX:
            break
    return probs, labels


def calibrations_by_firm(firm_ids: set[int]) -> dict[int, list[float]]:
    """Each firm's fitted sentiment bias, for the firms that have one."""
    return dict(
        FirmSentimentCalibration.objects.filter(firm_id__in=firm_ids).values_list("firm_id", "bias")
    )
