"""The one definition of a feedback item's analysis as every page, rule and API reads it.

"Current" analysis: the newest analysis (by write time, then id) of the item's *current* text;
analyses of an older text are stale and ignored. "Effective" analysis: the current analysis
with people's corrections on top. Corrections are written onto the current analysis's rows by
`feedback.review.corrections` (so SQL aggregates see them too); this module reads those rows
and says which tag a person corrected, by whom and when."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case as SqlCase
from django.db.models import Exists, F, FloatField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from feedback.models import (
    Analysis,
    EmotionTag,
    Feedback,
    Member,
    Sentiment,
    TagCorrection,
    TagKind,
    ThemeMention,
)
from feedback.selectors import feedback_list

# Below this probability of its own sentiment label an item is listed for a quick human look.
QUICK_LOOK_BELOW = 0.6


@dataclass(frozen=True)
class Correction:
    kind: str
    key: str
    value: str
    predicted: str
    by: str
    at: datetime
    label: str = ""


@dataclass(frozen=True)
class EffectiveEmotion:
    label: str
    score: float
    correction: Correction | None = None


@dataclass(frozen=True)
class EffectiveTheme:
    promise_id: int
    promise: str
    score: float
    sentiment: str
    evidence: list[str]
    correction: Correction | None = None


@dataclass(frozen=True)
class EffectiveAnalysis:
    analysis: Analysis | None
    sentiment: str
    sentiment_value: float | None
    # P(label) the model gave its own sentiment label; 1.0 once a person has set it.
    sentiment_confidence: float | None
    sentiment_correction: Correction | None
    emotions: list[EffectiveEmotion] = field(default_factory=list)
    themes: list[EffectiveTheme] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)

    @property
    def low_confidence(self) -> bool:
        confidence = self.sentiment_confidence
        return confidence is not None and confidence < QUICK_LOOK_BELOW

    def emotion_scores(self, labels: set[str]) -> list[tuple[str, float]]:
        return sorted((e.label, e.score) for e in self.emotions if e.label in labels)


def analysis_pick(analyses: Iterable[Analysis], text_hash: str) -> Analysis | None:
    """The current analysis among these (the rule stated in the module docstring)."""
    fresh = [a for a in analyses if a.text_hash == text_hash]
    return max(fresh, key=lambda a: (a.created_at, a.pk), default=None)


def analysis_current_id(feedback: str = "pk", text_hash: str = "text_hash") -> Subquery:
    """In SQL, the id of the current analysis (the rule of `analysis_pick`) of the item named by
    the outer references (on Feedback: its own pk and text hash), NULL if it has none. What
    `Feedback.current_analysis` is kept equal to."""
    current = (
        Analysis.objects.filter(feedback_id=OuterRef(feedback), text_hash=OuterRef(text_hash))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    return Subquery(current)


def _of_current_analysis(qs: QuerySet) -> Exists:
    """EmotionTag or ThemeMention rows `qs`, narrowed to those of the outer feedback item's
    current analysis, as a correlated EXISTS on that item. The item's `current_analysis` is
    read (kept by the writers, see `analysis_current_id`), so no tag is checked against
    Analysis: PostgreSQL walks the items in the page's order and stops at the page, or walks
    the promise's or emotion's tags to their items, whichever is cheaper."""
    # The analysis alone names the item: correlating on feedback_id too would make PostgreSQL
    # take the two conditions as independent and expect one item, then join the page's tables
    # as nested loops over thousands (seconds on a large firm).
    return Exists(qs.filter(analysis_id=OuterRef("current_analysis")))


def feedback_mentioning(
    *, firm_id: int, promise_id: int | None = None, sentiment: str = ""
) -> Exists:
    """On Feedback: its effective analysis speaks to this promise (any, if None), with this
    sentiment toward it (any, if blank). People's corrections count: they are written onto the
    current analysis's mentions."""
    mentions = ThemeMention.objects.filter(firm_id=firm_id)
    if promise_id is not None:
        mentions = mentions.filter(brand_promise_id=promise_id)
    if sentiment:
        mentions = mentions.filter(sentiment=sentiment)
    return _of_current_analysis(mentions)


def feedback_feeling(*, firm_id: int, emotion: str) -> Exists:
    """On Feedback: its effective analysis carries this emotion (corrections count)."""
    return _of_current_analysis(EmotionTag.objects.filter(firm_id=firm_id, label=emotion))


def feedback_intending_to_leave() -> Q:
    """On Feedback: its current analysis flags an intent to leave."""
    return Q(current_analysis__intent_flag=True)


def analysis_current(*, feedback: Feedback) -> Analysis | None:
    """The current analysis of one item, in one query."""
    return (
        Analysis.objects.filter(feedback=feedback, text_hash=feedback.text_hash)
        .order_by("-created_at", "-pk")
        .first()
    )


def tags_of_current_analysis(qs: QuerySet) -> QuerySet:
    """Narrow EmotionTag or ThemeMention rows to those of their item's current analysis, so an
    aggregate counts each item's tags once, whatever older analyses (another model version, an
    older text) still keep theirs."""
    return qs.filter(analysis_id=analysis_current_id("feedback_id", "feedback__text_hash"))


def evidence_texts(evidence: object) -> list[str]:
    """Evidence sentences as plain strings, whether stored as strings or as dicts."""
    texts: list[str] = []
    for item in evidence if isinstance(evidence, list) else []:
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            text = item.get("text") or item.get("sentence")
            if isinstance(text, str):
                texts.append(text)
    return texts


