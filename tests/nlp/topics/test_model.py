"""The topic model's pieces: assignment between refits, labels, scoring, light imports."""

import subprocess
import sys
from pathlib import Path

import numpy as np

from nlp.topics.keywords import short_label
from nlp.topics.model import assign
from nlp.training.evaluate_topics import (
    TOPICS_BEGIN,
    TOPICS_END,
    _names_intent,
    hungarian_accuracy,
    topics_card_update,
)

ROOT = Path(__file__).resolve().parents[3]


def test_importing_the_topic_modules_does_not_import_torch_or_bertopic():
    # given a fresh interpreter with Django set up, as a web process would have
    code = (
        "import sys, django; django.setup();"
        "import nlp.topics.model, nlp.topics.embed, nlp.topics.keywords;"
        "import nlp.training.evaluate_topics, feedback.topics.identity;"
        "import nlp.management.commands.nlp_topics;"
        "print(sorted(m for m in ('torch', 'transformers', 'bertopic', 'umap', 'hdbscan')"
        " if m in sys.modules))"
    )
    # when
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
    )
    # then
    assert out.stdout.strip() == "[]"


def test_assign_picks_the_nearest_centroid_and_leaves_far_rows_unassigned():
    # given two topic centroids and three rows: near each, and orthogonal to both
    centroids = np.eye(3, dtype=np.float32)[:2]
    rows = np.array([[0.9, 0.1, 0.0], [0.2, 0.95, 0.0], [0.0, 0.0, 1.0]], dtype=np.float32)
    # when
    labels = assign(rows, centroids, threshold=0.5)
    # then
    assert labels.tolist() == [0, 1, -1]


def test_short_label_skips_words_a_bigram_already_said():
    assert short_label(["card", "card arrival", "arrive", "new card"]) == (
        "card arrival, arrive, new card"
    )
    assert short_label([]) == ""


def test_hungarian_accuracy_matches_one_topic_per_class_and_counts_noise_wrong():
    # given two classes; topic 7 is class 0, topic 3 mostly class 1, one row unassigned
    truth = np.array([0, 0, 0, 1, 1, 1])
    pred = np.array([7, 7, 3, 3, 3, -1])
    # when
    accuracy, matching = hungarian_accuracy(truth, pred)
    # then
    assert matching == {7: 0, 3: 1}
    assert accuracy == 4 / 6


def test_keywords_name_an_intent_by_word_stems():
    assert _names_intent(["arrive", "card", "delivery"], "card_arrival")
    assert not _names_intent(["refund", "money"], "card_arrival")


def test_topics_card_update_adds_then_replaces_its_own_block(tmp_path):
    # given a card with the engine's block only
    card = tmp_path / "MODEL_CARD.md"
    card.write_text("# Card\n<!-- metrics:begin -->\nengine\n<!-- metrics:end -->\n")
    # when written twice
    topics_card_update({"topics_banking77_nmi": 0.5}, card)
    topics_card_update({"topics_banking77_nmi": 0.8125}, card)
    # then one Topics block holds the latest figure and the engine block is untouched
    text = card.read_text()
    assert text.count(TOPICS_BEGIN) == 1 and text.count(TOPICS_END) == 1
    assert "| `topics_banking77_nmi` | 0.8125 |" in text and "0.5000" not in text
    assert "<!-- metrics:begin -->\nengine\n<!-- metrics:end -->" in text
