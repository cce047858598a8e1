"""What the NLP worker stores of its own: per-firm sentiment calibration (nlp/calibration.py)."""

from django.db import models

from feedback.models import Firm


class FirmSentimentCalibration(models.Model):
    """A firm's sentiment bias, fitted on its own scored comments by `nlp_calibrate_firms`."""

    firm = models.OneToOneField(Firm, on_delete=models.CASCADE, related_name="+")
    bias = models.JSONField(help_text="Per-class log-odds bias: negative, neutral, positive.")
    n = models.PositiveIntegerField(help_text="Scored comments it was fitted on.")
    accuracy_before = models.FloatField(help_text="Agreement with the scores, uncalibrated.")
    accuracy_after = models.FloatField(help_text="Agreement with the scores, calibrated.")
    fitted_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"sentiment calibration of firm {self.firm_id} ({self.n} scored comments)"
