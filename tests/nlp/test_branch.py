"""The sentiment branch: LoRA-tuned top layers beside the frozen encoder (real model and graph)."""

import numpy as np
import pytest

from nlp.inference import embedded_encoder_path
from nlp.inference.branch import BRANCH_FILE, TARGETS, branch_forward, branch_layers, branch_meta

SENTENCES = [
    "Fees were exactly as quoted, no surprises on the invoice.",
    "Nobody has returned my calls for ten days.",
    "Service fine.",
    "The advice was excellent, but the invoice was much higher than the estimate we agreed.",
]

pytestmark = pytest.mark.skipif(not BRANCH_FILE.exists(), reason="no committed branch")


def _torch_model():
    from transformers import AutoModel, AutoTokenizer

    path = embedded_encoder_path()
    model = AutoModel.from_pretrained(path, attn_implementation="eager").eval()
    return AutoTokenizer.from_pretrained(path), model


def _reference(tokenizer, model, layers, texts: list[str], start: int) -> np.ndarray:
    """The branch's pooling in torch, one text at a time (no padding)."""
    import torch

    out = []
    with torch.inference_mode():
        for text in texts:
            enc = tokenizer(text, return_tensors="pt")
            hidden = model(**enc, output_hidden_states=True).hidden_states
            out.append(branch_forward(layers, hidden[start], enc["attention_mask"])[0].numpy())
    return np.stack(out)


def test_the_graph_gives_the_merged_branch_of_torch_beside_the_frozen_layers(nlp_engine):
    # given the committed adapters merged into copies of the top layers, in torch
    tokenizer, model = _torch_model()
    meta = branch_meta()
    reference = _reference(tokenizer, model, branch_layers(model), SENTENCES, meta["start"])
    # when the engine's ONNX graph encodes the same sentences in padded batches of two
    nlp_engine.encoder.batch_size = 2
    try:
        ours = nlp_engine.encoder.encode_segments(SENTENCES)
    finally:
        nlp_engine.encoder.batch_size = 64
    # then the branch output matches torch, and differs from the frozen last layer (it was tuned)
    assert ours.branch is not None and ours.branch.shape == (len(SENTENCES), 384)
    cos = np.sum(ours.branch * reference, 1) / (
        np.linalg.norm(ours.branch, axis=1) * np.linalg.norm(reference, axis=1)
    )
    assert cos.min() > 0.9999
    frozen_last = ours.layers[:, -1, :]
    moved = np.sum(ours.branch * frozen_last, 1) / (
        np.linalg.norm(ours.branch, axis=1) * np.linalg.norm(frozen_last, axis=1)
    )
    assert moved.max() < 0.999


def test_zero_adapters_leave_the_top_layers_as_they_were(tmp_path):
    # given a branch file whose B matrices are all zero (LoRA's starting point)
    import torch

    with np.load(BRANCH_FILE) as f:
        arrays = {k: f[k] for k in f.files}
    for key in list(arrays):
        if key.endswith(".B"):
            arrays[key] = np.zeros_like(arrays[key])
    path = tmp_path / "zero.npz"
    np.savez(path, **arrays)
    tokenizer, model = _torch_model()
    start = branch_meta(path)["start"]
    # when the branch runs from the frozen state after layer `start`
    ours = _reference(tokenizer, model, branch_layers(model, path), SENTENCES[:2], start)
    # then it equals the frozen model's last layer pooling
    with torch.inference_mode():
        for text, row in zip(SENTENCES[:2], ours, strict=True):
            last = model(**tokenizer(text, return_tensors="pt")).last_hidden_state[0].mean(0)
            assert np.allclose(row, last.numpy(), atol=1e-5)
    assert len(TARGETS) == 6


def test_engine_blends_the_branch_with_the_frozen_head_for_sentences_and_documents(nlp_engine):
    # given the embedded engine with the committed branch
    from nlp.engine.sentiment import BRANCH_BLEND

    info = nlp_engine.models["sentiment"]
    assert info["model"] == "heads/feedback-sentiment-branch+feedback-sentiment-mlp"
    # when a two-sentence text is analysed
    text = "The advice was excellent. But the invoice was much higher than the estimate."
    result = nlp_engine.analyse([text], [[]])[0]
    # then the document blends the branch head on the token-weighted mean of its sentences'
    # branch poolings with the frozen head on their layers; the sentences have opposite signs
    enc = nlp_engine.encoder.encode_segments([s.text for s in result.sentences])
    weights = (enc.tokens / enc.tokens.sum()).astype(np.float32)
    pooled = (enc.branch * weights[:, None]).sum(0)[None, None, :]
    layers = (enc.layers * weights[:, None, None]).sum(0)[None]
    expected = (
        BRANCH_BLEND * nlp_engine.sentiment.branch.predict(pooled)[0]
        + (1 - BRANCH_BLEND) * nlp_engine.sentiment.head.predict(layers)[0]
    )
    got = [result.sentiment.scores[k] for k in ("negative", "neutral", "positive")]
    assert np.allclose(got, expected, atol=1e-3)
    labels = [s.sentiment.label for s in result.sentences]
    assert labels == ["positive", "negative"]


def test_training_writes_the_adapters_and_their_head(tmp_path):
    # given a tiny SemEval pool (no other source but the in-domain comments)
    from nlp.engine.heads import head_load
    from nlp.training.branch import Settings, train_branch

    pool = tmp_path / "data/semeval2017-task4a/train_pool"
    pool.mkdir(parents=True)
    texts = ["The service was awful and slow", "The meeting is on Tuesday", "Great advice, thanks"]
    labels = ["negative", "neutral", "positive"]
    rows = [f"{i}\t{labels[i % 3]}\t{texts[i % 3]} #{i}" for i in range(90)]
    pool.joinpath("pool.tsv").write_text("\n".join(rows) + "\n")
    out = (tmp_path / "branch.npz", tmp_path / "head.npz")
    # when a one-epoch smoke run trains on 64 texts
    figures = train_branch(tmp_path / "data", Settings(epochs=1, hidden=8, limit=64), out)
    # then the adapters (rank x width per target and layer) and a 3-class head are written
    meta = branch_meta(out[0])
    with np.load(out[0]) as f:
        assert f[f"0.{TARGETS[0]}.A"].shape == (meta["rank"], 384)
        assert f[f"1.{TARGETS[-1]}.B"].shape == (384, meta["rank"])
    head = head_load(out[1])
    assert head.labels == labels and head.w1.shape == (384, 8)
    assert 0.0 <= figures["dev_score"] <= 1.0 and figures["temperature"] > 0
