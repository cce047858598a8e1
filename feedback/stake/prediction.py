"""How well the health score would have predicted churn: for each quarter whose churn is known,
every client that paid fees in the quarter before is scored as it stood at the quarter's start
(`client_health(now=start)`: its feedback up to that day), and the scores are set against
whether it churned in that quarter. The AUC is the chance that a client who churned had a lower
score than one who stayed (0.5: no better than a coin; 1: perfect).

Caveat, stated on the page: cases are counted as they are now, not as they were then."""

from dataclasses import dataclass
from datetime import datetime, time

from django.utils import timezone

from feedback.dashboards.health import client_health
from feedback.models import Client
from feedback.stake.churn import QuarterChurn, quarter_label, quarter_start

# Eight queries per scored client: keep the page bounded on a large firm.
MAX_QUARTERS = 4
MAX_SAMPLES = 400


@dataclass
class HealthAuc:
    auc: float | None
    sample_size: int
    churned: int
    quarters: list[str]
    reason: str = ""


def health_churn_auc(rows: list[QuarterChurn], *, clients: dict[int, Client]) -> HealthAuc:
    """The AUC over the last MAX_QUARTERS quarters of `rows` with known churn (at most
    MAX_SAMPLES client-quarters, the latest first). `clients` holds every client of the rows'
    bases; other ids are skipped (e.g. clients the member may not see)."""
    from sklearn.metrics import roc_auc_score  # heavy: only when the page asks for it

    known = [r for r in rows if not r.pending and r.base][-MAX_QUARTERS:]
    scores: list[float] = []
    labels: list[int] = []
    used: list[str] = []
    for row in reversed(known):
        start = timezone.make_aware(datetime.combine(quarter_start(row.quarter), time.min))
        churned = set(row.churned)
        for pk in row.base_ids:
            if len(scores) >= MAX_SAMPLES or pk not in clients:
                continue
            # a lower score should mean churn: negate so that "higher = churn" for the AUC
            scores.append(-client_health(client=clients[pk], now=start).score)
            labels.append(1 if pk in churned else 0)
        used.append(quarter_label(row.quarter))
    n, positives = len(labels), sum(labels)
    if not positives or positives == n:
        reason = "needs at least one client that churned and one that stayed"
        return HealthAuc(None, n, positives, used, reason)
    return HealthAuc(float(roc_auc_score(labels, scores)), n, positives, used)
