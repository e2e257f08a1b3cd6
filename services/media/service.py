"""The media service's nameko entrypoints: adapters only."""
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy, rpc
from nameko.timer import timer

from services.shared import org_directory_handlers
from services.shared.context import CallerProvider
from services.shared.db import Database
from services.shared.errors import PmisError
from services.shared.health import health_report
from services.shared.org_directory import OrgDirectory

from . import commands, org_events, queries, sweeper
from .domain.owners import MEMBER_PHOTO
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
        owner_lookups = {MEMBER_PHOTO: self._member}
        return commands.begin_upload(self.db, self.store, self.caller(), owner_lookups, owner_kind,
                                     owner_id if member_id is None else member_id, content_type, size)

    def _member(self, member_id):
        """The member (member service), placed by the organization directory's current path."""
        member = self.member.get_member(member_id)
        org = OrgDirectory(self.db, org_directory, self.org.org_path).org(self.caller(), member["org_id"])
        return {**member, "org_path": org["path"]}

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
