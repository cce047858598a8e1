"""The nlp_analyse and reanalyse commands, and the model card writer."""

import json

import pytest
from django.core.management import CommandError, call_command

from nlp.management.commands.nlp_evaluate import BEGIN, END, card_update


def test_nlp_analyse_streams_jsonl_with_themes(nlp_engine, tmp_path):
    # given
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "a", "text": "They answered within the hour, thank you!"})
        + "\n\n"
        + json.dumps({"id": 7, "text": ""})
        + "\n"
    )
    themes = tmp_path / "themes.json"
    themes.write_text(
        json.dumps(
            [
                {
                    "name": "Responsiveness",
                    "description": "Quick answers",
                    "examples": ["they replied within the hour"],
                }
            ]
        )
    )
    out = tmp_path / "out.jsonl"
    # when
    call_command("nlp_analyse", input=source, output=out, themes=themes, chunk=1)
    # then
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == ["a", 7]
    first = lines[0]["result"]
    assert first["sentiment"]["label"] == "positive"
    assert [t["name"] for t in first["themes"]] == ["Responsiveness"]
    assert lines[1]["result"]["sentences"] == []


def test_nlp_analyse_rejects_bad_lines(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("not json\n")
    with pytest.raises(CommandError, match="line 1"):
        call_command("nlp_analyse", input=source, output=tmp_path / "out.jsonl")


@pytest.mark.django_db
def test_reanalyse_refuses_an_unknown_firm():
    with pytest.raises(CommandError, match="no firm"):
        call_command("reanalyse", firm="nope")


def test_card_update_replaces_only_the_metrics_block(tmp_path):
    # given
    card = tmp_path / "MODEL_CARD.md"
    card.write_text(f"# Card\nintro\n{BEGIN}\nold\n{END}\noutro\n")
    # when
    card_update({"semeval2017_macro_recall": 0.7}, {"encoder": "e", "quantized": False}, card)
    # then
    text = card.read_text()
    assert "intro" in text and "outro" in text and "old" not in text
    assert "| `semeval2017_macro_recall` | 0.7000 |" in text


def test_nlp_train_only_sentiment_writes_the_sentiment_head_alone(nlp_engine, tmp_path):
    # given a tiny SemEval pool (no GoEmotions data at all) with every class in train and dev
    from nlp.engine.heads import head_load

    pool = tmp_path / "data/semeval2017-task4a/train_pool"
    pool.mkdir(parents=True)
    texts = {
        "negative": "The service was awful and slow",
        "neutral": "The meeting is on Tuesday",
        "positive": "Great advice, thank you so much",
    }
    labelled = list(texts.items())
    rows = [f"{i}\t{labelled[i % 3][0]}\t{labelled[i % 3][1]} #{i}" for i in range(60)]
    pool.joinpath("pool.tsv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "weights"
    # when
    call_command(
        "nlp_train",
        data_dir=tmp_path / "data",
        out_dir=out,
        cache_dir=tmp_path / "cache",
        only="sentiment",
        hidden=8,
        epochs=2,
    )
    # then only the sentiment head is written, and it loads as a 3-class head
    assert sorted(p.name for p in out.iterdir()) == ["sentiment.npz"]
    head = head_load(out / "sentiment.npz")
    assert head.labels == ["negative", "neutral", "positive"] and not head.multi_label
    assert len(list((tmp_path / "cache").glob("semeval_*.npy"))) == 2


def test_nlp_evaluate_scores_a_challenge_file_per_phenomenon(nlp_engine, tmp_path):
    # given two labelled comments in the challenge format
    rows = [
        {
            "id": "t-1",
            "text": "They replied within the hour, brilliant.",
            "sentiment": "positive",
            "promises": [{"name": "Responsiveness", "polarity": "positive"}],
            "intent_to_leave": False,
            "phenomena": ["plain"],
        },
        {
            "id": "t-2",
            "text": "We have decided to give next year's audit to a different firm.",
            "sentiment": "negative",
            "promises": [],
            "intent_to_leave": True,
            "phenomena": ["intent_to_leave"],
        },
    ]
    source = tmp_path / "set.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "metrics.json"
    # when
    call_command("nlp_evaluate", challenge=True, challenge_file=source, output=out, no_card=True)
    # then
    report = json.loads(out.read_text())["challenge"]
    assert set(report) == {"all", "plain", "intent_to_leave"}
    assert report["all"]["n"] == 2 and report["plain"]["n"] == 1
    assert 0.0 <= report["all"]["sentiment_accuracy"] <= 1.0
    assert "intent_recall" in report["intent_to_leave"]
    assert "promise_micro_f1" in report["plain"]


def test_nlp_evaluate_needs_something_to_evaluate():
    with pytest.raises(CommandError, match="--challenge"):
        call_command("nlp_evaluate")
