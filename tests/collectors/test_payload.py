"""The typed payload reads: a field of the wrong type is a malformed payload, absence is "not
set", and a non-mapping parent reads as empty so nested reads need no guards."""

import pytest

from aiscan.collectors.payload import flag, integer, items, mapping, objects, opt, req


def test_a_field_of_the_wrong_type_is_a_malformed_payload() -> None:
    bad = {"s": 1, "m": [], "l": {}, "b": "true", "i": True}
    for read, key in ((opt, "s"), (mapping, "m"), (items, "l"), (flag, "b"), (integer, "i")):
        with pytest.raises(TypeError, match=key):
            read(bad, key)
    with pytest.raises(TypeError, match=r"L\[1\] is not an object"):
        objects({"L": [{}, "x"]}, "L")
    with pytest.raises(TypeError):
        req({"Name": ""}, "Name")
    with pytest.raises(KeyError):
        req({}, "Name")


def test_absent_fields_and_non_mapping_parents_read_as_not_set() -> None:
    assert opt({"s": ""}, "s") is None
    assert opt(None, "s") is None
    assert mapping("not a mapping", "m") == {}  # type: ignore[arg-type]
    assert items({"l": None}, "l") == []
    assert flag({}, "b") is None
    assert integer({"i": 3}, "i") == 3
    assert opt(mapping(mapping({}, "A"), "B"), "C") is None
