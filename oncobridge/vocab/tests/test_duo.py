from __future__ import annotations

from pathlib import Path

import pytest

from oncobridge.vocab.builtin import builtin_duo
from oncobridge.vocab.duo import DuoTerm, load_duo, parse_duo_codes
from oncobridge.vocab.errors import VocabularyError
from oncobridge.vocab.tests.conftest import DUO_FILE, data_file


@pytest.fixture(scope="module")
def duo(data_dir: Path) -> dict[str, DuoTerm]:
    return load_duo(data_file(data_dir, DUO_FILE))


def test_it_loads_the_23_codes_of_the_25_duo_rows(duo: dict[str, DuoTerm]) -> None:
    # The two rows without a shorthand are the abstract parents "data use permission" and "modifier".
    assert len(duo) == 23
    assert {"GRU", "HMB", "DS", "NCU", "NPU", "PUB", "COL", "IRB", "GS", "TS"} <= set(duo)


def test_it_marks_permissions_and_modifiers(duo: dict[str, DuoTerm]) -> None:
    assert (duo["GRU"].is_permission, duo["GRU"].is_modifier) == (True, False)
    assert (duo["NCU"].is_permission, duo["NCU"].is_modifier) == (False, True)


def test_it_matches_the_builtin_copy_to_the_real_file(duo: dict[str, DuoTerm]) -> None:
    assert builtin_duo() == duo


def test_it_parses_a_list_of_codes_in_order_without_repeats() -> None:
    assert parse_duo_codes(" gru, NCU;IRB GRU") == ["GRU", "NCU", "IRB"]


def test_it_parses_an_empty_list() -> None:
    assert parse_duo_codes("  ") == []


def test_it_rejects_an_unknown_code_naming_it() -> None:
    with pytest.raises(VocabularyError, match="Unknown DUO code 'XYZ'"):
        parse_duo_codes("GRU, XYZ")
