"""The one set of event handlers through which a service follows the org tree. A service class
inherits them and says, in `project_org_event`, how its directory (and any path it keeps for
scope checks) takes one event; the handlers' queues are named after the service as usual.
Import this module, not the class: `nameko run` takes every class with entrypoints in a
service's module for a service."""
from .messaging.consumers import consumes


class FollowsOrgDirectory:
    def project_org_event(self, event: dict) -> None:
        raise TypeError(f"{type(self).__name__} must say how it projects an org event")

    @consumes("org", "org_created")
    def on_org_created(self, event):
        self.project_org_event(event)

    @consumes("org", "org_renamed")
    def on_org_renamed(self, event):
        self.project_org_event(event)

    @consumes("org", "org_updated")
    def on_org_updated(self, event):
        self.project_org_event(event)

    @consumes("org", "org_revoked")
    def on_org_revoked(self, event):
        self.project_org_event(event)

    @consumes("org", "org_restored")
    def on_org_restored(self, event):
        self.project_org_event(event)

    @consumes("org", "org_deleted")
    def on_org_deleted(self, event):
        self.project_org_event(event)

    @consumes("org", "org_moved")
    def on_org_moved(self, event):
        self.project_org_event(event)
