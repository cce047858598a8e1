"""Sentence segmentation and normalisation: pure functions, no model."""

from nlp.engine.text import MAX_SEGMENT_CHARS, MAX_UNSPACED_CHARS, normalise, segment


def test_sentences_keep_offsets_into_the_original_text():
    # given
    text = "  Great team. Slow invoices?! Would hire again\nThanks"
    # when
    segments = segment(text)
    # then
    assert [s.text for s in segments] == [
        "Great team.",
        "Slow invoices?!",
        "Would hire again",
        "Thanks",
    ]
    assert all(text[s.start : s.end] == s.text for s in segments)


def test_empty_and_whitespace_text_has_no_sentences():
    assert segment("") == []
    assert segment(" \n\t ") == []


def test_long_text_is_chunked_not_cut():
    # given a 1 MB sentence without punctuation, and an unspaced script
    text = "word " * 200_000
    cjk = "日本語" * 400
    # when
    segments = segment(text)
    cjk_segments = segment(cjk)
    # then every character is covered, and no chunk is over the caps
    assert sum(len(s.text.split()) for s in segments) == 200_000
    assert max(len(s.text) for s in segments) <= MAX_SEGMENT_CHARS
    assert "".join(s.text for s in cjk_segments) == cjk
    assert max(len(s.text) for s in cjk_segments) <= MAX_UNSPACED_CHARS


def test_normalise_unescapes_html_and_anonymises_handles_and_links():
    assert normalise("@bob see https://x.co/a &amp; more") == "@user see http & more"


def test_normalise_collapses_every_run_of_blanks_to_one_space():
    assert normalise("a b  c\td \t\x0b e\x0cf\rg") == "a b c d e f g"


def test_abbreviations_of_legal_and_accounting_text_do_not_end_a_sentence():
    # given
    text = (
        "Mr. Patel of Acme Holdings Ltd. advised on clause No. 5, e.g. the earn-out. "
        "Fees were as quoted vs. the estimate; see p. 4 of the U.S. letter. Thanks!\nBest, Sarah"
    )
    # when
    segments = segment(text)
    # then
    assert [s.text for s in segments] == [
        "Mr. Patel of Acme Holdings Ltd. advised on clause No. 5, e.g. the earn-out.",
        "Fees were as quoted vs. the estimate; see p. 4 of the U.S. letter.",
        "Thanks!",
        "Best, Sarah",
    ]
    assert all(text[s.start : s.end] == s.text for s in segments)


def test_many_short_sentences_on_one_line_are_all_found():
    # given a line far longer than one pySBD window
    text = "Great work. Slow invoice! " * 400
    # when
    segments = segment(text)
    # then
    assert len(segments) == 800
    assert all(text[s.start : s.end] == s.text for s in segments)
