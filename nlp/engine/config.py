"""Engine configuration from Django settings (or defaults when Django is not configured)."""

import json
from dataclasses import dataclass, field

EMBEDDED_ENCODER_NAMES = {"", "all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}
EMBEDDED_ENCODER = "sentence-transformers/all-MiniLM-L6-v2"

# Common label names of public sentiment models, lower-cased, mapped to ours. LABEL_k names are
# the cardiffnlp twitter-roberta-base-sentiment convention (0 neg, 1 neu, 2 pos).
SENTIMENT_ALIASES = {
    "negative": "negative",
    "neg": "negative",
    "label_0": "negative",
    "1 star": "negative",
    "2 stars": "negative",
    "neutral": "neutral",
    "neu": "neutral",
    "label_1": "neutral",
    "3 stars": "neutral",
    "positive": "positive",
    "pos": "positive",
    "label_2": "positive",
    "4 stars": "positive",
    "5 stars": "positive",
}


@dataclass(frozen=True)
class EngineConfig:
    encoder: str = ""
    sentiment_model: str = ""
    emotion_model: str = ""
    sentiment_label_map: dict[str, str] = field(default_factory=dict)
    emotion_label_map: dict[str, str] = field(default_factory=dict)
    theme_threshold: float | None = None
    # fp32, int8, bf16 or auto (nlp/precision.py); the bare config is exact fp32, the settings'
    # default is auto.
    precision: str = "fp32"
    batch_size: int = 64

    @property
    def embedded_encoder(self) -> bool:
        return self.encoder.strip().lower() in EMBEDDED_ENCODER_NAMES

    @classmethod
    def from_settings(cls) -> "EngineConfig":
        from django.conf import settings

        from nlp.precision import precision_setting

        if not settings.configured:
            return cls()

        def mapping(name: str) -> dict[str, str]:
            value = getattr(settings, name, None) or {}
            return json.loads(value) if isinstance(value, str) else dict(value)

        return cls(
            encoder=getattr(settings, "NLP_ENCODER", "") or "",
            sentiment_model=getattr(settings, "NLP_SENTIMENT_MODEL", "") or "",
            emotion_model=getattr(settings, "NLP_EMOTION_MODEL", "") or "",
            sentiment_label_map=mapping("NLP_SENTIMENT_LABEL_MAP"),
            emotion_label_map=mapping("NLP_EMOTION_LABEL_MAP"),
            theme_threshold=getattr(settings, "NLP_THEME_THRESHOLD", None),
            precision=precision_setting(),
            batch_size=int(getattr(settings, "NLP_BATCH_SIZE", 64) or 64),
        )
