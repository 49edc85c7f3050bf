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
    assert policies.outcome_missing(outcome=Outcome.ONSITE, values={}) == ["agreed_start", "agreed_end"]
    assert policies.outcome_missing(outcome=Outcome.SOLVED, values={"resolution": "ok"}) == []
    assert policies.outcome_missing(outcome=Outcome.COMPLAINT, values={"complaint_about": "x"}) == ["complaint_text"]


def test_hl11_callback_due_must_be_in_the_future():
    assert policies.callback_due_problem(due_at=T0, now=T0)
    assert policies.callback_due_problem(due_at=T0 + datetime.timedelta(minutes=1), now=T0) == ""


CALLED = datetime.datetime(2026, 3, 10, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def _window(day: int, hour: int = 14, hours: int = 2):
    start = datetime.datetime(2026, 3, day, hour, 0, tzinfo=CALLED.tzinfo)
    return {"start": start, "end": start + datetime.timedelta(hours=hours)}


def test_hl6_visit_window_within_three_days_of_the_call_is_fine():
    assert policies.visit_window_problems(**_window(13), called_at=CALLED, max_days=3) == {}
    assert policies.visit_window_problems(**_window(10), called_at=CALLED, max_days=3) == {}


def test_hl6_visit_window_on_the_fourth_day_is_refused_on_its_start():
    problems = policies.visit_window_problems(**_window(14), called_at=CALLED, max_days=3)
    assert list(problems) == ["agreed_start"] and "within 3 days" in problems["agreed_start"]


def test_hl6_visit_window_before_the_call_is_refused():
    problems = policies.visit_window_problems(**_window(10, hour=8), called_at=CALLED, max_days=3)
    assert list(problems) == ["agreed_start"]


def test_hl6_visit_window_must_end_after_it_starts_and_have_both_ends():
    window = _window(12, hours=0)
    assert list(policies.visit_window_problems(**window, called_at=CALLED, max_days=3)) == ["agreed_end"]
    missing = policies.visit_window_problems(start=None, end=None, called_at=CALLED, max_days=3)
    assert set(missing) == {"agreed_start", "agreed_end"}


def test_hl6_offered_date_is_the_local_day_the_window_starts():
    start = datetime.datetime(2026, 3, 11, 17, 0, tzinfo=datetime.UTC)  # 01:00 on the 12th in Shanghai
    assert policies.visit_offered_date(start=start) == datetime.date(2026, 3, 12)
