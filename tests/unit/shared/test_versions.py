"""The one optimistic-locking helper: no version, the same version, a stale one, a bad one."""
import pytest

from services.shared.errors import Conflict, ValidationFailed
from services.shared.versions import require_version


@pytest.mark.parametrize("read", [None, "", 3, "3"])
def test_no_version_or_the_current_one_passes(read):
    require_version(3, read, "报表")


def test_a_stale_version_is_a_conflict_naming_both_versions():
    with pytest.raises(Conflict) as caught:
        require_version(4, 3, "该党组织信息")
    assert "该党组织信息已被他人修改（您读取的是第3版，当前为第4版）" in caught.value.message
    assert caught.value.fields == {"version": "版本已过期"}


@pytest.mark.parametrize("read", ["三", True, 2.5j, [3]])
def test_a_version_that_is_no_number_is_bad_input(read):
    with pytest.raises(ValidationFailed):
        require_version(3, read, "该党员信息")
