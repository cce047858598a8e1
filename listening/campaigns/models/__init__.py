"""Survey campaigns: who is asked what, when (`surveys`), and why somebody was *not* asked
(`governance`). Import them from here."""

from listening.campaigns.models.governance import QuietPeriod, SkippedInvitation, SkipReason
from listening.campaigns.models.surveys import (
    SCORE_RANGE,
    Audience,
    Campaign,
    Invitation,
    Response,
    SurveyKind,
    SurveyPolicy,
)

__all__ = [
    "SCORE_RANGE",
    "Audience",
    "Campaign",
    "Invitation",
    "QuietPeriod",
    "Response",
    "SkipReason",
    "SkippedInvitation",
    "SurveyKind",
    "SurveyPolicy",
]
