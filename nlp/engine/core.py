"""The engine: one encoder pass over sentences, then sentiment, emotions and themes.

`Engine` is built once per process (`engine_get`, lock-protected) and is then safe to call from
one thread at a time per process (Celery's prefork pool gives each worker process its own).
"""

import hashlib
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from nlp.engine import heads as heads_mod
from nlp.engine import intent as intent_mod
from nlp.engine.clauses import clauses_of
from nlp.engine.config import EMBEDDED_ENCODER, EngineConfig
from nlp.engine.features import Prepared, pool_documents, prepare
from nlp.engine.labels import EMOTION_LABELS, ConfigurationError, label_matrix, neutral, no_emotion
from nlp.engine.polarity import polarity_load, toward
from nlp.engine.promise_model import (
    MIN_CONFIRMED,
    PromiseModel,
    matching_embeddings,
    models_build,
    taught_hits,
)
from nlp.engine.promises import MatchSettings, hits, polarity, scored
from nlp.engine.result import (
    EmotionResult,
    IntentResult,
    Result,
    SentenceResult,
    SentimentResult,
    ThemeResult,
)
from nlp.engine.sentiment import SentimentReader
from nlp.engine.text import Segment
from nlp.engine.themes import (
    DEFAULT_FLOOR,
    DEFAULT_MARGIN,
    DEFAULT_THRESHOLD,
    MAX_EVIDENCE,
    Theme,
    normalise_rows,
)
from nlp.precision import precision_resolve

if TYPE_CHECKING:
    from nlp.inference import EncodedSegments, HFClassifier

