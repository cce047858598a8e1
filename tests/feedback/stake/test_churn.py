"""Retention and churn per quarter from the quarters each client paid fees in."""

from datetime import date

from feedback.stake.churn import active_quarters, churn_by_quarter, quarters_between


def test_a_fee_period_counts_in_every_quarter_it_touches():
    assert quarters_between(date(2025, 11, 1), date(2026, 4, 30)) == [
        (2025, 4),
        (2026, 1),
        (2026, 2),
    ]
    active = active_quarters(
        [(1, date(2026, 1, 1), date(2026, 12, 31)), (2, date(2026, 5, 1), date(2026, 5, 31))]
    )
    assert active == {1: {(2026, 1), (2026, 2), (2026, 3), (2026, 4)}, 2: {(2026, 2)}}


def test_a_client_churns_in_the_first_quarter_without_fees_after_having_them():
    # given: 1 pays every quarter, 2 stops after Q1, 3 pauses one quarter, 4 starts in Q2
    active = {
        1: {(2025, 1), (2025, 2), (2025, 3), (2025, 4)},
        2: {(2025, 1)},
        3: {(2025, 1), (2025, 3), (2025, 4)},
        4: {(2025, 2), (2025, 3), (2025, 4)},
    }

    # when
    rows = {r.label: r for r in churn_by_quarter(active, last_complete=(2025, 4))}

    # then
    assert list(rows) == ["2025 Q2", "2025 Q3", "2025 Q4"]
    assert (rows["2025 Q2"].base, rows["2025 Q2"].churned) == (3, [2, 3])
    assert rows["2025 Q2"].churn_rate == 2 / 3
    assert rows["2025 Q2"].new == 1
    assert (rows["2025 Q3"].base, rows["2025 Q3"].churned) == (2, [])
    assert rows["2025 Q3"].retention_rate == 1.0
    assert rows["2025 Q4"].base == 3


def test_a_longer_window_forgives_a_pause_and_leaves_recent_quarters_pending():
    active = {3: {(2025, 1), (2025, 3), (2025, 4)}, 2: {(2025, 1)}}

    rows = {r.label: r for r in churn_by_quarter(active, last_complete=(2025, 4), window=2)}

    assert rows["2025 Q2"].churned == [2]  # 3 paused one quarter only
    assert rows["2025 Q4"].pending and rows["2025 Q4"].churn_rate is None
    assert not rows["2025 Q3"].pending


def test_no_fees_no_rows():
    assert churn_by_quarter({}, last_complete=(2025, 4)) == []
