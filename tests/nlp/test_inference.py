"""The ONNX Runtime encoder against the transformers model it was built from (real models)."""

import numpy as np
import pytest

from nlp.inference import embedded_encoder_path, encoder_get, onnx_encoder_build
from nlp.precision import backend_available, cpu_flags, precision_choose

SENTENCES = [
    "They replied within the hour.",
    "The invoice was far higher than the estimate we agreed in January.",
    "Great job!",
    "Nobody told us the hearing had been moved, which was embarrassing in front of the board.",
    "ok",
    "Die Beratung war ausgezeichnet 😊",
]


def _torch_layers(texts: list[str]) -> np.ndarray:
    """Every hidden layer's mean pooling from the transformers model in torch, one text at a
    time (no padding), as the reference."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    path = embedded_encoder_path()
    tokenizer, model = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()
    with torch.inference_mode():
        return np.stack(
            [
                torch.stack(
                    [
                        h[0].mean(0)
                        for h in model(
                            **tokenizer(text, return_tensors="pt"), output_hidden_states=True
                        ).hidden_states[1:]
                    ]
                ).numpy()
                for text in texts
            ]
        )


def _min_cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n_layers,) minimum over texts of the cosine between a[:, l] and b[:, l]."""
    dot = np.sum(a * b, axis=2)
    return (dot / np.linalg.norm(a, axis=2) / np.linalg.norm(b, axis=2)).min(axis=0)


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return _torch_layers(SENTENCES)


def test_fp32_graph_gives_the_transformers_poolings_on_every_layer(nlp_engine, reference):
    # given padded, length-sorted batches of two
    nlp_engine.encoder.batch_size = 2
    try:
        # when
        ours = nlp_engine.encoder.encode_segments(SENTENCES)
    finally:
        nlp_engine.encoder.batch_size = 64
    # then every layer the heads read (3-6) and the embedding (6) are the same numbers
    assert ours.layers.shape == reference.shape
    np.testing.assert_allclose(ours.layers, reference, atol=2e-4)
    assert not nlp_engine.encoder.quantized and nlp_engine.encoder.precision == "fp32"


def test_identical_texts_are_encoded_once_and_keep_their_positions(nlp_engine):
    # given
    texts = ["Fees were fair.", "Slow, slow, slow.", "Fees were fair.", "", "Fees were fair."]
    # when
    enc = nlp_engine.encoder.encode_segments(texts)
    alone = nlp_engine.encoder.encode_segments(["Slow, slow, slow."])
    # then
    assert enc.layers.shape[0] == enc.tokens.shape[0] == len(texts)
    np.testing.assert_array_equal(enc.layers[0], enc.layers[2])
    np.testing.assert_array_equal(enc.layers[0], enc.layers[4])
    np.testing.assert_allclose(enc.layers[1], alone.layers[0], atol=1e-5)
    assert enc.tokens[3] == 2  # [CLS] [SEP]


def _mean_cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(
        np.mean(np.sum(a * b, axis=2) / np.linalg.norm(a, axis=2) / np.linalg.norm(b, axis=2))
    )


def test_int8_graph_stays_within_the_fidelity_bar(reference):
    # given the int8 encoder (NLP_PRECISION=int8, or the older NLP_QUANTIZE)
    encoder = encoder_get(embedded_encoder_path(), precision="int8")
    # when
    ours = encoder.encode_segments(SENTENCES)
    # then every layer keeps a cosine of at least 0.99 to fp32, 0.998 on average
    assert encoder.quantized and encoder.precision == "int8"
    assert _min_cosines(ours.layers, reference).min() >= 0.99
    assert _mean_cosine(ours.layers, reference) >= 0.998


@pytest.mark.skipif(
    precision_choose("bf16", flags=cpu_flags()).precision != "bf16",
    reason="bf16 needs AMX or AVX-512 BF16 and OpenVINO",
)
def test_bf16_on_amx_gives_the_fp32_numbers_within_the_bar(reference):
    # given the bf16 encoder (OpenVINO compiling the cached fp32 graph for AMX)
    encoder = encoder_get(embedded_encoder_path(), precision="bf16")
    # when
    ours = encoder.encode_segments(SENTENCES)
    # then every layer keeps a cosine of at least 0.999 to fp32 (measured: 0.9999)
    assert encoder.precision == "bf16" and not encoder.quantized
    assert backend_available("bf16")
    assert _min_cosines(ours.layers, reference).min() >= 0.999
    assert not np.allclose(ours.layers, reference, atol=1e-5)  # it really is not fp32


def test_the_graph_is_built_once_and_reused(nlp_engine):
    # given the engine's encoder, already built
    built = nlp_engine.encoder.graph.stat().st_mtime_ns
    # when (with the sentiment branch the engine's encoder carries, if there is one)
    from nlp.inference.branch import BRANCH_FILE

    branch = BRANCH_FILE if nlp_engine.encoder.has_branch else None
    again = onnx_encoder_build(embedded_encoder_path(), branch=branch)
    # then
    assert again == nlp_engine.encoder.graph and again.stat().st_mtime_ns == built
