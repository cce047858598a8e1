"""The flag rules engine: pure evaluation of a feedback item against its firm's rules.

Nothing here writes except `rule_defaults_ensure`, which creates a firm's missing default rules
(idempotent: one row per (firm, kind), the unique constraint decides races)."""

import re
from dataclasses import asdict, dataclass, field

from django.db import IntegrityError, transaction

from feedback.models import (
    PRIORITY_ORDER,
    Analysis,
    EmotionTag,
    Feedback,
    Firm,
    Priority,
    Rule,
    RuleKind,
    Sentiment,
    ThemeMention,
)

CHURN_PHRASES = [
    "switch firms",
    "switching firms",
    "switch to another",
    "move our work",
    "moving our work",
    "move the work",
    "take our business elsewhere",
    "taking our business elsewhere",
    "go elsewhere",
    "going elsewhere",
    "looking elsewhere",
    "look elsewhere",
    "find another firm",
    "another provider",
    "other firms",
    "end our relationship",
    "terminate",
    "cancel our",
    "not renew",
    "won't renew",
    "will not renew",
    "leave you",
    "leaving you",
    "put it out to tender",
    "request for proposal",
    "competitor",
]

# kind -> (enabled, priority, threshold, labels)
DEFAULT_RULES: dict[str, tuple[bool, str, float | None, list[str]]] = {
    RuleKind.NEGATIVE_SENTIMENT: (True, Priority.NORMAL, 0.8, []),
    RuleKind.STRONG_EMOTION: (True, Priority.HIGH, 0.5, ["anger", "annoyance", "disappointment"]),
    RuleKind.NPS_DETRACTOR: (True, Priority.HIGH, 6, []),
    RuleKind.CSAT_LOW: (True, Priority.NORMAL, 2, []),
    RuleKind.CHURN_TALK: (True, Priority.URGENT, None, CHURN_PHRASES),
    RuleKind.PROMISE_NEGATIVE: (True, Priority.NORMAL, 0.0, []),
}

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class RuleMatch:
    rule: str
    priority: str
    detail: str
    evidence: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return asdict(self)


def rule_default(*, firm: Firm, kind: str) -> Rule:
    """The default rule of this kind for the firm, unsaved."""
    enabled, priority, threshold, labels = DEFAULT_RULES[kind]
    return Rule(
        firm=firm,
        kind=kind,
        enabled=enabled,
        priority=priority,
        threshold=threshold,
        labels=list(labels),
    )


def rule_defaults_ensure(*, firm: Firm) -> list[Rule]:
    """Return the firm's rules, creating any missing default. Idempotent and race-safe."""
    existing = {r.kind: r for r in Rule.objects.filter(firm=firm)}
    for kind in DEFAULT_RULES:
        if kind in existing:
            continue
        try:
            with transaction.atomic():
                rule = rule_default(firm=firm, kind=kind)
                rule.save(force_insert=True)
                existing[kind] = rule
        except IntegrityError:
            existing[kind] = Rule.objects.get(firm=firm, kind=kind)
    return sorted(existing.values(), key=lambda r: r.kind)


def analysis_current(*, feedback: Feedback) -> Analysis | None:
    """The newest analysis of the feedback's current text (stale analyses are ignored)."""
    return (
        Analysis.objects.filter(feedback=feedback, text_hash=feedback.text_hash)
        .order_by("-created_at", "-pk")
        .first()
    )


def sentences_split(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def _phrase_pattern(phrases: list[str]) -> re.Pattern | None:
    cleaned = [re.escape(p.strip()) for p in phrases if isinstance(p, str) and p.strip()]
    if not cleaned:
        return None
    return re.compile(r"\b(" + "|".join(cleaned) + r")\b", re.IGNORECASE)


def _negative_confidence(feedback: Feedback, analysis: Analysis | None) -> float | None:
    if analysis is not None and isinstance(analysis.sentiment_scores, dict):
        value = analysis.sentiment_scores.get(Sentiment.NEGATIVE)
        if isinstance(value, int | float):
            return float(value)
    # Without per-class scores, P(pos) - P(neg) <= -t implies P(neg) >= t.
    if feedback.sentiment == Sentiment.NEGATIVE and feedback.sentiment_value is not None:
        return max(0.0, -feedback.sentiment_value)
    return None


def rules_evaluate(*, feedback: Feedback, rules: list[Rule]) -> list[RuleMatch]:
    """Every enabled rule the feedback matches, with a human-readable reason and evidence."""
    analysis = analysis_current(feedback=feedback)
    matches: list[RuleMatch] = []
    for rule in rules:
        if not rule.enabled:
            continue
        match = _evaluate_one(rule, feedback, analysis)
        if match is not None:
            matches.append(match)
    return matches


def _evaluate_one(rule: Rule, feedback: Feedback, analysis: Analysis | None) -> RuleMatch | None:
    kind, threshold = rule.kind, rule.threshold
    if kind == RuleKind.NEGATIVE_SENTIMENT:
        confidence = _negative_confidence(feedback, analysis)
        limit = 0.8 if threshold is None else threshold
        if confidence is not None and confidence >= limit:
            return RuleMatch(kind, rule.priority, f"Negative sentiment ({confidence:.0%})")
    elif kind == RuleKind.STRONG_EMOTION and analysis is not None:
        wanted = {str(label).lower() for label in rule.labels}
        limit = 0.5 if threshold is None else threshold
        tags = EmotionTag.objects.filter(analysis=analysis, label__in=wanted, score__gte=limit)
        found = sorted((t.label, t.score) for t in tags)
        if found:
            names = ", ".join(f"{label} ({score:.0%})" for label, score in found)
            return RuleMatch(kind, rule.priority, f"Strong emotion: {names}")
    elif kind == RuleKind.NPS_DETRACTOR:
        limit = 6 if threshold is None else threshold
        if feedback.rating is not None and feedback.rating_scale == 10 and feedback.rating <= limit:
            return RuleMatch(kind, rule.priority, f"NPS detractor: {feedback.rating}/10")
    elif kind == RuleKind.CSAT_LOW:
        limit = 2 if threshold is None else threshold
        if feedback.rating is not None and feedback.rating_scale == 5 and feedback.rating <= limit:
            return RuleMatch(kind, rule.priority, f"Low CSAT: {feedback.rating}/5")
    elif kind == RuleKind.CHURN_TALK:
        pattern = _phrase_pattern(rule.labels or CHURN_PHRASES)
        if pattern is not None:
            hits = [s for s in sentences_split(feedback.text) if pattern.search(s)]
            if hits:
                phrases = sorted({m.lower() for s in hits for m in pattern.findall(s)})
                return RuleMatch(
                    kind, rule.priority, "Talk of leaving: " + ", ".join(phrases), hits[:5]
                )
    elif kind == RuleKind.PROMISE_NEGATIVE and analysis is not None:
        limit = 0.0 if threshold is None else threshold
        mentions = sorted(
            ThemeMention.objects.filter(
                analysis=analysis, sentiment=Sentiment.NEGATIVE, score__gte=limit
            ).select_related("brand_promise"),
            key=lambda m: m.brand_promise.name,
        )
        if mentions:
            names = ", ".join(m.brand_promise.name for m in mentions)
            evidence = [s for m in mentions for s in evidence_texts(m.evidence)][:5]
            return RuleMatch(kind, rule.priority, f"Brand promise at risk: {names}", evidence)
    return None


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


def priority_highest(matches: list[RuleMatch]) -> str:
    return max((m.priority for m in matches), key=lambda p: PRIORITY_ORDER.index(Priority(p)))
