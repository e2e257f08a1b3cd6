"""Server-rendered pages (Jinja2; htmx for the tree): the same RPCs as the API, HTML instead
of JSON. One module per kind of page; this one assembles their routes."""
from starlette.routing import Route

from .card_pages import (
                         batch_page,
                         commit_batch,
                         member_check_page,
                         org_check_page,
                         preview_batch,
                         undo_batch,
)
from .member_pages import (
                           add_info_row,
                           delete_info_row,
                           edit_member,
                           leave_member,
                           member_page,
                           restore_member,
                           undo_status_change,
                           update_info_row,
)
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
from .query_pages import (
                          delete_saved_query,
                          member_batch_page,
                          member_batch_preview,
                          member_batch_save,
                          member_batch_undo,
                          member_batches_page,
                          query_block,
                          query_inputs,
                          query_page,
                          query_row,
                          rename_saved_query,
                          save_query,
                          saved_queries_page,
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
    Route("/search", search_page),
    Route("/members/{id}", member_page),
    Route("/members/{id}/edit", edit_member, methods=["POST"]),
    Route("/members/{id}/leave", leave_member, methods=["POST"]),
    Route("/members/{id}/restore", restore_member, methods=["POST"]),
    Route("/members/{id}/status/undo", undo_status_change, methods=["POST"]),
    Route("/members/{id}/check", member_check_page),
    Route("/orgs/{id}/check", org_check_page),
    Route("/orgs/{id}/batch", batch_page),
    Route("/orgs/{id}/batch/preview", preview_batch, methods=["POST"]),
    Route("/orgs/{id}/batch", commit_batch, methods=["POST"]),
    Route("/batches/{batch_id}/undo", undo_batch, methods=["POST"]),
    Route("/members/{id}/info/{set}", add_info_row, methods=["POST"]),
    Route("/members/{id}/info/{set}/{row_id}", update_info_row, methods=["POST"]),
    Route("/members/{id}/info/{set}/{row_id}/delete", delete_info_row, methods=["POST"]),
    Route("/query", query_page),
    Route("/query/row", query_row),
    Route("/query/block", query_block),
    Route("/query/inputs", query_inputs),
    Route("/query/saved", save_query, methods=["POST"]),
    Route("/query/batch/preview", member_batch_preview, methods=["POST"]),
    Route("/query/batch", member_batch_save, methods=["POST"]),
    Route("/queries", saved_queries_page),
    Route("/queries/{id}/rename", rename_saved_query, methods=["POST"]),
    Route("/queries/{id}/delete", delete_saved_query, methods=["POST"]),
    Route("/member-batches", member_batches_page),
    Route("/member-batches/{id}", member_batch_page),
    Route("/member-batches/{id}/undo", member_batch_undo, methods=["POST"]),
]
