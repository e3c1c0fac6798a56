"""Deterministic partition of a scan's work across shards (`--shard K/N`).

A shard owns whole accounts (AWS accounts of an organization, Azure subscriptions, Google Cloud
projects) when there are at least as many accounts as shards; otherwise the unit of work is an
(account, region) pair, so a single account with many regions still spreads over every shard.

Units are sorted and dealt round-robin, so every shard of the same run, seeing the same estate,
agrees on who reads what without talking to the others, and shard sizes differ by at most one
unit. Pure: collectors call `plan` with what they enumerated and read only what it returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
MAX_SHARDS = 100_000


class ShardError(ValueError):
    """Not a K/N shard specification."""


@dataclass(frozen=True, order=True)
class Shard:
    """Shard `index` (1-based) of `count`."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.count <= MAX_SHARDS:
            raise ShardError(f"shard count must be between 1 and {MAX_SHARDS}, not {self.count}")
        if not 1 <= self.index <= self.count:
            raise ShardError(f"shard index must be between 1 and {self.count}, not {self.index}")

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SHARD.match(text)
        if not match:
            raise ShardError(f"{text!r} is not K/N (e.g. 2/8: the second of eight shards)")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, position: int) -> bool:
        """Whether the unit at `position` (0-based, in sorted order) is this shard's."""
        return position % self.count == self.index - 1


#: None: every region of the account (the shard owns the whole account).
Plan = dict[str, tuple[str, ...] | None]


def accounts_of(shard: Shard | None, accounts: Iterable[str]) -> list[str]:
    """The accounts this shard reads whole (sorted), when the partition is by account."""
    ordered = sorted(set(accounts))
    if shard is None:
        return ordered
    return [a for i, a in enumerate(ordered) if shard.owns(i)]


def by_account(shard: Shard | None, accounts: Iterable[str]) -> bool:
    """True when the partition is by whole account: no shard, or at least N accounts."""
    return shard is None or len(set(accounts)) >= shard.count


def plan(
    shard: Shard | None,
    accounts: Iterable[str],
    regions: Callable[[str], Sequence[str]],
) -> Plan:
    """account -> the regions this shard reads there (None: all of them).

    `regions(account)` is asked only when the partition falls back to (account, region) pairs,
    i.e. when there are fewer accounts than shards. An account none of whose regions fall to this
    shard is left out.
    """
    ordered = sorted(set(accounts))
    if by_account(shard, ordered):
        return dict.fromkeys(accounts_of(shard, ordered))
    assert shard is not None
    units = [(a, r) for a in ordered for r in sorted(set(regions(a)))]
    mine: dict[str, list[str]] = {}
    for i, (account, region) in enumerate(units):
        if shard.owns(i):
            mine.setdefault(account, []).append(region)
    return {a: tuple(rs) for a, rs in mine.items()}
