"""The transfer service (组织关系转接): boots with its schema and health; transfers come with their issue."""
from nameko.rpc import rpc

from services.shared.db import Database
from services.shared.health import health_report


class TransferService:
    name = "transfer"
    db = Database()

    @rpc
    def health(self):
        return health_report(self.name, self.db)
