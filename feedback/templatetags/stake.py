"""Money per currency and rates, as the "what is at stake" page shows them."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(amounts: dict[str, Decimal]) -> str:
    """{"GBP": 1200.5, "EUR": 10} -> "EUR 10 · GBP 1,201"; nothing -> "0"."""
    if not amounts:
        return "0"
    return " · ".join(f"{currency} {amounts[currency]:,.0f}" for currency in sorted(amounts))


@register.filter
def percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:.0f}%"
