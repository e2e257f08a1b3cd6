"""`python -m services.transfer.backfill_contacts`: once, after upgrading a database whose organizations
were last changed before org events carried their contacts (联系人, 联系电话), so that every route step
shows its organization's contact instead of 未登记 (services/transfer/org_events.backfill_contacts)."""
import sys

from nameko.standalone.rpc import ClusterRpcProxy

from services.shared.config import amqp_uri
from services.shared.context import Caller


def main(argv=None) -> int:
    with ClusterRpcProxy({"AMQP_URI": amqp_uri()}, context_data=Caller.system("backfill").as_context_data(),
                         timeout=3600) as cluster:
        result = cluster.transfer.backfill_contacts()
    print(f"联系人补录完成：读取党组织 {result['organizations']} 个，写入联系人 {result['written']} 个")
    return 0


if __name__ == "__main__":
    sys.exit(main())
