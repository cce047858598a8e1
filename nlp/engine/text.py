"""Text preparation shared by training and inference: normalisation, sentence split, chunking.

Pure Python (no model imports) so that the web process may use it. Training features and
inference features are computed from exactly the same segments, which is what keeps the
committed heads valid.
"""

import html
import re
from dataclasses import dataclass

# A sentence ends at . ! ? … (possibly repeated, possibly followed by closing quotes/brackets)
# followed by whitespace, or at a line break. Abbreviations split a little too eagerly; the heads
# see token-weighted averages of the pieces, so an extra split costs little.
_BOUNDARY = re.compile(r"([.!?…]+[\"')\]]*)\s+|\n\s*")
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


def segment(text: str) -> list[Segment]:
    """Sentences of `text` with offsets; long ones chunked. Empty/whitespace text gives []."""
    segments: list[Segment] = []
    pos = 0
    for match in [*_BOUNDARY.finditer(text), None]:
        end = match.start() + len(match.group(1) or "") if match else len(text)
        piece = text[pos:end]
        stripped = piece.strip()
        if stripped:
            lead = len(piece) - len(piece.lstrip())
            s = pos + lead
            if (
                len(stripped) > MAX_SEGMENT_CHARS
                or _longest_unspaced(stripped) > MAX_UNSPACED_CHARS
            ):
                segments.extend(_chunk(stripped, s))
            else:
                segments.append(Segment(stripped, s, s + len(stripped)))
        if match:
            pos = match.end()
    return segments


def _longest_unspaced(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)
