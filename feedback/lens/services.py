"""Writes of client expectations: a client's promise weights, entered or imported."""

import math
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from feedback.models import BrandPromise, Client, ClientExpectation, ExpectationSource
from feedback.services import audit_record

MAX_WEIGHT = 1000.0


def weights_normalise(weights: Mapping[int, float]) -> dict[int, float]:
    """Weights (any non-negative scale: a rank's points, a 0-10 score) as shares summing to
    one, zeros left out. Raises ValidationError for a negative weight or all zeros."""
    if any(not (math.isfinite(w) and 0 <= w <= MAX_WEIGHT) for w in weights.values()):
        raise ValidationError(f"Weights must be between 0 and {MAX_WEIGHT:g}.")
    total = sum(weights.values())
    if total <= 0:
        raise ValidationError("Give at least one promise a weight above zero.")
    return {pk: w / total for pk, w in weights.items() if w > 0}


@transaction.atomic
def client_expectations_set(
    *,
    client: Client,
    weights: Mapping[int, float],
    actor: object = None,
    source: str = ExpectationSource.ENTERED,
) -> list[ClientExpectation]:
    """Replace the client's expectations by these weights (promise id -> weight), normalised
    to sum to one. The promises must be the client's firm's; a promise left out (or at zero)
    no longer counts. Idempotent: the same weights again change nothing but the time."""
    shares = weights_normalise(weights)
    promises = BrandPromise.objects.filter(firm_id=client.firm_id, pk__in=list(shares))
    if promises.count() != len(shares):
        raise ValidationError("Every promise must be one of the firm's.")
    ClientExpectation.objects.filter(client=client).exclude(brand_promise_id__in=shares).delete()
    user = actor if getattr(actor, "is_authenticated", False) else None
    rows = []
    for promise_id, share in shares.items():
        row, _ = ClientExpectation.objects.update_or_create(
            client=client,
            brand_promise_id=promise_id,
            defaults={
                "firm_id": client.firm_id,
                "weight": share,
                "source": source,
                "updated_by": user,
            },
        )
        rows.append(row)
    audit_record(
        firm=client.firm,
        action="client.expectations_set",
        obj=client,
        actor=actor,
        data={"weights": {str(k): round(v, 4) for k, v in shares.items()}, "source": source},
    )
    return rows
