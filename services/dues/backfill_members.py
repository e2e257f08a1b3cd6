"""`python -m services.dues.backfill_members [--after ID] [--page-size N]`: once, for a database whose
members were recorded before the dues service was deployed (or whose member events the dues service
lost): every member of the member service is read page by page (RPC `dues.backfill_members`, which
asks `member.facts_page`) into the dues service's projection — missing members added, older ones
updated, newer ones left alone — and each member written is recounted in the summary counters. Running
it again writes nothing. `--after` resumes after a member id (the last line printed says where)."""
import argparse
import sys

from nameko.standalone.rpc import ClusterRpcProxy

from services.shared.config import amqp_uri
from services.shared.context import Caller

REPORT_EVERY = 20  # pages between progress lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.dues.backfill_members",
                                     description="党费：从党员服务补录党费中的党员（并重新计数）")
    parser.add_argument("--after", type=int, default=0, help="从该党员编号之后开始（续做时用）")
    parser.add_argument("--page-size", type=int, default=500, help="每页党员数（1—2000）")
    args = parser.parse_args(argv)
    read = added = updated = pages = 0
    after = args.after
    with ClusterRpcProxy({"AMQP_URI": amqp_uri()}, context_data=Caller.system("backfill").as_context_data(),
                         timeout=600) as cluster:
        while after is not None:
            page = cluster.dues.backfill_members(after_id=after, limit=args.page_size)
            read, added, updated = read + page["read"], added + page["added"], updated + page["updated"]
            pages += 1
            after = page["next_after_id"]
            if after is not None and pages % REPORT_EVERY == 0:
                print(f"已读取党员 {read} 名（新增 {added}，更新 {updated}），续做：--after {after}", flush=True)
    print(f"党费党员补录完成：读取党员 {read} 名，新增 {added} 名，更新 {updated} 名（均已重新计数）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
