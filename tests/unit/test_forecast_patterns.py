"""Demand patterns: Syntetos and Boylan's four classes by ADI and CV², and too little history."""

import pytest

from oms.forecast import Pattern, classify


@pytest.mark.parametrize(("units", "pattern"), [
    # every day, steady: ADI 1, CV² 0.01
    ([9, 10, 11, 10] * 10, Pattern.SMOOTH),
    # every day, 1 then 10 units: CV² 0.67
    ([1, 10] * 20, Pattern.ERRATIC),
    # one day in three, 5 or 6 units: ADI 3, CV² 0.01
    ([5, 0, 0, 6, 0, 0] * 7, Pattern.INTERMITTENT),
    # one day in three, 1 or 20 units: ADI 3, CV² 0.82
    ([1, 0, 0, 20, 0, 0] * 7, Pattern.LUMPY),
])
def test_the_textbook_classes(units, pattern):
    assert classify(units) == pattern


def test_the_cut_offs_are_syntetos_and_boylans():
    # GIVEN 4 demand days in 5 (ADI 1.25) and in 4 (ADI 1.33), of steady units
    # THEN the first is smooth, the second intermittent: the ADI cut-off is 1.32
    assert classify([3, 3, 3, 3, 0] * 8) == Pattern.SMOOTH
    assert classify([3, 3, 3, 0] * 10) == Pattern.INTERMITTENT
    # GIVEN sales every day of 1 and 5 units (CV² 0.44), and of 1 and 6 (CV² 0.51)
    # THEN the first is smooth, the second erratic: the CV² cut-off is 0.49
    assert classify([1, 5] * 20) == Pattern.SMOOTH
    assert classify([1, 6] * 20) == Pattern.ERRATIC


@pytest.mark.parametrize("units", [[5] * 27, [0] * 60, [0] * 59 + [4], []])
def test_under_four_weeks_or_under_two_sales_is_sparse(units):
    assert classify(units) == Pattern.SPARSE
