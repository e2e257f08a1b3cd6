"""The JSON API, /api/v1: each resource module brings its routes and their OpenAPI paths.
Each route authenticates, reads input, makes one or two RPCs and shapes the output."""
from functools import lru_cache

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from . import (
    accounts,
    applicants,
    attachments,
    audit,
    batch_add,
    batch_changes,
    code_tables,
    development,
    development_plans,
    dues,
    evaluations,
    exports,
    imports,
    info_sets,
    media,
    meetings,
    member_checks,
    member_queries,
    members,
    migration,
    mobility,
    org_batch_changes,
    org_cards,
    org_imports,
    orglife,
    orgs,
    registration,
    report_templates,
    reports,
    sessions,
    settings,
    supervision,
    terms,
    transfer_inbound,
    transfers,
)
from .spec import SCHEMAS

RESOURCES = (sessions, accounts, orgs, members, info_sets, member_checks, batch_add, registration, media, exports,
             imports, supervision, member_queries, batch_changes, report_templates, reports, org_cards,
             org_batch_changes, org_imports, transfers, applicants, development, development_plans,
             transfer_inbound, mobility, dues, meetings, attachments, orglife, evaluations, terms, audit,
             code_tables, settings, migration)


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    paths = {}
    for resource in RESOURCES:
        for path, operations in resource.OPENAPI_PATHS.items():  # a path's methods may come from two modules
            paths.setdefault(path, {}).update(operations)
    return {
        "openapi": "3.1.0",
        "info": {"title": "PMIS 党员管理信息系统 API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": {**SCHEMAS, "Org": orgs.ORG, "MemberCard": info_sets.MEMBER_CARD,
                                  **transfers.SCHEMAS, **applicants.SCHEMAS, **development.SCHEMAS,
                                  **mobility.SCHEMAS, **meetings.SCHEMAS, **terms.SCHEMAS}},
    }


async def openapi(request: Request):
    return JSONResponse(openapi_document())


routes = [Route("/openapi.json", openapi)] + [route for resource in RESOURCES for route in resource.routes]
