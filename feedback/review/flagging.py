"""The rules of a whole batch of analysed items, read in a fixed number of queries.

`feedback.on_analysed` carries the ids of one NLP batch. Reading each item, its case, its
firm's rules and its effective analysis one by one cost a dozen round trips per item (more
than the model's own time per item); here they are read once per batch and only the items a
rule flags cost a write each (`case_open`, whose unique constraint still decides races)."""

from feedback.analysis import analysis_effective_map
from feedback.models import Analysis, Case, Feedback, Rule
from feedback.review.rules import rule_defaults_ensure, rules_evaluate
from feedback.review.services import case_open


def cases_open_for_feedback(*, feedback_ids: list[int]) -> list[int]:
    """Evaluate the firms' rules on these items and open a case for each one that matches;
    `case_open_for_feedback` for a batch. Idempotent: an item's existing case is kept (and its
    id returned), missing items are skipped. Returns the ids of the cases that exist for these
    items, in the order of the ids given."""
    ids = list(dict.fromkeys(int(i) for i in feedback_ids))
    items = {
        fb.pk: fb for fb in Feedback.objects.select_related("client", "firm").filter(pk__in=ids)
    }
    cases = dict(Case.objects.filter(feedback_id__in=items).values_list("feedback_id", "pk"))
    fresh = [items[pk] for pk in ids if pk in items and pk not in cases]
    if fresh:
        rules = _rules_by_firm(fresh)
        effective = analysis_effective_map(fresh)
        _sentences_load([e.analysis for e in effective.values() if e.analysis is not None])
        for feedback in fresh:
            matches = rules_evaluate(
                feedback=feedback, rules=rules[feedback.firm_id], effective=effective[feedback.pk]
            )
            if matches:
                cases[feedback.pk] = case_open(feedback=feedback, matches=matches).pk
    return [cases[pk] for pk in ids if pk in cases]


def _rules_by_firm(items: list[Feedback]) -> dict[int, list[Rule]]:
    firms = {fb.firm_id: fb.firm for fb in items}
    return {firm_id: rule_defaults_ensure(firm=firm) for firm_id, firm in firms.items()}


def _sentences_load(analyses: list[Analysis]) -> None:
    """The churn rule quotes the analysed sentences, which the effective read defers: load them
    for the whole batch in one query instead of one deferred load per item."""
    sentences = dict(
        Analysis.objects.filter(pk__in=[a.pk for a in analyses]).values_list("pk", "sentences")
    )
    for analysis in analyses:
        analysis.sentences = sentences.get(analysis.pk, [])
