"""The matrix's geometry: each placed promise in its quadrant of the drawing."""

from feedback.lens.matrix import matrix_layout
from feedback.lens.selectors import AT_RISK, KEPT, UNKNOWN, PromisePoint, Tally


def _point(name: str, importance: float, tally: Tally, quadrant: str) -> PromisePoint:
    return PromisePoint(1, name, importance, tally, Tally(), importance >= 0.25, quadrant)


def test_dots_fall_on_their_side_of_the_split_lines_and_unplaced_promises_are_left_off():
    # given, of four promises (an equal share 0.25), one kept, one at risk, one unplaced
    points = [
        _point("Expertise", 0.6, Tally(4, 4, 0), KEPT),
        _point("Responsiveness", 0.4, Tally(4, 0, 4), AT_RISK),
        _point("Network", 0.0, Tally(1, 0, 1), UNKNOWN),
    ]

    # when
    matrix = matrix_layout(points, 0.25)

    # then kept is right of and above the splits, at risk right of and below, both inside
    dots = {d.label: d for d in matrix.dots}
    assert set(dots) == {"Expertise", "Responsiveness"}
    kept, at_risk = dots["Expertise"], dots["Responsiveness"]
    assert kept.x > matrix.split_x and kept.y < matrix.split_y
    assert at_risk.x > matrix.split_x and at_risk.y > matrix.split_y
    for dot in (kept, at_risk):
        assert matrix.left < dot.x < matrix.right and matrix.top < dot.y < matrix.bottom
    assert (kept.css, at_risk.css) == ("q-kept", "q-at-risk")
    # and the label of a dot in the right half is drawn to its left
    assert kept.anchor == "end" and kept.label_x < kept.x
    assert "over 4 mentions (kept)" in kept.title
