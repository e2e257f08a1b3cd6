"""接收报表模板 (docs/REPORT_TEMPLATES.md): the national table set and the versions of the province's
extra tables (省表); loading a new 省表 version (the template document as the JSON body)."""
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..auth import require_session
from .common import call, read_json
from .spec import INT, STR, obj, op

BASE = "/report-templates"


async def list_templates(request: Request):
    session = await require_session(request)
    return JSONResponse(await call(request, session, "stats", "list_report_templates"))


async def load_template(request: Request):
    session = await require_session(request)
    document = await read_json(request)
    return JSONResponse(await call(request, session, "stats", "load_report_template", document=document),
                        status_code=201)


routes = [
    Route(BASE, list_templates),
    Route(BASE, load_template, methods=["POST"]),
]

TABLE_SUMMARY = obj(["key", "title", "columns", "rows"], key=STR, name=STR, title=STR, columns=INT, rows=INT)
FORMULA = {"type": "string", "description": "公式：整数、+、-、括号、同一行其他列的代号，"
                                            "以及 stock(\"维度\"[, 取值])（本年底）、"
                                            "start(\"维度\"[, 取值])（上年底）、flow(\"维度\"[, 取值])（本年内）"}
DOCUMENT = obj(["name", "tables"], name={"type": "string", "description": "模板名称，如“某省省表”"},
               tables={"type": "array", "description": "省表（可为空：此后不再附省表）", "items": obj(
                   ["key", "title", "columns"], key={"type": "string", "pattern": "^[a-z][a-z0-9_]{0,29}$"},
                   name={"type": "string", "description": "表号（默认 省表1、省表2…）"}, title=STR,
                   columns={"type": "array", "items": obj(["key", "label"], key=STR, label=STR, group=STR,
                                                          formula=FORMULA)},
                   rows={"type": "array", "description": "行（默认一行“合计”）", "items": obj(
                       ["key", "label"], key=STR, label=STR,
                       cells={"type": "object", "additionalProperties": FORMULA,
                              "description": "本行各列的公式（覆盖列的 formula）"})},
                   checks={"type": "array", "description": "校核规则：合计等于各部分之和", "items": obj(
                       ["total", "parts"], total=STR, parts={"type": "array", "items": STR}, label=STR)})})
TEMPLATES = obj(["national", "provincial", "in_use", "may_load"],
                national=obj(["name", "version", "tables"], name=STR, version=INT,
                             tables={"type": "array", "items": TABLE_SUMMARY}),
                provincial={"type": "array", "description": "省表的各个版本，新的在前；第一个（current）正在使用",
                            "items": obj(
                    ["version", "name", "loaded_at", "current", "tables"], version=INT, name=STR, loaded_at=STR,
                    loaded_by_name=STR, current={"type": "boolean"}, tables={"type": "array", "items": TABLE_SUMMARY},
                    definition=DOCUMENT)},
                in_use={"type": "string", "description": "生成报表时记录的模板版本，如“2012国表 v1；某省省表 v2”"},
                may_load={"type": "boolean", "description": "本账号能否载入省表"})
LOADED = obj(["version", "name", "tables", "in_use"], version=INT, name=STR, in_use=STR,
             tables={"type": "array", "items": TABLE_SUMMARY})

OPENAPI_PATHS = {
    BASE: {
        "get": op("接收报表模板：国表（程序内置）的名称和版本，省表的全部版本（最新的一版用于此后生成的报表）",
                  "报表模板", TEMPLATES),
        "post": op("载入省表：请求体即模板文档（JSON，格式见 docs/REPORT_TEMPLATES.md），全部校验通过才保存为新版本，"
                   "有错误时逐项说明（表、列、问题）且不写入任何内容；已生成的报表不受影响。"
                   "须管理范围为根党组织、且有“统计报表”写权限", "已载入", LOADED, DOCUMENT, status="201"),
    },
}
