"""Tables of the dues service, schema "dues". Its business tables arrive with its own issue;
the outbox and inbox are here from the start so every service has the same shape."""
from sqlalchemy import MetaData

from services.shared.messaging.inbox import inbox_table
from services.shared.messaging.outbox import outbox_table

metadata = MetaData(schema="dues")
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
