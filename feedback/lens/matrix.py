"""The importance-performance matrix as server-drawn SVG geometry: no script, no style
attribute (CSP), colours from classes in `feedback/lens.css`."""

from dataclasses import dataclass

from feedback.lens.selectors import PromisePoint

WIDTH, HEIGHT, MARGIN = 480, 360, 40
QUADRANT_CLASS = {
    "kept": "q-kept",
    "at risk": "q-at-risk",
    "over-served": "q-over-served",
    "low priority": "q-low-priority",
}


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str
    css: str
    title: str
    # Labels of dots in the right half go to their left, so they stay inside the drawing.
    flip: bool = False

    @property
    def label_x(self) -> float:
        return round(self.x - 10 if self.flip else self.x + 10, 1)

    @property
    def anchor(self) -> str:
        return "end" if self.flip else "start"

    @property
    def label_y(self) -> float:
        return round(self.y + 4, 1)


@dataclass(frozen=True)
class Matrix:
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    split_x: float
    split_y: float
    dots: list[Dot]

    @property
    def frame_width(self) -> int:
        return self.right - self.left

    @property
    def frame_height(self) -> int:
        return self.bottom - self.top


def matrix_layout(points: list[PromisePoint], threshold: float) -> Matrix:
    """Importance on x (0 to twice an equal share, or the largest weight), performance on y
    (-1 to 1); the split lines at an equal share and at 0. Promises with too few mentions
    are left off the drawing (the table beside it lists them)."""
    left, top, right, bottom = MARGIN, MARGIN // 2, WIDTH - MARGIN // 2, HEIGHT - MARGIN
    # Headroom past the largest weight and past -1/+1, so no dot sits on the frame.
    x_max = max([2 * threshold, *(p.importance * 1.1 for p in points)]) or 1.0

    def x(value: float) -> float:
        return round(left + (right - left) * value / x_max, 1)

    def y(value: float) -> float:
        return round(bottom - (bottom - top) * (value + 1.1) / 2.2, 1)

    dots = [
        Dot(
            x(p.importance),
            y(p.performance),
            p.promise,
            QUADRANT_CLASS[p.quadrant],
            f"{p.promise}: importance {p.importance:.0%}, performance {p.performance:+.2f} "
            f"over {p.now.mentions} mentions ({p.quadrant})",
            flip=p.importance > x_max / 2,
        )
        for p in points
        if p.performance is not None
    ]
    return Matrix(WIDTH, HEIGHT, left, top, right, bottom, x(threshold), y(0.0), dots)
