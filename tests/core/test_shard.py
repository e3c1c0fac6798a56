"""The shard partition: every unit read by exactly one shard, balanced, stable across runs."""

from __future__ import annotations

import pytest

from aiscan.core.shard import Shard, ShardError, accounts_of, by_account, plan

REGIONS = {
    "111111111111": ["us-east-1", "eu-west-1", "us-west-2"],
    "222222222222": ["us-east-1", "ap-south-1"],
}


def test_parse_and_print():
    assert Shard.parse("2/8") == Shard(2, 8)
    assert Shard.parse(" 1 / 1 ") == Shard(1, 1)
    assert str(Shard(3, 4)) == "3/4"


@pytest.mark.parametrize("text", ["0/4", "5/4", "1/0", "a/b", "1", "1/2/3", "-1/2", ""])
def test_parse_rejects_what_is_not_a_shard(text):
    with pytest.raises(ShardError):
        Shard.parse(text)


def test_many_accounts_are_dealt_whole_and_every_account_exactly_once():
    accounts = [f"{i:012d}" for i in range(10)]
    shards = [Shard(k, 3) for k in (1, 2, 3)]
    plans = [
        plan(s, reversed(accounts), lambda a: pytest.fail("regions not needed")) for s in shards
    ]
    owned = [a for p in plans for a in p]
    assert sorted(owned) == accounts
    assert all(region is None for p in plans for region in p.values())
    assert sorted(len(p) for p in plans) == [3, 3, 4]
    assert accounts_of(Shard(1, 3), accounts) == list(plans[0])


def test_fewer_accounts_than_shards_splits_regions_of_each_account():
    shards = [Shard(k, 4) for k in range(1, 5)]
    plans = [plan(s, REGIONS, lambda a: REGIONS[a]) for s in shards]
    units = sorted((a, r) for p in plans for a, rs in p.items() for r in rs or ())
    assert units == sorted((a, r) for a, rs in REGIONS.items() for r in rs)
    sizes = sorted(sum(len(rs or ()) for rs in p.values()) for p in plans)
    assert sizes == [1, 1, 1, 2]
    assert not by_account(Shard(1, 4), REGIONS)
    assert by_account(Shard(1, 2), REGIONS)


def test_the_partition_does_not_depend_on_enumeration_order():
    forward = plan(Shard(2, 4), list(REGIONS), lambda a: REGIONS[a])
    backward = plan(Shard(2, 4), list(reversed(REGIONS)), lambda a: list(reversed(REGIONS[a])))
    assert forward == backward


def test_no_shard_reads_everything():
    assert plan(None, REGIONS, lambda a: pytest.fail("regions not needed")) == {
        "111111111111": None,
        "222222222222": None,
    }


def test_more_shards_than_units_leaves_some_shards_empty():
    plans = [plan(Shard(k, 8), ["a"], lambda a: ["r1", "r2"]) for k in range(1, 9)]
    assert plans[0] == {"a": ("r1",)}
    assert plans[1] == {"a": ("r2",)}
    assert all(p == {} for p in plans[2:])
