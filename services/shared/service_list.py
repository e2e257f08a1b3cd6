"""The one list of PMIS services (house rule: one way to do a thing). The topology, the
migrations, the launcher, the tests and the compose/k8s checks all read it."""
SERVICES = ("org", "member", "transfer", "dues", "media", "stats")
