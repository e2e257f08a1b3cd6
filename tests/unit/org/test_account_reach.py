"""Who administers which account (services/org/domain/account_reach.py, docs/ACCOUNTS.md)."""
from services.org.domain.account_reach import is_last_root_admin, reaches

ROOT, CITY, COUNTY, OTHER_CITY = "/1/", "/1/2/", "/1/2/3/", "/1/4/"
ADMIN, CLERK = "系统管理员", "党费经办"


def test_own_organization_business_users_and_lower_administrators():
    assert reaches(CITY, CITY, CLERK, ROOT)
    assert reaches(CITY, COUNTY, ADMIN, ROOT)  # the next level's administrator
    assert reaches(ROOT, COUNTY, ADMIN, ROOT)  # a higher level may step in further down


def test_never_sideways_upward_or_a_lower_business_user():
    assert not reaches(CITY, OTHER_CITY, ADMIN, ROOT)
    assert not reaches(CITY, OTHER_CITY, CLERK, ROOT)
    assert not reaches(COUNTY, CITY, ADMIN, ROOT) and not reaches(COUNTY, CITY, CLERK, ROOT)
    assert not reaches(CITY, COUNTY, CLERK, ROOT)  # the county's own administrator does that
    assert not reaches(CITY, "/1/22/", ADMIN, ROOT)  # a path prefix of digits is not a parent


def test_a_peer_administrator_is_administered_from_above_except_at_the_root():
    assert not reaches(CITY, CITY, ADMIN, ROOT)
    assert reaches(ROOT, ROOT, ADMIN, ROOT)


def test_the_last_root_administrator():
    assert is_last_root_admin(ROOT, ADMIN, True, ROOT, 0)
    assert not is_last_root_admin(ROOT, ADMIN, True, ROOT, 1)
    assert not is_last_root_admin(ROOT, ADMIN, False, ROOT, 0)  # already disabled
    assert not is_last_root_admin(CITY, ADMIN, True, ROOT, 0)
    assert not is_last_root_admin(ROOT, CLERK, True, ROOT, 0)
