"""The OpenAPI 3.1 document of /api/v1, with the accepted code values listed."""
from functools import lru_cache

from services.shared.codes import ETHNICITIES, MEMBER_CATEGORIES, ORG_TYPES


def _values(table) -> list[str]:
    return table.names() + table.codes()


def _error(description: str) -> dict:
    schema = {"$ref": "#/components/schemas/Error"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _error("输入有误（字段错误见 error.fields）"), "401": _error("未登录或登录已过期"),
    "403": _error("超出本账号管理范围，或须先修改密码"), "404": _error("不存在"),
    "409": _error("冲突（如公民身份号码重复）"),
    "413": _error("请求体过大"), "504": _error("服务超时"),
}


def _op(summary: str, ok: str, ok_schema: dict | None = None, body: dict | None = None, params=(),
        status: str = "200", auth: bool = True) -> dict:
    op = {"summary": summary, "responses": {status: {"description": ok}, **ERRORS}}
    if ok_schema:
        op["responses"][status]["content"] = {"application/json": {"schema": ok_schema}}
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if params:
        op["parameters"] = list(params)
    if not auth:
        op["security"] = []
    return op


def _obj(required: list[str], **props) -> dict:
    return {"type": "object", "required": required, "properties": props}


ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
DATE = {"type": "string", "format": "date"}


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    member_in = _obj(["org_id", "name", "id_number", "ethnicity", "category", "joined_on"],
                     org_id=INT, name=STR, id_number={"type": "string", "description": "18位公民身份号码（GB 11643）"},
                     ethnicity={"type": "string", "enum": _values(ETHNICITIES),
                                "description": "民族（GB/T 3304 名称或代码）"},
                     category={"type": "string", "enum": _values(MEMBER_CATEGORIES)}, joined_on=DATE)
    org_in = _obj(["name", "code", "type", "parent_id"], name=STR, code=STR, parent_id=INT,
                  type={"type": "string", "enum": _values(ORG_TYPES), "description": "党组织类别（名称或代码）"})
    counts = {"type": "object", "additionalProperties": INT}
    paths = {
        "/session": {"post": _op("登录", "令牌", _obj(["token", "must_change_password", "org_id"], token=STR,
                                                     must_change_password=BOOL, org_id=INT),
                                 _obj(["username", "password"], username=STR, password=STR), auth=False)},
        "/session/password": {"post": _op("修改密码", "已修改", None, _obj(["old_password", "new_password"],
                                                                         old_password=STR, new_password=STR),
                                          status="204")},
        "/accounts": {"post": _op("新建账号（须在本账号管理范围内）", "已创建", _obj(["id"], id=INT),
                                  _obj(["username", "password", "org_id"], username=STR, password=STR, org_id=INT),
                                  status="201")},
        "/orgs": {"post": _op("新建党组织", "已创建", _obj(["id"], id=INT, path=STR), org_in, status="201")},
        "/orgs/{id}": {"get": _op("党组织信息", "党组织", {"$ref": "#/components/schemas/Org"}, params=[ID])},
        "/orgs/{id}/children": {"get": _op("下级党组织（含党员数）", "列表", params=[ID])},
        "/orgs/{id}/members": {"get": _op("本组织党员（分页）", "列表", params=[
            ID, {"name": "page", "in": "query", "schema": INT}, {"name": "size", "in": "query", "schema": INT}])},
        "/orgs/{id}/stats": {"get": _op("本组织及下级的党员统计", "统计", _obj(
            ["members"], members=_obj(["total", "by_sex", "by_category"], total=INT, by_sex=counts,
                                      by_category=counts)), params=[ID])},
        "/orgs/{id}/stats/reconcile": {"post": _op("按党员数据重新统计并列出与计数器的差异", "差异列表",
                                                   _obj(["differences"], differences={"type": "array"}),
                                                   params=[ID])},
        "/members": {"post": _op("新建党员", "已创建", _obj(["id"], id=INT), member_in, status="201")},
        "/members/{id}": {"get": _op("党员信息（含照片链接）", "党员", params=[ID])},
        "/media/uploads": {"post": _op("开始上传党员照片：返回直传对象存储的预签名请求", "预签名请求",
                                       _obj(["upload_id", "url", "fields"], upload_id=STR, url=STR,
                                            fields={"type": "object"}, max_bytes=INT),
                                       _obj(["member_id", "content_type", "size"], member_id=INT, size=INT,
                                            content_type={"type": "string", "enum": ["image/jpeg", "image/png",
                                                                                     "image/gif", "image/bmp"]}),
                                       status="201")},
        "/media/uploads/{upload_id}/complete": {"post": _op(
            "完成上传：校验图片内容、去除EXIF、生成缩略图", "照片",
            params=[{"name": "upload_id", "in": "path", "required": True, "schema": STR}])},
        "/media/photos/{photo_id}/{variant}": {"get": {
            "summary": "照片下载（302 跳转到限时链接）", "responses": {"302": {"description": "跳转"}, **ERRORS},
            "parameters": [{"name": "photo_id", "in": "path", "required": True, "schema": STR},
                           {"name": "variant", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": ["photo", "thumb"]}}]}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "PMIS 党员管理信息系统 API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": _obj(["error"], error=_obj(["code", "message"], code=STR, message=STR,
                                                    fields={"type": "object", "additionalProperties": STR})),
                "Org": _obj(["id", "name", "code", "type", "path"], id=INT, name=STR, code=STR, type=STR,
                            type_name=STR, path=STR, parent_id={"type": ["integer", "null"]}, can_have_children=BOOL),
            },
        },
    }
