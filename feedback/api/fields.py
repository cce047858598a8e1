"""Date-time input that PostgreSQL can store: offsets within ±14 h, convertible to UTC."""

from datetime import UTC, datetime, timedelta

from django import forms
from django_filters.fields import IsoDateTimeField
from rest_framework import serializers

MAX_OFFSET = timedelta(hours=14)


def datetime_check(value: datetime | None) -> str | None:
    """The reason a date-time is unusable, or None when it is fine."""
    if value is None:
        return None
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        return "Time zone offset out of range (at most ±14:00)."
    try:
        value.astimezone(UTC)
    except (OverflowError, ValueError):
        return "Date-time out of range."
    if not 1900 <= value.year <= 9000:
        return "Date-time out of range (years 1900-9000)."
    return None


class SaneIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):  # type: ignore[no-untyped-def]
        result = super().to_python(value)
        reason = datetime_check(result)
        if reason:
            raise forms.ValidationError(reason)
        return result


class SaneDateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value):  # type: ignore[no-untyped-def]
        result = super().to_internal_value(value)
        reason = datetime_check(result)
        if reason:
            raise serializers.ValidationError(reason)
        return result
