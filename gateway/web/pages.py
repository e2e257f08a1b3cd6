"""Server-rendered pages (Jinja2; htmx for the tree): the same RPCs as the API, HTML instead
of JSON. One module per kind of page; this one assembles their routes."""
from starlette.routing import Route

from . import org_card_pages as card
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
    Route("/orgs/{id}/card", card.edit_card, methods=["POST"]),
    Route("/orgs/{id}/rename", card.rename, methods=["POST"]),
    Route("/orgs/{id}/revoke", card.revoke, methods=["POST"]),
    Route("/orgs/{id}/restore", card.restore, methods=["POST"]),
    Route("/orgs/{id}/delete", card.delete, methods=["POST"]),
    Route("/orgs/{id}/children/{child}/sort", card.sort, methods=["POST"]),
    Route("/orgs/{id}/units", card.add_unit, methods=["POST"]),
    Route("/orgs/{id}/units/{entry}/delete", card.remove_unit, methods=["POST"]),
    Route("/orgs/{id}/sanctions", card.add_sanction, methods=["POST"]),
    Route("/orgs/{id}/sanctions/{entry}/delete", card.remove_sanction, methods=["POST"]),
    Route("/orgs/{id}/history", card.history_page),
    Route("/orgs/{id}/check", card.check_page),
    Route("/orgs/{id}/orgs", card.search_page),
    Route("/orgs/{id}/batch", card.batch_page, methods=["GET", "POST"]),
    Route("/orgs/{id}/batch/{batch}/undo", card.undo_batch, methods=["POST"]),
    Route("/orgs/{id}/org-import", card.import_page),
    Route("/search", search_page),
    Route("/members/{id}", member_page),
    Route("/members/{id}/edit", edit_member, methods=["POST"]),
    Route("/members/{id}/leave", leave_member, methods=["POST"]),
    Route("/members/{id}/restore", restore_member, methods=["POST"]),
    Route("/members/{id}/status/undo", undo_status_change, methods=["POST"]),
]
