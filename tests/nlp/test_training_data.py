"""Training data readers: the stratified GoEmotions polarity subsample."""

from nlp.training import data


def test_goemotions_polarity_sample_is_stratified_stable_and_single_polarity(tmp_path):
    # given a tiny GoEmotions group/ split: 0 positive, 1 negative, 2 ambiguous, 3 neutral
    group = tmp_path / "goemotions/group"
    group.mkdir(parents=True)
    group.joinpath("labels.txt").write_text("positive\nnegative\nambiguous\nneutral\n")
    rows = [("love it", "0"), ("hate it", "1"), ("hmm", "2"), ("it is", "3"), ("mixed", "0,1")]
    rows = [(f"{t} {i}", ids) for i in range(4) for t, ids in rows]
    group.joinpath("train.tsv").write_text(
        "".join(f"{t}\t{ids}\tid{k}\n" for k, (t, ids) in enumerate(rows))
    )
    # when
    sample = data.goemotions_polarity_sample(tmp_path, "train", per_class=2)
    again = data.goemotions_polarity_sample(tmp_path, "train", per_class=2)
    everything = data.goemotions_polarity_sample(tmp_path, "train", per_class=None)
    # then two of each class, none ambiguous or mixed, the same rows each time
    assert sorted(sample.y.tolist()) == [0, 0, 1, 1, 2, 2]
    assert sample.texts == again.texts
    assert not any(t.startswith(("hmm", "mixed")) for t in everything.texts)
    assert len(everything.texts) == 12
    labels = dict(zip(everything.texts, everything.y.tolist(), strict=True))
    assert labels["love it 0"] == 2 and labels["hate it 0"] == 0 and labels["it is 0"] == 1
