"""The "any Hugging Face model by configuration" path, with tiny models saved in the test."""

import pytest

from nlp.engine.config import EngineConfig
from nlp.engine.core import EMOTION_LABELS, ConfigurationError, Engine


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    """A tiny 3-label sentiment BERT (cardiffnlp-style LABEL_k names), a tiny 28-label
    multi-label emotion BERT, and a tiny encoder, saved locally with the MiniLM tokenizer."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification, BertModel

    from nlp.inference import embedded_encoder_path

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(embedded_encoder_path())
    base = dict(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
    )
    root = tmp_path_factory.mktemp("hf")
    paths = {}
    specs = {
        "sentiment": BertConfig(**base, id2label={0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}),
        "emotion": BertConfig(
            **base,
            id2label=dict(enumerate(EMOTION_LABELS)),
            problem_type="multi_label_classification",
        ),
    }
    for name, config in specs.items():
        config.label2id = {v: k for k, v in config.id2label.items()}
        BertForSequenceClassification(config).save_pretrained(root / name)
        tokenizer.save_pretrained(root / name)
        paths[name] = str(root / name)
    BertModel(BertConfig(**base)).save_pretrained(root / "encoder")
    tokenizer.save_pretrained(root / "encoder")
    paths["encoder"] = str(root / "encoder")
    return paths


def test_configured_classifiers_replace_the_heads_with_labels_mapped(tiny_models):
    # given
    config = EngineConfig(
        encoder=tiny_models["encoder"],
        sentiment_model=tiny_models["sentiment"],
        emotion_model=tiny_models["emotion"],
    )
    # when
    engine = Engine(config)
    results = engine.analyse(["Great work. Terrible invoice.", ""], [[{"name": "Fees"}]] * 2)
    # then
    first = results[0]
    assert set(first.sentiment.scores) == {"negative", "neutral", "positive"}
    assert sum(first.sentiment.scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert len(first.sentences) == 2
    assert set(first.emotions.scores) == set(EMOTION_LABELS)
    assert engine.models["sentiment"] == {"model": tiny_models["sentiment"]}
    assert engine.models["encoder"] == tiny_models["encoder"]
    assert engine.version.startswith("earshot-nlp/")
    assert results[1].sentences == [] and results[1].sentiment.label == "neutral"


def test_an_explicit_label_map_is_applied(tiny_models):
    # given a map that sends every model label to "positive"
    config = EngineConfig(
        sentiment_model=tiny_models["sentiment"],
        sentiment_label_map={"LABEL_0": "positive", "LABEL_1": "positive", "LABEL_2": "positive"},
    )
    # when
    (result,) = Engine(config).analyse(["Anything at all."], [[]])
    # then
    assert result.sentiment.scores["positive"] == pytest.approx(1.0, abs=1e-3)


def test_heads_refuse_an_encoder_they_were_not_trained_on(tiny_models):
    with pytest.raises(ConfigurationError):
        Engine(EngineConfig(encoder=tiny_models["encoder"]))
