"""The media service's nameko entrypoints: adapters only."""
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy
from nameko.timer import timer

from services.shared import org_directory_handlers
from services.shared.checked_rpc import rpc
from services.shared.context import CallerProvider
from services.shared.db import Database
from services.shared.errors import PmisError
from services.shared.health import health_report
from services.shared.messaging.consumers import consumes
from services.shared.org_directory import OrgDirectory

from . import (
    attachment_queries,
    attachments,
    commands,
    meeting_events,
    meeting_file_imports,
    org_events,
    queries,
    sweeper,
)
from .domain.owners import MEMBER_PHOTO, VIDEO_POSTER
from .models import org_directory
from .storage import storage
from .store import SWEEP_GRACE

api = rpc(expected_exceptions=PmisError)


class ObjectStorage(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return storage()


class MediaService(org_directory_handlers.FollowsOrgDirectory):
    name = "media"
    db = Database()
    caller = CallerProvider()
    store = ObjectStorage()
    member = RpcProxy("member")
    org = RpcProxy("org")  # only the org directory's fallback, for an organization not projected yet

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    def project_org_event(self, event):
        org_events.project(self.db, event)

    @api
    def begin_upload(self, content_type, size, owner_kind=MEMBER_PHOTO, owner_id=None, member_id=None):
        """`member_id` is the member photo's original form: (member_photo, member_id)."""
        owner_lookups = {MEMBER_PHOTO: self._member,
                         VIDEO_POSTER: lambda attachment_id: attachment_queries.video_owner(
                             self.db, self.caller(), attachment_id)}
        return commands.begin_upload(self.db, self.store, self.caller(), owner_lookups, owner_kind,
                                     owner_id if member_id is None else member_id, content_type, size)

    def _member(self, member_id):
        """The member (member service), placed by the organization directory's current path."""
        member = self.member.get_member(member_id)
        org = OrgDirectory(self.db, org_directory, self.org.org_path).org(self.caller(), member["org_id"])
        return {**member, "org_path": org["path"]}

    # --- 组织生活 attachments (meetings projected from the org service's events) -----------------

    @consumes("org", "meeting_recorded")
    def on_meeting_recorded(self, event):
        meeting_events.project(self.db, event)

    @consumes("org", "meeting_changed")
    def on_meeting_changed(self, event):
        meeting_events.project(self.db, event)

    def _meeting_path(self, meeting_id):
        """The path of the meeting's organization (its projection, else asked of the org service once)."""
        org_id = meeting_events.meeting_org(self.db, meeting_id, self.org.meeting_owner)
        return OrgDirectory(self.db, org_directory, self.org.org_path).org(self.caller(), org_id)["path"]

    @api
    def begin_attachment(self, meeting_id, filename, content_type, size):
        return attachments.begin_attachment(self.db, self.store, self.caller(), self._meeting_path, meeting_id,
                                            filename, content_type, size)

    @api
    def resume_attachment(self, upload_id):
        return attachments.resume_attachment(self.db, self.store, self.caller(), upload_id)

    @api
    def complete_attachment(self, upload_id, parts=None):
        return attachments.complete_attachment(self.db, self.store, self.caller(), upload_id, parts)

    @api
    def meeting_attachments(self, meeting_id):
        return attachment_queries.meeting_attachments(self.db, self.caller(), self._meeting_path, meeting_id)

    # 数据迁移: the 组织生活附件清单 (docs/MIGRATION.md); the meetings asked of the org service in one call.
    @api
    def create_meeting_file_import(self, rows):
        return meeting_file_imports.create_import(self.db, self.caller(), self.org.meetings_by_keys, rows)

    @api
    def get_meeting_file_import(self, import_id):
        return meeting_file_imports.get_import(self.db, self.caller(), import_id)

    @api
    def commit_meeting_file_import(self, import_id, results=None, all_or_nothing=False):
        return meeting_file_imports.commit_import(self.db, self.caller(), import_id, results, all_or_nothing)

    @api
    def attachment_url(self, attachment_id, variant="file"):
        return attachment_queries.attachment_url(self.db, self.store, self.caller(), attachment_id, variant)

    @api
    def complete_upload(self, upload_id):
        return commands.complete_upload(self.db, self.store, self.caller(), upload_id)

    @timer(interval=60)
    def sweep(self):
        sweeper.sweep(self.db, self.store, SWEEP_GRACE)

    @api
    def member_photo(self, member_id):
        return queries.member_photo(self.db, self.caller(), member_id)

    @api
    def download_url(self, photo_id, variant="photo"):
        return queries.download_url(self.db, self.store, self.caller(), photo_id, variant)