def _confidence(analysis: Analysis | None) -> float | None:
    if analysis is None or not isinstance(analysis.sentiment_scores, dict):
        return None
    value = analysis.sentiment_scores.get(analysis.sentiment)
    return float(value) if isinstance(value, int | float) else None


def corrections_applicable(feedback: Feedback, rows: Iterable[TagCorrection]) -> list:
    """A correction judges the text it was made on; after the text changes it no longer applies."""
    return [c for c in rows if c.text == feedback.text]


def _as_correction(row: TagCorrection, promise_names: dict[int, str]) -> Correction:
    who = row.corrected_by.user.get_username() if row.corrected_by else "(former member)"
    label = promise_names.get(row.brand_promise_id or 0, row.key)
    return Correction(row.kind, row.key, row.value, row.predicted, who, row.updated_at, label)


def analysis_effective_map(feedback: list[Feedback]) -> dict[int, EffectiveAnalysis]:
    """The effective analysis of each item, in four queries whatever the number of items."""
    ids = [fb.pk for fb in feedback]
    by_item: dict[int, list[Analysis]] = defaultdict(list)
    for row in Analysis.objects.filter(feedback_id__in=ids).defer("sentences"):
        by_item[row.feedback_id].append(row)
    current = {fb.pk: analysis_pick(by_item[fb.pk], fb.text_hash) for fb in feedback}
    chosen = [a.pk for a in current.values() if a is not None]
    emotions: dict[int, list[EmotionTag]] = defaultdict(list)
    for tag in EmotionTag.objects.filter(analysis_id__in=chosen).order_by("-score", "label"):
        emotions[tag.feedback_id].append(tag)
    themes: dict[int, list[ThemeMention]] = defaultdict(list)
    mentions = ThemeMention.objects.filter(analysis_id__in=chosen).select_related("brand_promise")
    for mention in mentions.order_by("brand_promise__name"):
        themes[mention.feedback_id].append(mention)
    corrections: dict[int, list[TagCorrection]] = defaultdict(list)
    for fix in (
        TagCorrection.objects.filter(feedback_id__in=ids)
        .select_related("corrected_by__user", "brand_promise")
        .order_by("-updated_at")
    ):
        corrections[fix.feedback_id].append(fix)
    out = {}
    for fb in feedback:
        rows = corrections_applicable(fb, corrections[fb.pk])
        names = {r.brand_promise_id: r.brand_promise.name for r in rows if r.brand_promise}
        made = {(r.kind, r.key): _as_correction(r, names) for r in rows}
        analysis = current[fb.pk]
        sentiment_fix = made.get((TagKind.SENTIMENT, "sentiment"))
        confidence = 1.0 if sentiment_fix else _confidence(analysis)
        out[fb.pk] = EffectiveAnalysis(
            analysis=analysis,
            sentiment=fb.sentiment,
            sentiment_value=fb.sentiment_value,
            sentiment_confidence=confidence,
            sentiment_correction=sentiment_fix,
            emotions=[
                EffectiveEmotion(t.label, t.score, made.get((TagKind.EMOTION, t.label)))
                for t in emotions[fb.pk]
            ],
            themes=[
                EffectiveTheme(
                    m.brand_promise_id,
                    m.brand_promise.name,
                    m.score,
                    m.sentiment,
                    evidence_texts(m.evidence),
                    made.get((TagKind.POLARITY, str(m.brand_promise_id)))
                    or made.get((TagKind.THEME, str(m.brand_promise_id))),
                )
                for m in themes[fb.pk]
            ],
            corrections=list(made.values()),
        )
    return out


def analysis_effective(*, feedback: Feedback) -> EffectiveAnalysis:
    return analysis_effective_map([feedback])[feedback.pk]


def sentiment_examples_list(*, firm_id: int) -> list[tuple[str, str]]:
    """The firm's people-labelled sentiment examples, (text, label), newest first: what the NLP
    side adapts the firm's sentiment from."""
    rows = TagCorrection.objects.filter(firm_id=firm_id, kind=TagKind.SENTIMENT).order_by(
        "-updated_at"
    )
    return list(rows.values_list("text", "value"))


def polarity_examples_list(*, firm_id: int) -> list[tuple[str, int, str]]:
    """The firm's people-labelled promise polarities, (text, brand promise id, label)."""
    rows = TagCorrection.objects.filter(firm_id=firm_id, kind=TagKind.POLARITY)
    labelled = rows.order_by("-updated_at").values_list("text", "key", "value")
    return [(text, int(key), value) for text, key, value in labelled]


def feedback_quick_look_list(*, member: Member, since: datetime) -> QuerySet[Feedback]:
    """Analysed items since `since` whose current analysis gives its own sentiment label a
    probability under QUICK_LOOK_BELOW and that nobody has corrected yet, least sure first."""
    own_probability = SqlCase(
        *(
            When(sentiment=label, then=Cast(KT(f"sentiment_scores__{label}"), FloatField()))
            for label in Sentiment.values
        ),
        output_field=FloatField(),
    )
    current = (
        Analysis.objects.filter(feedback=OuterRef("pk"), text_hash=OuterRef("text_hash"))
        .order_by("-created_at", "-pk")
        .annotate(p=own_probability)
        .values("p")[:1]
    )
    return (
        feedback_list(member=member)
        .filter(received_at__gte=since, analysis_status="done")
        .exclude(tag_corrections__kind=TagKind.SENTIMENT)
        .annotate(confidence=Subquery(current, output_field=FloatField()))
        .filter(confidence__lt=QUICK_LOOK_BELOW)
        .order_by(F("confidence").asc(), "-received_at")
    )
