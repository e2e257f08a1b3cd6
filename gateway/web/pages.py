"""Server-rendered pages (Jinja2; htmx for the tree): the same RPCs as the API, HTML instead
of JSON. One module per kind of page; this one assembles their routes."""
from starlette.routing import Route

from .member_pages import edit_member, leave_member, member_page, restore_member, undo_status_change
from .org_pages import (
                        create_child_org,
                        create_member,
                        home,
                        import_page,
                        org_page,
                        search_page,
                        supervision_page,
                        tree_children,
)
from .rendering import error_page
from .report_pages import (
                           accept,
                           aggregate,
                           comparison_page,
                           correct,
                           explain,
                           generate,
                           report_home,
                           report_page,
                           return_,
                           submit,
)
from .session_pages import login, logout, password

__all__ = ["error_page", "routes"]

routes = [
    Route("/", home),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/password", password, methods=["GET", "POST"]),
    Route("/orgs/{id}", org_page),
    Route("/orgs/{id}/tree", tree_children),
    Route("/orgs/{id}/children", create_child_org, methods=["POST"]),
    Route("/orgs/{id}/members", create_member, methods=["POST"]),
    Route("/orgs/{id}/supervision", supervision_page),
    Route("/orgs/{id}/import", import_page),
    Route("/orgs/{id}/reports", report_home),
    Route("/orgs/{id}/reports/{year}", report_page),
    Route("/orgs/{id}/reports/{year}/comparison", comparison_page),
    Route("/orgs/{id}/reports/{year}/generate", generate, methods=["POST"]),
    Route("/orgs/{id}/reports/{year}/aggregate", aggregate, methods=["POST"]),
    Route("/orgs/{id}/reports/{year}/corrections", correct, methods=["POST"]),
    Route("/orgs/{id}/reports/{year}/explanation", explain, methods=["POST"]),
    Route("/orgs/{id}/reports/{year}/submit", submit, methods=["POST"]),
    Route("/orgs/{id}/reports/{year}/accept", accept, methods=["POST"]),
    Route("/orgs/{id}/reports/{year}/return", return_, methods=["POST"]),
    Route("/search", search_page),
    Route("/members/{id}", member_page),
    Route("/members/{id}/edit", edit_member, methods=["POST"]),
    Route("/members/{id}/leave", leave_member, methods=["POST"]),
    Route("/members/{id}/restore", restore_member, methods=["POST"]),
    Route("/members/{id}/status/undo", undo_status_change, methods=["POST"]),
]
