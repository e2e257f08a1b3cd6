"""The foundation's story through HTTP: log in, create an organization and a member, see the
member counted in the organization's statistics."""

from tests.support.helpers import wait_for

from ..support.factories import code, member_data


def test_member_is_counted_in_its_organizations_subtree(api, root_id):
    committee = api.post("/orgs", json={"name": "测试市委", "code": code(), "type": "党委", "parent_id": root_id})
    assert committee.status_code == 201, committee.text
    branch = api.post("/orgs", json={"name": "测试第一支部", "code": code(), "type": "31",
                                     "parent_id": committee.json()["id"]})
    assert branch.status_code == 201, branch.text
    branch_id = branch.json()["id"]

    created = api.post("/members", json=member_data(branch_id, name="李四"))
    assert created.status_code == 201, created.text
    member = api.get(f"/members/{created.json()['id']}").json()
    assert member["name"] == "李四" and member["org_id"] == branch_id

    stats = wait_for(lambda: api.get(f"/orgs/{committee.json()['id']}/stats").json(),
                     lambda s: s["members"]["total"] == 1)
    assert stats["members"]["total"] == 1
    assert sum(stats["members"]["by_sex"].values()) == 1
    assert stats["members"]["by_category"] == {"01": 1}
    children = {c["id"]: c for c in api.get(f"/orgs/{root_id}/children").json()["items"]}
    assert children[committee.json()["id"]]["member_count"] == 1  # a tree node counts its whole subtree
