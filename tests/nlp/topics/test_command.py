"""`manage.py nlp_topics`, run for real on the embedded encoder."""

import itertools
import json

import pytest
from django.core.management import CommandError, call_command


def _run(tmp_path, lines: list, themes: list | None = None) -> tuple[list[dict], dict]:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    kwargs = {}
    if themes is not None:
        (tmp_path / "themes.json").write_text(json.dumps(themes))
        kwargs["themes"] = tmp_path / "themes.json"
    call_command("nlp_topics", input=source, output=out, **kwargs)
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    return rows[:-1], rows[-1]


PORTAL = [
    "The new billing portal keeps logging me out.",
    "I could not log in to the billing portal.",
    "Billing portal login is broken again",
]
SINGAPORE = ["Great service from the Singapore office", "The Singapore office team was helpful"]


def test_small_input_groups_alike_comments_and_answers_odd_lines_with_minus_one(
    nlp_engine, tmp_path
):
    # given three portal complaints, two Singapore praises and odd lines
    lines = [
        *({"id": i, "text": t} for i, t in enumerate(PORTAL)),
        "",
        {"id": "empty", "text": ""},
        {"id": "null", "text": None},
        {"id": "no-text"},
        {"id": "emoji", "text": "🙂🙂"},
        *({"id": f"s{i}", "text": t} for i, t in enumerate(SINGAPORE)),
    ]
    # when
    rows, summary = _run(tmp_path, lines)
    # then every non-blank line is answered in order
    assert [r["id"] for r in rows] == [0, 1, 2, "empty", "null", "no-text", "emoji", "s0", "s1"]
    topic = {r["id"]: r["topic"] for r in rows}
    assert topic[0] == topic[1] == topic[2] >= 0
    assert topic["s0"] == topic["s1"] >= 0 and topic["s0"] != topic[0]
    assert all(topic[k] == -1 for k in ("empty", "null", "no-text", "emoji"))
    by_id = {t["id"]: t for t in summary["topics"]}
    assert "billing" in by_id[topic[0]]["label"] and by_id[topic[0]]["size"] == 3
    assert "singapore" in " ".join(by_id[topic["s0"]]["keywords"])
    assert {r["label"] for r in rows if r["topic"] == topic[0]} == {by_id[topic[0]]["label"]}


@pytest.mark.parametrize("count", [0, 1, 2])
def test_tiny_inputs_work(nlp_engine, tmp_path, count):
    # given
    lines = [{"id": i, "text": PORTAL[i]} for i in range(count)]
    # when
    rows, summary = _run(tmp_path, lines)
    # then
    assert [r["id"] for r in rows] == list(range(count))
    assert len(summary["topics"]) == (1 if count == 2 else 0)
    assert all(isinstance(r["topic"], int) for r in rows)


def test_themes_are_known_topics_with_their_names(nlp_engine, tmp_path):
    # given a promise about responsiveness and comments on it and on other things
    themes = [
        {
            "name": "Responsiveness",
            "description": "We answer clients quickly.",
            "examples": ["they replied within the hour", "took weeks to get back to us"],
        }
    ]
    lines = [
        {"id": "r1", "text": "They replied within the hour."},
        {"id": "r2", "text": "It took weeks to get back to us."},
        *({"id": i, "text": t} for i, t in enumerate(PORTAL)),
    ]
    # when
    rows, summary = _run(tmp_path, lines, themes)
    # then the theme is topic 0 with its name; the portal comments form a topic of their own
    topic = {r["id"]: r["topic"] for r in rows}
    assert topic["r1"] == topic["r2"] == 0
    assert summary["topics"][0]["label"] == "Responsiveness"
    assert topic[0] == topic[1] == topic[2] not in (-1, 0)


def test_a_larger_input_is_clustered_without_being_told_how_many_topics(nlp_engine, tmp_path):
    # given 240 comments on four subjects, phrased many ways
    subjects = {
        "invoice": ["The invoice {} was far higher than the estimate", "Fees on the bill {}"],
        "portal": ["The client portal {} would not let me log in", "Password reset {} failed"],
        "parking": ["Parking at the office {} was impossible", "No parking spaces {} again"],
        "coffee": ["The coffee in reception {} was lovely", "Nice tea and coffee {}"],
    }
    fillers = ["today", "this week", "last month", "yesterday", "on Monday", "again", "", "sadly"]
    fillers += ["in March", "for us", "as usual", "this time", "for the second time", "once more"]
    fillers += ["recently", "honestly"]
    lines, truth = [], []
    for subject, templates in subjects.items():
        for template, filler in itertools.islice(itertools.product(templates, fillers * 2), 60):
            lines.append({"id": len(lines), "text": template.format(filler)})
            truth.append(subject)
    # when
    rows, summary = _run(tmp_path, lines)
    # then the topics are found (more than one, far fewer than the comments), each topic is
    # about one subject, and almost every comment has a topic
    assert 4 <= len(summary["topics"]) <= 40
    for topic in summary["topics"]:
        subjects_in = [s for r, s in zip(rows, truth, strict=True) if r["topic"] == topic["id"]]
        assert max(subjects_in.count(s) for s in subjects) >= 0.9 * len(subjects_in)
        assert topic["size"] == len(subjects_in) and topic["keywords"]
    assert sum(r["topic"] == -1 for r in rows) <= 0.1 * len(rows)


def test_a_line_that_is_not_json_is_a_clear_error(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "fine"}\nnot json\n')
    with pytest.raises(CommandError, match="line 2"):
        call_command("nlp_topics", input=source, output=tmp_path / "out.jsonl")


def test_bad_themes_file_is_a_clear_error(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "fine"}\n')
    themes = tmp_path / "themes.json"
    themes.write_text('{"name": "not a list"}')
    with pytest.raises(CommandError, match="--themes"):
        call_command("nlp_topics", input=source, output=tmp_path / "out.jsonl", themes=themes)


def test_a_byte_order_mark_and_a_stray_byte_are_read(nlp_engine, tmp_path):
    # given a file saved with a BOM and one byte that is not UTF-8
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b"\xef\xbb\xbf" + json.dumps({"id": 1, "text": PORTAL[0]}).encode() + b"\n"
        b'{"id": 2, "text": "Billing portal login \xff broken"}\n'
    )
    out = tmp_path / "out.jsonl"
    # when
    call_command("nlp_topics", input=source, output=out)
    # then
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows[:-1]] == [1, 2]
