import datetime

from hotline import policies
from hotline.models import Outcome

T0 = datetime.datetime(2026, 3, 10, 1, 30, tzinfo=datetime.UTC)


def test_hl5_ring_seconds_and_threshold_boundary():
    assert policies.ring_seconds(started_at=T0, answered_at=T0 + datetime.timedelta(seconds=15)) == 15
    assert policies.ring_seconds(started_at=T0, answered_at=None) is None
    assert policies.answered_in_time(ring_seconds=15, threshold_seconds=15) is True
    assert policies.answered_in_time(ring_seconds=16, threshold_seconds=15) is False
    assert policies.answered_in_time(ring_seconds=None, threshold_seconds=15) is None


def test_hl14_forbidden_phrases_found_across_spaces_and_case():
    phrases = ["不知道", "随便", "跟我们没关系"]
    assert policies.forbidden_phrases_in(texts=["我 不 知道", "这跟我们 没关系"], phrases=phrases) == ["不知道", "跟我们没关系"]
    assert policies.forbidden_phrases_in(texts=["已为客户重置密码"], phrases=phrases) == []


def test_outcome_required_fields():
    assert policies.outcome_missing(outcome=Outcome.ONSITE, values={}) == ["offered_by"]
    assert policies.outcome_missing(outcome=Outcome.SOLVED, values={"resolution": "ok"}) == []
    assert policies.outcome_missing(outcome=Outcome.COMPLAINT, values={"complaint_about": "x"}) == ["complaint_text"]


def test_hl11_callback_due_must_be_in_the_future():
    assert policies.callback_due_problem(due_at=T0, now=T0)
    assert policies.callback_due_problem(due_at=T0 + datetime.timedelta(minutes=1), now=T0) == ""
