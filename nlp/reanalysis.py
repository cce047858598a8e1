"""Re-analysis lives in `feedback.reanalysis` (the settings pages offer it too); re-exported for
the `reanalyse` command and its callers."""

from feedback.reanalysis import feedback_reanalyse

__all__ = ["feedback_reanalyse"]
