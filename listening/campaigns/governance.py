"""The contact-governance rules, as plain functions of dates.

Day arithmetic is done on *calendar dates in the firm's time zone*, so "14 days" means 14 days
on the firm's calendar whatever daylight-saving change lies in between (09:00 on 20 March to
09:00 on 3 April in London is 14 days, although only 13 days 23 hours of clock time).
Callers hold the Client row lock while they gather the dates and act on the verdict.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from listening.campaigns.models import SkipReason, SurveyPolicy

ROLLING_YEAR_DAYS = 365


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""
    detail: str = ""
    # The first firm-local day on which the refusal no longer holds (a quiet period's end + 1).
    resume_on: date | None = None


ALLOWED = Verdict(True)


def firm_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def policy_defaults(firm_id: int) -> SurveyPolicy:
    """The firm's policy, or an unsaved one with the defaults."""
    return SurveyPolicy.objects.filter(firm_id=firm_id).first() or SurveyPolicy(firm_id=firm_id)


def check_quiet(day: date, periods: Iterable[tuple[date, date]]) -> Verdict:
    for starts_on, ends_on in periods:
        if starts_on <= day <= ends_on:
            return Verdict(
                False,
                SkipReason.QUIET_PERIOD,
                f"Quiet from {starts_on} to {ends_on}.",
                resume_on=ends_on + timedelta(days=1),
            )
    return ALLOWED


def local_moment_on(day: date, like: datetime, zone: ZoneInfo) -> datetime:
    """`day` at the firm-local wall-clock time of `like` (09:00 stays 09:00 across a
    daylight-saving change)."""
    return datetime.combine(day, like.astimezone(zone).time(), tzinfo=zone)


def check_nps(day: date, wave_days: Iterable[date], policy: SurveyPolicy) -> Verdict:
    """May the client get a new NPS wave on `day`, given the days of its other waves?

    Rolling year: every window of 365 consecutive days (past *and* future waves, since waves
    can be scheduled ahead) may hold at most `nps_max_per_year` waves including the new one.
    """
    others = sorted(set(wave_days))
    for other in others:
        if abs((day - other).days) < policy.nps_min_gap_days:
            return Verdict(
                False,
                SkipReason.NPS_MIN_GAP,
                f"Another NPS wave on {other}; minimum gap {policy.nps_min_gap_days} days.",
            )
    days = sorted([*others, day])
    for i, first in enumerate(days):
        in_window = [d for d in days[i:] if (d - first).days < ROLLING_YEAR_DAYS]
        if day in in_window and len(in_window) > policy.nps_max_per_year:
            return Verdict(
                False,
                SkipReason.NPS_YEARLY_LIMIT,
                f"At most {policy.nps_max_per_year} NPS wave(s) per client in 365 days.",
            )
    return ALLOWED


def check_csat(
    day: date,
    contact_csat_days: Iterable[date],
    client_nps_days: Iterable[date],
    policy: SurveyPolicy,
) -> Verdict:
    """CSAT (and CES) at most once per contact per `csat_min_gap_days`, and never within
    `csat_nps_buffer_days` of an NPS invitation to the same client organisation."""
    for other in sorted(contact_csat_days):
        if abs((day - other).days) < policy.csat_min_gap_days:
            return Verdict(
                False,
                SkipReason.CSAT_TOO_SOON,
                f"CSAT on {other}; at most one per {policy.csat_min_gap_days} days.",
            )
    for other in sorted(client_nps_days):
        if abs((day - other).days) < policy.csat_nps_buffer_days:
            return Verdict(
                False,
                SkipReason.CSAT_NEAR_NPS,
                f"NPS invitation on {other}; no CSAT within {policy.csat_nps_buffer_days} days.",
            )
    return ALLOWED
