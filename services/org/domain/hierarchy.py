"""Which organization types may have sub-organizations (支部工作条例: branches are the leaves)."""
LEAF_TYPES = frozenset({"31", "32", "33"})  # 党支部, 联合党支部, 临时党支部


def can_have_children(type_code: str) -> bool:
    return type_code not in LEAF_TYPES


def child_path(parent_path: str, child_id: int) -> str:
    return f"{parent_path}{child_id}/"
