"""Text preparation shared by training and inference: normalisation, sentence split, chunking.

Pure Python (no model imports) so that the web process may use it. Training features and
inference features are computed from exactly the same segments, which is what keeps the
committed heads valid.

Sentences are found by pySBD (rule-based, the "Golden Rules" of sentence boundaries), which
knows that "Mr.", "Ltd.", "No. 5", "e.g." or "U.S." do not end a sentence, as legal and
accounting text writes them. A line break always ends a sentence (comment boxes, e-mail lines).
"""

import html
import re
import threading
from dataclasses import dataclass

import pysbd

_LINE = re.compile(r"\n\s*")
# pySBD's cost grows faster than linearly with the length it is given, so very long lines are
# first cut into windows at a plain end-of-sentence mark (. ! ? … then whitespace).
_WINDOW_CHARS = 2000
_CANDIDATE = re.compile(r"[.!?…]+[\"')\]]*\s+")
_MENTION = re.compile(r"(?<!\w)@\w{1,30}")
_URL = re.compile(r"https?://\S+|www\.\S+")
# Runs of two or more, or one that is not a plain space: a lone space, by far the most common
# match otherwise, would be replaced by itself.
_SPACE = re.compile(r"[ \t\r\f\v]{2,}|[\t\r\f\v]")

# The encoder reads at most 256 word pieces. English averages ~4 characters per piece, but
# unspaced scripts (CJK) cost one piece per character, so unspaced runs get a tighter cap.
MAX_SEGMENT_CHARS = 400
MAX_UNSPACED_CHARS = 200


@dataclass(frozen=True)
class Segment:
    """A piece of the original text: [start, end) offsets into the text given to `segment`."""

    text: str
    start: int
    end: int


def normalise(text: str) -> str:
    """Unescape HTML entities and anonymise mentions/URLs the way the training tweets were."""
    text = html.unescape(text or "")
    text = _URL.sub("http", text)
    text = _MENTION.sub("@user", text)
    return _SPACE.sub(" ", text)


def _chunk(text: str, start: int) -> list[Segment]:
    """Split an over-long sentence at whitespace (hard if unspaced); never drops text."""
    out: list[Segment] = []
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + MAX_SEGMENT_CHARS)
        if end < len(text):
            cut = text.rfind(" ", pos + 1, end)
            end = cut if cut > pos else end
        if _longest_unspaced(text[pos:end]) > MAX_UNSPACED_CHARS:
            end = pos + MAX_UNSPACED_CHARS
        piece = text[pos:end]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append(
                Segment(piece.strip(), start + pos + lead, start + pos + lead + len(piece.strip()))
            )
        pos = end
    return out


_SEGMENTERS = threading.local()  # pySBD segmenters keep state per call: one per thread


def _segmenter() -> pysbd.Segmenter:
    if not hasattr(_SEGMENTERS, "en"):
        _SEGMENTERS.en = pysbd.Segmenter(language="en", clean=False)
    return _SEGMENTERS.en


def _windows(line: str) -> list[tuple[int, int]]:
    """[start, end) windows of at most ~_WINDOW_CHARS, cut after an end-of-sentence mark."""
    out, start = [], 0
    while len(line) - start > _WINDOW_CHARS:
        cut = 0
        for match in _CANDIDATE.finditer(line, start, start + _WINDOW_CHARS):
            cut = match.end()
        if cut <= start:  # no mark to cut at: cut at a space (hard if unspaced)
            space = line.rfind(" ", start + 1, start + _WINDOW_CHARS)
            cut = space if space > start else start + _WINDOW_CHARS
        out.append((start, cut))
        start = cut
    out.append((start, len(line)))
    return out


def _line_sentences(line: str) -> list[tuple[int, int]]:
    """[start, end) offsets of the sentences of one line (pySBD, window by window)."""
    if not _CANDIDATE.search(line.rstrip()):  # no inner end mark: one sentence, no pySBD
        return [(0, len(line.rstrip()))]
    spans: list[tuple[int, int]] = []
    for w_start, w_end in _windows(line):
        window = line[w_start:w_end]
        cursor = 0
        for sentence in _segmenter().segment(window):
            found = window.find(sentence.strip(), cursor)
            if found < 0 or not sentence.strip():
                continue  # pySBD never rewrites text with clean=False; be safe anyway
            cursor = found + len(sentence.strip())
            spans.append((w_start + found, w_start + cursor))
        if cursor < len(window.rstrip()):  # anything pySBD dropped is kept
            spans.append((w_start + cursor, w_start + len(window.rstrip())))
    return spans


def _sentences(text: str) -> list[tuple[int, int]]:
    """[start, end) offsets of the sentences of `text`: split at line breaks, then by pySBD."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in [*_LINE.finditer(text), None]:
        end = match.start() if match else len(text)
        if text[pos:end].strip():
            spans += [(pos + a, pos + b) for a, b in _line_sentences(text[pos:end])]
        if match:
            pos = match.end()
    return spans


def segment(text: str) -> list[Segment]:
    """Sentences of `text` with offsets; long ones chunked. Empty/whitespace text gives []."""
    segments: list[Segment] = []
    for start, end in _sentences(text):
        piece = text[start:end]
        stripped = piece.strip()
        if not stripped:
            continue
        s = start + len(piece) - len(piece.lstrip())
        if len(stripped) > MAX_SEGMENT_CHARS or _longest_unspaced(stripped) > MAX_UNSPACED_CHARS:
            segments.extend(_chunk(stripped, s))
        else:
            segments.append(Segment(stripped, s, s + len(stripped)))
    return segments


def _longest_unspaced(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)
