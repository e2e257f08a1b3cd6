"""Building blocks of the OpenAPI document; each resource module describes its own paths."""


def values(table) -> list[str]:
    """A code table's accepted values: Chinese names and codes."""
    return table.names() + table.codes()


def _error(description: str) -> dict:
    schema = {"$ref": "#/components/schemas/Error"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _error("输入有误（字段错误见 error.fields）"), "401": _error("未登录或登录已过期"),
    "403": _error("超出本账号管理范围，或须先修改密码"), "404": _error("不存在"),
    "409": _error("冲突（如公民身份号码重复）"), "422": _error("不符合规定，不能办理（error.message 为原因）"),
    "413": _error("请求体过大"), "504": _error("服务超时"),
}


def op(summary: str, ok: str, ok_schema: dict | None = None, body: dict | None = None, params=(),
       status: str = "200", auth: bool = True, body_required: bool = True) -> dict:
    operation = {"summary": summary, "responses": {status: {"description": ok}, **ERRORS}}
    if ok_schema:
        operation["responses"][status]["content"] = {"application/json": {"schema": ok_schema}}
    if body:
        operation["requestBody"] = {"required": body_required, "content": {"application/json": {"schema": body}}}
    if params:
        operation["parameters"] = list(params)
    if not auth:
        operation["security"] = []
    return operation


def obj(required: list[str], **props) -> dict:
    return {"type": "object", "required": required, "properties": props}


def path_param(name: str, schema: dict) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def query_param(name: str, schema: dict, description: str = "") -> dict:
    param = {"name": name, "in": "query", "schema": schema}
    if description:
        param["description"] = description
    return param


STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
ID = path_param("id", INT)
COUNTS = {"type": "object", "additionalProperties": INT}

SCHEMAS = {
    "Error": obj(["error"], error=obj(["code", "message"], code=STR, message=STR,
                                      fields={"type": "object", "additionalProperties": STR})),
}
