"""Reads of the promise gap: each promise's importance to a client (its expectation weight;
for the firm, the mean over the clients that stated theirs) against its performance in the
client's feedback (share of mentions positive minus share negative, over a window), placed in
an importance-performance quadrant. Tags are those of each item's current analysis, so
people's corrections count as the dashboards count them."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from feedback.analysis import tags_of_current_analysis
from feedback.models import BrandPromise, Client, ClientExpectation, Sentiment, ThemeMention

DEFAULT_DAYS = 90
PERIODS = (30, 90, 180, 365)
# Fewer mentions than this say too little to place a promise (the minimum of the at-risk
# reasons, feedback/stake/selectors.py NEGATIVE_PROMISE_MIN; not imported: the client page
# reads this module, and stake reads the dashboards).
MIN_MENTIONS = 3
# A fall of performance this large against the window before counts as falling.
FALL = 0.25

KEPT, AT_RISK, OVER_SERVED, LOW_PRIORITY, UNKNOWN = (
    "kept",
    "at risk",
    "over-served",
    "low priority",
    "too few mentions",
)
QUADRANT_ORDER = {AT_RISK: 0, KEPT: 1, LOW_PRIORITY: 2, OVER_SERVED: 3, UNKNOWN: 4}


@dataclass
class Tally:
    mentions: int = 0
    positive: int = 0
    negative: int = 0

    def add(self, other: "Tally") -> None:
        self.mentions += other.mentions
        self.positive += other.positive
        self.negative += other.negative

    @property
    def performance(self) -> float | None:
        if self.mentions < MIN_MENTIONS:
            return None
        return (self.positive - self.negative) / self.mentions


@dataclass
class PromisePoint:
    promise_id: int
    promise: str
    importance: float
    now: Tally
    before: Tally
    important: bool
    quadrant: str = UNKNOWN

    @property
    def performance(self) -> float | None:
        return self.now.performance

    @property
    def falling(self) -> bool:
        now, before = self.now.performance, self.before.performance
        return now is not None and before is not None and before - now >= FALL


@dataclass
class ClientGap:
    client: Client
    threshold: float
    points: list[PromisePoint] = field(default_factory=list)

    @property
    def top(self) -> PromisePoint | None:
        """The client's most important promise (of equal weights, the first by name)."""
        return max(self.points, key=lambda p: (p.importance, p.promise), default=None)

    @property
    def early_warning(self) -> bool:
        """Its most important promise is spoken of more negatively than positively."""
        top = self.top
        return top is not None and top.performance is not None and top.performance < 0

    @property
    def at_risk(self) -> list[PromisePoint]:
        return [p for p in self.points if p.quadrant == AT_RISK]


@dataclass
class SegmentWeights:
    """What attracts the clients of one segment: the mean weight of each promise."""

    segment: str
    clients: int
    weights: list[tuple[str, float]]


@dataclass
class FirmGap:
    points: list[PromisePoint]
    clients: list[ClientGap]
    days: int
    threshold: float
    segments: list[SegmentWeights] = field(default_factory=list)

    @property
    def warnings(self) -> list[ClientGap]:
        return [c for c in self.clients if c.early_warning]

    @property
    def at_risk_clients(self) -> list[ClientGap]:
        return [c for c in self.clients if c.at_risk]


def _quadrant(point: PromisePoint) -> str:
    """Important = at least an equal share of the firm's promises. Served well = more positive
    mentions than negative, and not falling. At risk: important and not served well."""
    performance = point.performance
    if performance is None:
        return UNKNOWN
    served = performance > 0 and not point.falling
    if point.important:
        return KEPT if served else AT_RISK
    return OVER_SERVED if served else LOW_PRIORITY


def _tallies(
    client_ids: list[int], start: datetime, middle: datetime
) -> dict[tuple[int, int], tuple[Tally, Tally]]:
    """Per (client, promise): the tally of the window and of the window before (one query)."""
    now, before = Q(received_at__gte=middle), Q(received_at__lt=middle)
    positive, negative = Q(sentiment=Sentiment.POSITIVE), Q(sentiment=Sentiment.NEGATIVE)
    rows = (
        tags_of_current_analysis(
            ThemeMention.objects.filter(feedback__client_id__in=client_ids, received_at__gte=start)
        )
        .values("feedback__client_id", "brand_promise_id")
        .annotate(
            n=Count("id", filter=now),
            pos=Count("id", filter=now & positive),
            neg=Count("id", filter=now & negative),
            prev_n=Count("id", filter=before),
            prev_pos=Count("id", filter=before & positive),
            prev_neg=Count("id", filter=before & negative),
        )
    )
    return {
        (r["feedback__client_id"], r["brand_promise_id"]): (
            Tally(r["n"], r["pos"], r["neg"]),
            Tally(r["prev_n"], r["prev_pos"], r["prev_neg"]),
        )
        for r in rows
    }


