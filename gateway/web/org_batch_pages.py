"""批量修改 of organizations (services/org/batch_changes.py, domain/batch_changes.py): the form with its
conditions, the preview, the save and the recent batches with their undo."""
import asyncio

from starlette.requests import Request

from ..api.common import call, path_id
from ..auth import require_session
from ..errors import HttpError, as_http_error
from .org_card_pages import page_context
from .rendering import form_of, redirect_with_flash, render, submit_form


def batch_spec(form: dict) -> dict:
    """The batch form (one or more condition rows, the item and its new value) as the service takes it."""
    conditions = []
    for index in range(3):
        field = form.get(f"cond_field_{index}", "")
        if field:
            conditions.append({"field": field, "op": form.get(f"cond_op_{index}", "eq"),
                               "value": form.get(f"cond_value_{index}", "")})
    return {"conditions": conditions, "field": form.get("field", ""), "value": form.get("value", "")}


def _org_ids(raw: str) -> list[int]:
    """The previewed organizations the page sends back with 保存 ("12,15,…")."""
    try:
        return [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise HttpError(400, "validation", "预览结果有误，请重新预览", {"org_ids": "格式有误"}) from None


async def org_batch_page(request: Request):
    """GET: the form and recent batches; POST: preview (action=preview) or save (action=save)."""
    org_id = path_id(request)
    form, preview, error = {}, None, None
    if request.method == "POST":
        form = await form_of(request)
        session = await require_session(request, form_csrf=form.get("csrf_token"))
        spec = batch_spec(form)
        try:
            if form.get("action") == "save":
                spec["org_ids"] = _org_ids(form.get("org_ids", ""))
                saved = await call(request, session, "org", "save_batch_change", org_id=org_id, data=spec)
                # Post/Redirect/Get: F5 on the page after must not save the batch again.
                return redirect_with_flash(f"/orgs/{org_id}/batch", f"已修改 {saved['changed']} 个党组织。"
                                           "如需还原，可在下方“最近的批量修改”中撤销。")
            else:
                preview = await call(request, session, "org", "preview_batch_change", org_id=org_id, data=spec)
        except Exception as exc:  # noqa: BLE001 — shown above the form
            error = as_http_error(exc)
            if error.status >= 500 or error.status in (401, 403, 404):
                raise error from None
    else:
        session = await require_session(request)
    context = await page_context(request, session, org_id)
    fields, batches = await asyncio.gather(call(request, session, "org", "card_fields"),
                                           call(request, session, "org", "list_batch_changes", org_id=org_id))
    return render(request, "org_batch.html", status=error.status if error else 200, session=session,
                  form_values=form, preview=preview, form_error=error, fields=fields["org"],
                  batches=batches, org_ids=",".join(str(c["id"]) for c in preview["changes"]) if preview else "",
                  **context)


async def undo_org_batch(request: Request):
    org_id = path_id(request)
    batch_id = request.path_params["batch"]

    async def rerender(session, form, error):
        context = await page_context(request, session, org_id)
        fields, batches = await asyncio.gather(call(request, session, "org", "card_fields"),
                                               call(request, session, "org", "list_batch_changes", org_id=org_id))
        return render(request, "org_batch.html", status=error.status, session=session, form_values={},
                      form_error=error, fields=fields["org"], batches=batches, **context)

    return await submit_form(request, lambda session, form: call(request, session, "org", "undo_batch_change",
                                                                 batch_id=batch_id),
                             rerender, f"/orgs/{org_id}/batch", "已撤销这次批量修改")