THEME_CACHE_SIZE = 512  # distinct theme versions kept embedded per worker


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; all-zero rows (texts with no words) stay zero."""
    out = np.array(rows, dtype=np.float32, copy=True)
    norms = np.linalg.norm(out, axis=1)
    out[norms > 0] /= norms[norms > 0, None]
    return out


class Engine:
    def __init__(self, config: EngineConfig) -> None:
        from nlp import inference

        self.config = config
        encoder_name = (
            inference.embedded_encoder_path() if config.embedded_encoder else config.encoder
        )
        self.precision = precision_resolve(config.precision)  # from the CPU's flags; logged
        self.encoder = inference.encoder_get(encoder_name, precision=self.precision.precision)
        self.encoder.batch_size = config.batch_size
        if not (config.sentiment_model and config.emotion_model) and not config.embedded_encoder:
            raise ConfigurationError(
                "the committed heads were trained on all-MiniLM-L6-v2: with NLP_ENCODER set, "
                "also set NLP_SENTIMENT_MODEL and NLP_EMOTION_MODEL (or retrain the heads)"
            )
        self.sentiment = SentimentReader(config, self.encoder)
        self.emotion_head = None
        self.emotion_clf = None
        if config.emotion_model:
            self.emotion_clf = inference.classifier_get(config.emotion_model)
            self.emotion_map = label_matrix(
                self.emotion_clf.labels, EMOTION_LABELS, config.emotion_label_map
            )
        else:
            self.emotion_head = heads_mod.head_load(heads_mod.WEIGHTS_DIR / "emotion.npz")
        # The leaving examples are embedded with the committed encoder: only usable with it.
        self.intent = intent_mod.intent_load() if config.embedded_encoder else None
        self.threshold = (
            config.theme_threshold if config.theme_threshold is not None else DEFAULT_THRESHOLD
        )
        # NLP_THEME_THRESHOLD moves the floor with it, keeping their distance
        self.match_settings = MatchSettings(
            threshold=self.threshold,
            floor=self.threshold - (DEFAULT_THRESHOLD - DEFAULT_FLOOR),
            margin=DEFAULT_MARGIN,
        )
        # trained on the embedded encoder's layers: useless on another encoder
        self.polarity = polarity_load() if config.embedded_encoder else None
        self._themes: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._promise_models: dict[tuple[str, ...], list[PromiseModel | None]] = {}
        self.models = self._models()
        self.version = self._version()

    def _models(self) -> dict[str, Any]:
        def head_info(head: heads_mod.Head | None, clf: "HFClassifier | None") -> dict[str, str]:
            if clf:
                return {"model": clf.name}
            head = cast(heads_mod.Head, head)  # no classifier: the embedded head is loaded
            return {"model": f"heads/{head.name}", "version": head.version}

        return {
            "encoder": EMBEDDED_ENCODER if self.config.embedded_encoder else self.config.encoder,
            "quantized": self.encoder.quantized,
            "precision": self.encoder.precision,
            "sentiment": self.sentiment.info(),
            "emotion": head_info(self.emotion_head, self.emotion_clf),
            "themes": {
                "method": "zero-shot cosine, clauses, top-theme floor, per-firm classifier",
                "threshold": self.match_settings.threshold,
                "floor": self.match_settings.floor,
                "margin": self.match_settings.margin,
                "polarity": "sentence head + laptop reviews" if self.polarity else "sentence head",
            },
            "intent": {"model": "intent-knn-logistic", "version": self.intent.version}
            if self.intent
            else None,
        }

    def _version(self) -> str:
        """Stable id of everything that changes the output: part of the Analysis upsert key."""
        digest = hashlib.sha1(
            repr(sorted(self.models.items())).encode(), usedforsecurity=False
        ).hexdigest()[:10]
        return f"earshot-nlp/{digest}"

    def _theme_embeddings(self, theme: Theme) -> tuple[np.ndarray, np.ndarray]:
        """(prototypes, counter-examples), normalised; cached by the theme's fingerprint (a
        bounded cache: corrections keep changing a firm's themes in a long-lived worker)."""
        key = theme.fingerprint()
        if key not in self._themes:
            protos = theme.prototypes()
            enc = self.encoder.encode_segments([*protos, *theme.counter_examples])
            emb = normalise_rows(enc.layers[:, -1, :])
            if len(self._themes) >= THEME_CACHE_SIZE:
                self._themes.pop(next(iter(self._themes)))
            self._themes[key] = (emb[: len(protos)], emb[len(protos) :])
        return self._themes[key]

    def _models_of(
        self, themes: list[Theme], theme_emb: list[tuple[np.ndarray, np.ndarray]]
    ) -> list[PromiseModel | None]:
        """The firm's per-promise classifiers (nlp/engine/promise_model.py), cached by its
        promise list; none where no promise has enough corrections to learn from."""
        if all(len(t.confirmed) < MIN_CONFIRMED for t in themes):
            return [None] * len(themes)
        key = tuple(t.fingerprint() for t in themes)
        if key not in self._promise_models:
            if len(self._promise_models) >= THEME_CACHE_SIZE:
                self._promise_models.pop(next(iter(self._promise_models)))
            self._promise_models[key] = models_build(themes, theme_emb)
        return self._promise_models[key]

    def analyse(self, texts: list[str], themes: Sequence[Sequence[Theme | dict]]) -> list[Result]:
        """Analyse every text against its own theme list (themes[i] for texts[i]), one encoder
        pass over all sentences. Never raises for odd text: empty gives a neutral Result."""
        prepared = prepare(texts)
        enc = self.encoder.encode_segments(prepared.flat)
        docs = pool_documents(enc.layers, enc.tokens, prepared.owner, len(texts))
        seg_sent, doc_sent = self._sentiment(prepared, enc, docs)
        doc_emo = self._emotions(prepared, enc, docs)
        emb = normalise_rows(enc.layers[:, -1, :]) if len(prepared.flat) else enc.layers[:, -1, :]
        doc_vectors = _unit_rows(docs[:, -1, :])  # what the topic model reads (nlp.topics.embed)
        seg_intent = (
            self.intent.predict(emb, prepared.flat, seg_sent[:, 0])
            if self.intent is not None
            else np.zeros(len(prepared.flat), np.float32)
        )
        clause_emb, clause_sent, clause_owner = self._clauses(prepared, themes)
        seg_toward = toward(self.polarity, enc.layers, seg_sent) if any(themes) else seg_sent
        results, cursor = [], 0
        for i, segs in enumerate(prepared.segments):
            rows = slice(cursor, cursor + len(segs))
            mine = (clause_owner >= cursor) & (clause_owner < cursor + len(segs))
            clauses = (clause_emb[mine], clause_sent[mine], clause_owner[mine] - cursor)
            cursor += len(segs)
            sentences = [
                SentenceResult(
                    s.text, s.start, s.end, SentimentResult.from_probs(p), round(float(q), 4)
                )
                for s, p, q in zip(segs, seg_sent[rows], seg_intent[rows], strict=True)
            ]
            doc_theme_list = [Theme.coerce(t) for t in themes[i]]
            results.append(
                Result(
                    sentiment=SentimentResult.from_probs(doc_sent[i]) if segs else neutral(),
                    sentences=sentences,
                    emotions=self._emotion_result(doc_emo[i]) if segs else no_emotion(),
                    themes=self._match(
                        doc_theme_list, emb[rows], seg_toward[rows], sentences, clauses
                    ),
                    models=self.models,
                    intent=self._intent_result(seg_intent[rows], sentences),
                    embedding=doc_vectors[i] if segs else None,
                )
            )
        return results

    def _intent_result(self, probs: np.ndarray, sentences: list[SentenceResult]) -> IntentResult:
        if not len(probs) or self.intent is None:
            return IntentResult()
        order = np.argsort(-probs)
        flagged = [sentences[k].text for k in order if probs[k] >= self.intent.threshold]
        top = float(probs[order[0]])
        return IntentResult(
            probability=round(top, 4),
            flag=top >= self.intent.threshold,
            evidence=flagged[:MAX_EVIDENCE],
        )

    def _clauses(
        self, prepared: Prepared, themes: Sequence[Sequence[Theme | dict]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Embeddings, sentiment and sentence index of the clauses of sentences that cut at a
        turn ("..., but ..."), for texts that have themes to match (others need none)."""
        wanted = [bool(themes[int(d)]) for d in prepared.owner]
        texts, owner = clauses_of(prepared.flat, wanted)
        if not texts:
            hidden = self.encoder.hidden
            return np.zeros((0, hidden), np.float32), np.zeros((0, 3), np.float32), np.zeros(0, int)
        enc = self.encoder.encode_segments(texts)
        sent = toward(self.polarity, enc.layers, self._sentiment_alone(texts, enc))
        return normalise_rows(enc.layers[:, -1, :]), sent, np.asarray(owner, dtype=np.int64)

    def _sentiment_alone(self, texts: list[str], enc: "EncodedSegments") -> np.ndarray:
        """Sentence sentiment of each text as its own one-sentence document (same path)."""
        alone = Prepared([[Segment(t, 0, len(t))] for t in texts], texts, np.arange(len(texts)))
        return self._sentiment(alone, enc, enc.layers)[0]

    def _sentiment(
        self, prepared: Prepared, enc: "EncodedSegments", docs: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        return self.sentiment.read(prepared, enc, docs)

    def _emotions(self, prepared: Prepared, enc: "EncodedSegments", docs: np.ndarray) -> np.ndarray:
        if self.emotion_clf is None:  # then the embedded head is loaded
            return cast(heads_mod.Head, self.emotion_head).predict(docs)
        seg = self.emotion_clf.predict(prepared.flat) @ self.emotion_map
        doc = np.zeros((len(prepared.segments), len(EMOTION_LABELS)), np.float32)
        # An emotion voiced in any one sentence counts for the document.
        np.maximum.at(doc, prepared.owner, seg)
        return doc

    def _emotion_result(self, probs: np.ndarray) -> EmotionResult:
        if self.emotion_head is not None:
            labels, thresholds = self.emotion_head.labels, self.emotion_head.thresholds
        else:
            labels, thresholds = EMOTION_LABELS, np.full(len(EMOTION_LABELS), 0.5)
        chosen = [lab for lab, p, t in zip(labels, probs, thresholds, strict=True) if p >= t]
        if not chosen:
            chosen = [labels[int(np.argmax(probs))]]
        scores = {lab: round(float(p), 4) for lab, p in zip(labels, probs, strict=True)}
        return EmotionResult(labels=sorted(chosen, key=lambda lab: -scores[lab]), scores=scores)

    def _match(
        self,
        themes: list[Theme],
        emb: np.ndarray,
        seg_sent: np.ndarray,
        sentences: list[SentenceResult],
        clauses: tuple[np.ndarray, np.ndarray, np.ndarray],
    ) -> list[ThemeResult]:
        if not themes or not sentences:
            return []
        clause_emb, clause_sent, clause_owner = clauses
        theme_emb = [self._theme_embeddings(t) for t in themes]
        models = self._models_of(themes, theme_emb)
        s = scored(emb, clause_emb, clause_owner, matching_embeddings(themes, theme_emb, models))
        found = taught_hits(hits(s, self.match_settings), models, emb, clause_emb, clause_owner)
        out = []
        for j, theme in enumerate(themes):
            rows = np.flatnonzero(found[:, j])
            if not len(rows):
                continue
            rows = rows[np.argsort(-s.scores[rows, j])]
            sentiment = SentimentResult.from_probs(polarity(rows, j, s, seg_sent, clause_sent))
            out.append(
                ThemeResult(
                    name=theme.name,
                    score=round(float(s.scores[rows[0], j]), 4),
                    sentiment=sentiment.label,
                    sentiment_value=round(sentiment.value, 4),
                    evidence=[sentences[k].text for k in rows[:MAX_EVIDENCE]],
                    key=theme.key,
                    sentiment_scores=sentiment.scores,
                    confidence=sentiment.scores[sentiment.label],
                )
            )
        return sorted(out, key=lambda t: -t.score)


_LOCK = threading.Lock()
_ENGINES: dict[str, Engine] = {}


def engine_get(config: EngineConfig | None = None) -> Engine:
    """The process-wide engine for this configuration, built once behind a lock."""
    config = config or EngineConfig.from_settings()
    with _LOCK:
        key = repr(config)  # the label maps are dicts, so the config itself is unhashable
        if key not in _ENGINES:
            _ENGINES[key] = Engine(config)
        return _ENGINES[key]
