"""The flag rules engine: pure evaluation of a feedback item against its firm's rules.

Nothing here writes except `rule_defaults_ensure`, which creates a firm's missing default rules
(idempotent: one row per (firm, kind), the unique constraint decides races)."""

import re
from dataclasses import asdict, dataclass, field

from django.db import IntegrityError, transaction

from feedback.analysis import EffectiveAnalysis, analysis_effective
from feedback.models import (
    PRIORITY_ORDER,
    Analysis,
    Feedback,
    Firm,
    Priority,
    Rule,
    RuleKind,
    Sentiment,
)

# P(intent to leave) from which the detector's flag is trusted at the rule's own priority (the
# detector's cross-validated precision is ~0.83 there, recall ~0.78; see nlp/MODEL_CARD.md).
INTENT_CONFIDENT = 0.15

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
    # threshold: how many clients a new (emerging), mostly negative topic must touch
    # (evaluated per topic by feedback.review.topic_flags, not per item)
    RuleKind.NEGATIVE_TOPIC: (True, Priority.HIGH, 3, []),
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


def sentences_split(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def _phrase_pattern(phrases: list[str]) -> re.Pattern | None:
    cleaned = [re.escape(p.strip()) for p in phrases if isinstance(p, str) and p.strip()]
    if not cleaned:
        return None
    return re.compile(r"\b(" + "|".join(cleaned) + r")\b", re.IGNORECASE)


def _negative_confidence(feedback: Feedback, effective: EffectiveAnalysis) -> float | None:
    if effective.sentiment_correction is not None:
        return 1.0 if effective.sentiment == Sentiment.NEGATIVE else 0.0
    analysis = effective.analysis
    if analysis is not None and isinstance(analysis.sentiment_scores, dict):
        value = analysis.sentiment_scores.get(Sentiment.NEGATIVE)
        if isinstance(value, int | float):
            return float(value)
    # Without per-class scores, P(pos) - P(neg) <= -t implies P(neg) >= t.
    if feedback.sentiment == Sentiment.NEGATIVE and feedback.sentiment_value is not None:
        return max(0.0, -feedback.sentiment_value)
    return None


def rules_evaluate(
    *, feedback: Feedback, rules: list[Rule], effective: EffectiveAnalysis | None = None
) -> list[RuleMatch]:
    """Every enabled rule the feedback matches, with a human-readable reason and evidence. Reads
    the effective analysis (given, when a batch read it for many items at once): people's
    corrections count, not the model's tags they replaced."""
    if effective is None:
        effective = analysis_effective(feedback=feedback)
    matches: list[RuleMatch] = []
    for rule in rules:
        if not rule.enabled:
            continue
        match = _evaluate_one(rule, feedback, effective)
        if match is not None:
            matches.append(match)
    return matches


def _churn_match(rule: Rule, feedback: Feedback, analysis: Analysis | None) -> RuleMatch | None:
    """Talk of leaving: the intent detector's flag decides (or its probability, when the rule
    sets a threshold); the firm's phrase list still matches too, so a firm can add its own.

    The detector's flag is set for recall (a missed client about to leave costs most), so many
    hard complaints carry it too. Below INTENT_CONFIDENT, with no phrase of the list, the case
    opens as "possible intent to leave" one priority lower than the rule's: it is still seen,
    but it does not jump the queue as a firm's urgent cases do."""
    reasons, evidence = [], []
    confident = False
    if analysis is not None:
        p = analysis.intent_to_leave
        if analysis.intent_flag if rule.threshold is None else p >= rule.threshold:
            confident = rule.threshold is not None or p >= INTENT_CONFIDENT
            reasons.append(f"{'' if confident else 'possible '}intent to leave ({p:.0%})")
            scored = [s for s in analysis.sentences if isinstance(s, dict) and s.get("text")]
            scored.sort(key=lambda s: -float(s.get("intent") or 0.0))
            evidence = [s["text"] for s in scored if float(s.get("intent") or 0.0) >= p / 2][:5]
    pattern = _phrase_pattern(rule.labels or CHURN_PHRASES)
    hits = [s for s in sentences_split(feedback.text) if pattern.search(s)] if pattern else []
    if hits and pattern is not None:
        confident = True
        reasons += sorted({m.lower() for s in hits for m in pattern.findall(s)})
        evidence += [s for s in hits if s not in evidence]
    if not reasons:
        return None
    priority = rule.priority
    if not confident:
        priority = PRIORITY_ORDER[max(0, PRIORITY_ORDER.index(Priority(priority)) - 1)]
    return RuleMatch(
        RuleKind.CHURN_TALK, priority, "Talk of leaving: " + ", ".join(reasons), evidence[:5]
    )


def _evaluate_one(rule: Rule, feedback: Feedback, effective: EffectiveAnalysis) -> RuleMatch | None:
    kind, threshold = rule.kind, rule.threshold
    if kind == RuleKind.NEGATIVE_SENTIMENT:
        confidence = _negative_confidence(feedback, effective)
        limit = 0.8 if threshold is None else threshold
        if confidence is not None and confidence >= limit:
            return RuleMatch(kind, rule.priority, f"Negative sentiment ({confidence:.0%})")
    elif kind == RuleKind.STRONG_EMOTION:
        wanted = {str(label).lower() for label in rule.labels}
        limit = 0.5 if threshold is None else threshold
        found = [(label, s) for label, s in effective.emotion_scores(wanted) if s >= limit]
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
        return _churn_match(rule, feedback, effective.analysis)
    elif kind == RuleKind.PROMISE_NEGATIVE:
        limit = 0.0 if threshold is None else threshold
        mentions = [
            t for t in effective.themes if t.sentiment == Sentiment.NEGATIVE and t.score >= limit
        ]
        if mentions:
            names = ", ".join(t.promise for t in mentions)
            evidence = [s for t in mentions for s in t.evidence][:5]
            return RuleMatch(kind, rule.priority, f"Brand promise at risk: {names}", evidence)
    return None


def priority_highest(matches: list[RuleMatch]) -> str:
    return max((m.priority for m in matches), key=lambda p: PRIORITY_ORDER.index(Priority(p)))
