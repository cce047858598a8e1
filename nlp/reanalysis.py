"""Re-analysis lives in `feedback.reanalysis` (the settings pages offer it too); re-exported for
the `reanalyse` command and its callers."""

from feedback.reanalysis import Progress, feedback_reanalyse, reanalysis_remaining

__all__ = ["Progress", "feedback_reanalyse", "reanalysis_remaining"]
