import pytest

from oncobridge.core.params import record_id


@pytest.mark.parametrize("value", ["1", "42", "000017", "9" * 18])
def test_ascii_digits_are_an_id(value: str) -> None:
    assert record_id(value) == int(value)


@pytest.mark.parametrize(
    "value", [None, "", "0", "-3", "²", "٣", "1.5", " 7", "7 ", "abc", "9" * 19], ids=repr
)
def test_anything_else_is_no_id(value: str | None) -> None:
    assert record_id(value) is None
