"""The order lifecycle table: forward moves only, cancellation before shipping, refunds last."""

import pytest

from oms.lifecycle import ORDER_TRANSITIONS, TransitionRefused, check_transition
from oms.models import OrderStatus as S


def test_every_status_has_a_row():
    assert set(ORDER_TRANSITIONS) == set(S)


@pytest.mark.parametrize(("current", "wanted"), [
    (S.RECEIVED, S.APPROVED), (S.RECEIVED, S.ON_HOLD), (S.ON_HOLD, S.APPROVED), (S.ON_HOLD, S.CANCELLED),
    (S.APPROVED, S.ALLOCATED), (S.SHIPPED, S.DELIVERED), (S.DELIVERED, S.RETURN_REQUESTED), (S.CANCELLED, S.REFUNDED),
])
def test_allowed_moves(current, wanted):
    check_transition(current, wanted)


@pytest.mark.parametrize(("current", "wanted"), [
    (S.DELIVERED, S.SHIPPED), (S.SHIPPED, S.CANCELLED), (S.APPROVED, S.APPROVED), (S.REFUNDED, S.RECEIVED),
    (S.ON_HOLD, S.SHIPPED), (S.CANCELLED, S.APPROVED),
])
def test_refused_moves_name_both_ends(current, wanted):
    with pytest.raises(TransitionRefused, match=f"{current}.*{wanted}"):
        check_transition(current, wanted)
