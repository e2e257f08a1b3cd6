"""`python -m services.stats.reconcile [ORG_ID]`: recount from member data and print every
difference from the counters (the root organization when no id is given). Exit 1 on any."""
import sys

from nameko.standalone.rpc import ClusterRpcProxy

from services.shared.config import amqp_uri
from services.shared.context import Caller


def reconcile(org_id=None) -> dict:
    with ClusterRpcProxy({"AMQP_URI": amqp_uri()}, context_data=Caller.system("reconcile").as_context_data(),
                         timeout=120) as cluster:
        if org_id is None:
            org_id = cluster.org.root()["id"]
        return cluster.stats.reconcile(org_id)


def main(argv=None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    result = reconcile(int(args[0]) if args else None)
    for diff in result["differences"]:
        print(f"党组织 {diff['org_id']} {diff['year']}年 {diff['dimension']}={diff['value'] or '合计'}："
              f"计数器 {diff['actual']}，重新统计 {diff['expected']}")
    listed, total = len(result["differences"]), result["total_differences"]
    shown = "" if listed == total else f"（列出前 {listed} 处）"
    print(f"核对完成：党组织 {result['org_id']} 及其下级，差异 {total} 处{shown}")
    return 1 if result["differences"] else 0


if __name__ == "__main__":
    sys.exit(main())
