"""`python -m services.stats.rebuild`: recount every counter from the member, org and transfer services
while the system keeps running (services/stats/recount.py explains how it stays exact)."""
import sys

from nameko.standalone.rpc import ClusterRpcProxy

from services.shared.config import amqp_uri
from services.shared.context import Caller


def rebuild() -> dict:
    with ClusterRpcProxy({"AMQP_URI": amqp_uri()}, context_data=Caller.system("rebuild").as_context_data(),
                         timeout=3600) as cluster:
        return cluster.stats.rebuild()


def main(argv=None) -> int:
    result = rebuild()
    synced = result["synced"]
    print(f"重建完成：按源数据更新党组织 {synced['orgs']} 个、党员 {synced['members']} 名、"
          f"入党申请人 {synced['applicants']} 名、届次 {synced['terms']} 个；"
          f"重新统计党员 {result['members']} 名，修正计数 {result['corrected']} 项")
    return 0


if __name__ == "__main__":
    sys.exit(main())
