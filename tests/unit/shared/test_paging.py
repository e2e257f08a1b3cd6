"""The bounds every paged list and every recount's keyset page check the same way."""
import pytest

from services.shared.errors import ValidationFailed
from services.shared.paging import keyset_bounds, page_bounds


def test_page_bounds():
    assert page_bounds("2", 20) == (2, 20)
    for page, size in (("x", 20), (0, 20), (1, 201)):
        with pytest.raises(ValidationFailed):
            page_bounds(page, size)


def test_keyset_bounds_cap_the_limit_and_refuse_what_is_not_a_count():
    assert keyset_bounds("7", "9000", 5000) == (7, 5000)
    assert keyset_bounds(0, 1, 5000) == (0, 1)
    for after_id, limit in (("a", 10), (None, 10), (0, 0), (0, -3)):
        with pytest.raises(ValidationFailed):
            keyset_bounds(after_id, limit, 5000)
