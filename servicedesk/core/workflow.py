"""Status tables for workflows (on-site orders, contract renewals): which action moves an object from
which statuses to which, and which roles may take it. Pure data; each app keeps its own table."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    by: frozenset[str]


def transition(action: str, label, sources: Iterable[str], target: str, by: Iterable[str]) -> Transition:
    return Transition(action, label, frozenset(sources), target, frozenset(by))