def _point(
    promise: BrandPromise, importance: float, now: Tally, before: Tally, threshold: float
) -> PromisePoint:
    # An equal share counts as important (a client that weighs every promise the same).
    important = importance > 0 and importance >= threshold - 1e-9
    point = PromisePoint(promise.pk, promise.name, importance, now, before, important)
    point.quadrant = _quadrant(point)
    return point


def _order(points: list[PromisePoint]) -> list[PromisePoint]:
    """At-risk promises first, then by importance."""
    return sorted(points, key=lambda p: (QUADRANT_ORDER[p.quadrant], -p.importance, p.promise))


def promise_gap_get(
    *,
    firm_id: int,
    clients: Iterable[Client],
    days: int = DEFAULT_DAYS,
    now: datetime | None = None,
) -> FirmGap:
    """The promise gap of each of `clients` (the caller's, already scoped) that stated its
    expectations, and of the firm over them: importance averaged over those clients,
    performance over all the mentions of their feedback. Three queries."""
    now = now or timezone.now()
    by_id = {c.pk: c for c in clients}
    promises = {p.pk: p for p in BrandPromise.objects.filter(firm_id=firm_id, active=True)}
    threshold = 1 / len(promises) if promises else 1.0
    weights: dict[int, dict[int, float]] = defaultdict(dict)
    for client_id, promise_id, weight in ClientExpectation.objects.filter(
        client_id__in=list(by_id), brand_promise_id__in=list(promises)
    ).values_list("client_id", "brand_promise_id", "weight"):
        weights[client_id][promise_id] = weight
    middle = now - timedelta(days=days)
    tallies = _tallies(list(weights), middle - timedelta(days=days), middle)
    firm_now: dict[int, Tally] = defaultdict(Tally)
    firm_before: dict[int, Tally] = defaultdict(Tally)
    client_gaps = []
    for client_id in sorted(weights, key=lambda pk: by_id[pk].name):
        gap = ClientGap(by_id[client_id], threshold)
        for promise_id, promise in promises.items():
            tally_now, tally_before = tallies.get((client_id, promise_id), (Tally(), Tally()))
            firm_now[promise_id].add(tally_now)
            firm_before[promise_id].add(tally_before)
            importance = weights[client_id].get(promise_id, 0.0)
            gap.points.append(_point(promise, importance, tally_now, tally_before, threshold))
        gap.points = _order(gap.points)
        client_gaps.append(gap)
    stated = len(client_gaps)
    firm_points = [
        _point(
            promise,
            sum(w.get(promise_id, 0.0) for w in weights.values()) / stated if stated else 0.0,
            firm_now[promise_id],
            firm_before[promise_id],
            threshold,
        )
        for promise_id, promise in promises.items()
    ]
    segments = _segments({pk: by_id[pk].segment for pk in weights}, weights, promises)
    return FirmGap(_order(firm_points), client_gaps, days, threshold, segments)


def _segments(
    segment_of: dict[int, str],
    weights: dict[int, dict[int, float]],
    promises: dict[int, BrandPromise],
) -> list[SegmentWeights]:
    members: dict[str, list[int]] = defaultdict(list)
    for client_id, segment in segment_of.items():
        members[segment or "No segment"].append(client_id)
    names = sorted(promises.items(), key=lambda item: item[1].name)
    return [
        SegmentWeights(
            segment,
            len(ids),
            [(p.name, sum(weights[c].get(pk, 0.0) for c in ids) / len(ids)) for pk, p in names],
        )
        for segment, ids in sorted(members.items())
    ]


def client_gap_get(*, client: Client, days: int = DEFAULT_DAYS) -> ClientGap | None:
    """One client's promise gap, None when it has stated no expectations."""
    gap = promise_gap_get(firm_id=client.firm_id, clients=[client], days=days)
    return gap.clients[0] if gap.clients else None


def client_expectations_get(*, client: Client) -> list[tuple[BrandPromise, float]]:
    """The firm's active promises with this client's weight for each (0 when not stated)."""
    weights = dict(
        ClientExpectation.objects.filter(client=client).values_list("brand_promise_id", "weight")
    )
    promises = BrandPromise.objects.filter(firm_id=client.firm_id, active=True).order_by("name")
    return [(p, weights.get(p.pk, 0.0)) for p in promises]
