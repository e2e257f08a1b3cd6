"""The media service's nameko entrypoints: adapters only."""
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy, rpc

from services.shared.context import CallerProvider
from services.shared.db import Database
from services.shared.errors import PmisError
from services.shared.health import health_report

from . import commands, queries
from .storage import storage

api = rpc(expected_exceptions=PmisError)


class ObjectStorage(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return storage()


class MediaService:
    name = "media"
    db = Database()
    caller = CallerProvider()
    store = ObjectStorage()
    member = RpcProxy("member")

    @rpc
    def health(self):
        return health_report(self.name, self.db)

    @api
    def begin_upload(self, member_id, content_type, size):
        return commands.begin_upload(self.db, self.store, self.caller(), self.member.get_member, member_id,
                                     content_type, size)

    @api
    def complete_upload(self, upload_id):
        return commands.complete_upload(self.db, self.store, self.caller(), upload_id)

    @api
    def member_photo(self, member_id):
        return queries.member_photo(self.db, self.caller(), member_id)

    @api
    def download_url(self, photo_id, variant="photo"):
        return queries.download_url(self.db, self.store, self.caller(), photo_id, variant)
