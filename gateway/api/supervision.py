"""Reminders for the account's own organization, and work supervision (工作督查) lists."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..auth import require_session
from ..excel.roster import PROBATION_ENDS, ROSTER_COLUMNS, RosterColumn, RosterWriter
from .common import call, path_id
from .exports import download_operation, every_page, workbook_download
from .spec import ID, INT, obj, op, query_param

OVERDUE_COLUMNS = [ROSTER_COLUMNS[key] for key in ("name", "sex", "id_number", "joined_on")] + [
    PROBATION_ENDS, ROSTER_COLUMNS["org"]]


async def reminders(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "reminders", org_id=session.org_id))


async def overdue_probation(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "member", "overdue_probation", org_id=path_id(request),
                                   page=request.query_params.get("page", "1"),
                                   size=request.query_params.get("size", "50")))


async def overdue_probation_xlsx(request: Request):
    session = await require_session(request)
    org_id = path_id(request)
    org = await call(request, session, "org", "get_org", org_id=org_id)
    writer = RosterWriter(f"{org['name']} 预备期已满未处理的预备党员", OVERDUE_COLUMNS, sheet_name="预备期超期")

    pages = every_page(lambda page, size: call(request, session, "member", "overdue_probation", org_id=org_id,
                                               page=page, size=size))
    return await workbook_download(request, session, writer, pages, f"{org['name']}-预备期超期.xlsx")


# 工作督查 lists beside the overdue probation: name → (service, RPC, title, columns).
MEMBER_LIST_COLUMNS = [ROSTER_COLUMNS[key] for key in ("name", "sex", "birth_date", "id_number")]
LISTS = {
    "duplicate-ids": ("member", "duplicate_ids", "身份证号重复",
                      MEMBER_LIST_COLUMNS + [RosterColumn("status_name", "党籍状态", 8),
                                             RosterColumn("others_outside", "本组织以外的重复记录数", 12),
                                             ROSTER_COLUMNS["org"]]),
    "invalid-ids": ("member", "invalid_ids", "身份证号有误",
                    MEMBER_LIST_COLUMNS + [RosterColumn("problem", "问题", 36), ROSTER_COLUMNS["org"]]),
    "incomplete-members": ("member", "incomplete_members", "党员信息不完整",
                           MEMBER_LIST_COLUMNS + [RosterColumn("missing_names", "缺少的必填项", 30),
                                                  ROSTER_COLUMNS["org"]]),
    "incomplete-orgs": ("org", "incomplete_orgs", "党组织信息不完整",
                        [RosterColumn("name", "党组织名称", 36), RosterColumn("code", "党组织代码", 16),
                         RosterColumn("missing_names", "缺少的必填项", 30)]),
    "orglife-behind": ("org", "orglife_behind", "组织生活未按期开展的党支部",
                       [RosterColumn("name", "党组织名称", 36), RosterColumn("code", "党组织代码", 16),
                        RosterColumn("missing_names", "上一周期未开展", 60)]),
    "terms-due": ("org", "terms_behind", "任期届满需换届的党组织",
                  [RosterColumn("name", "党组织名称", 36), RosterColumn("code", "党组织代码", 16),
                   RosterColumn("missing_names", "届满情况", 40)]),
    "lost-members": ("transfer", "lost_members", "失联满6个月的党员",
                     MEMBER_LIST_COLUMNS + [RosterColumn("lost_since", "失联日期", 12),
                                            RosterColumn("lost_reason_name", "失联原因", 14),
                                            RosterColumn("home_org_name", "所在党组织", 30)]),
    "dues-lapsed": ("dues", "lapsed_members", "连续6个月未交党费的党员",
                    [ROSTER_COLUMNS["name"], RosterColumn("org_name", "所在党组织", 30),
                     RosterColumn("streak", "连续未交月数", 10), RosterColumn("streak_from", "自", 10),
                     RosterColumn("amount", "欠交金额（元）", 12), RosterColumn("paid_to", "党费交至", 10)]),
    "dues-large-held": ("dues", "large_overdue", "超过30天未上缴的大额党费",
                        [ROSTER_COLUMNS["name"], RosterColumn("recorded_org_name", "登记的党组织", 30),
                         RosterColumn("amount", "金额（元）", 12, money=True), RosterColumn("paid_on", "交纳日期", 12),
                         RosterColumn("receipt_no", "收据号", 16), RosterColumn("held_by", "现在何处", 30)]),
    "dues-large-unconfirmed": ("dues", "large_unconfirmed", "超过30天未确认的大额党费上缴",
                               [RosterColumn("org_name", "上缴组织", 30), RosterColumn("remitted_on", "上缴日期", 12),
                                RosterColumn("amount", "金额（元）", 12, money=True),
                                RosterColumn("voucher_no", "收据（凭证）号", 16),
                                RosterColumn("recorded_by", "登记人", 14)]),
}


def _with_names(result: dict) -> dict:
    for item in result["items"]:
        if "missing" in item:
            item["missing_names"] = "、".join(item["missing"])
    return result


async def supervision_list(request: Request, name: str, org_id: int, page, size) -> dict:
    service, method, _, _ = LISTS[name]
    return _with_names(await call(request, await require_session(request), service, method, org_id=org_id,
                                  page=page, size=size))


def _list_json(name: str):
    async def endpoint(request: Request):
        return JSONResponse(await supervision_list(request, name, path_id(request),
                                                   request.query_params.get("page", "1"),
                                                   request.query_params.get("size", "50")))
    return endpoint


def _list_xlsx(name: str):
    _, _, title, columns = LISTS[name]

    async def endpoint(request: Request):
        session = await require_session(request)
        org_id = path_id(request)
        org = await call(request, session, "org", "get_org", org_id=org_id)
        writer = RosterWriter(f"{org['name']} {title}", columns, sheet_name=title)

        pages = every_page(lambda page, size: supervision_list(request, name, org_id, page, size))
        return await workbook_download(request, session, writer, pages, f"{org['name']}-{title}.xlsx")
    return endpoint


routes = [
    Route("/reminders", reminders),
    Route("/orgs/{id}/supervision/overdue-probation", overdue_probation),
    Route("/orgs/{id}/supervision/overdue-probation.xlsx", overdue_probation_xlsx),
] + [route for name in LISTS for route in (Route(f"/orgs/{{id}}/supervision/{name}", _list_json(name)),
                                           Route(f"/orgs/{{id}}/supervision/{name}.xlsx", _list_xlsx(name)))]

PAGED = obj(["total", "page", "size", "items"], total=INT, page=INT, size=INT, items={"type": "array"})

OPENAPI_PATHS = {
    "/reminders": {"get": op("本账号所在党组织的提醒：本月过生日的党员、预备期将满的预备党员（天数见系统设置）",
                             "提醒", obj(["birthdays", "probation_ending"], birthdays={"type": "array"},
                                         probation_ending={"type": "array"}, probation_days=INT))},
    "/orgs/{id}/supervision/overdue-probation": {"get": op(
        "工作督查：预备期已满一年仍未转正、延长或取消的预备党员（含下级）", "列表", PAGED,
        params=[ID, query_param("page", INT), query_param("size", INT)])},
    "/orgs/{id}/supervision/overdue-probation.xlsx": {"get": download_operation(
        "导出预备期超期的预备党员（Excel）", params=[ID])},
}
LIST_SUMMARIES = {
    "duplicate-ids": "身份证号重复的党员（含历史党员）：号码指向同一人（18位号码前17位相同，"
                     "15位旧号码按升级后的18位比较）",
    "invalid-ids": "身份证号有误的党员（含历史党员）：不符合 GB 11643（长度、字符、地址码、出生日期、校验码），"
                   "不是规范的18位形式，或与登记的出生日期、性别不一致",
    "incomplete-members": "必填信息不完整的在册党员（items[].missing 为缺少的信息项）",
    "incomplete-orgs": "必填信息不完整的党组织（items[].missing 为缺少的信息项）",
    "orglife-behind": "上一个已结束周期（上月、上季度、上年）未开展规定组织生活的党支部（items[].missing 为未开展的"
                      "类型及周期，按支部工作条例的频次）",
    "terms-due": "任期已届满或6个月内届满、尚未换届的下级党组织（按届满日期，延期换届的按批准的延期日期；"
                 "items[].missing 为届满情况）",
    "lost-members": "失联满6个月的流动党员（按规定应予停止党籍；items[].lost_since 失联日期）",
    "dues-lapsed": "连续6个月以上未交党费的在册党员（按自行脱党处理的情形，须支部核实处理；"
                   "items[].streak 连续未交月数，streak_from 自何月，amount 欠交金额，paid_to 党费交至）",
    "dues-large-held": "交纳已超过30天、本组织尚未上缴的大额党费（本组织及下级登记；大额党费须全额上缴党中央；"
                       "items[].held_by 现在所在的党组织，forwarded 各级已上缴的记录；amount 为合计）",
    "dues-large-unconfirmed": "下级上缴本组织已超过30天、本组织尚未确认收到或退回的大额党费上缴记录（只列上缴本组织的；"
                              "items 为上缴记录，amount 为合计）",
}
for _name, _summary in LIST_SUMMARIES.items():
    OPENAPI_PATHS[f"/orgs/{{id}}/supervision/{_name}"] = {"get": op(
        f"工作督查：{_summary}（含下级）", "列表", PAGED,
        params=[ID, query_param("page", INT), query_param("size", INT)])}
    OPENAPI_PATHS[f"/orgs/{{id}}/supervision/{_name}.xlsx"] = {"get": download_operation(
        f"导出{LISTS[_name][2]}（Excel）", params=[ID])}
