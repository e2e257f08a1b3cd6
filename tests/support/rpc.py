"""A synchronous face on the gateway's asyncio RPC client, for tests that call services
directly (the same wire protocol the gateway uses; no nameko test doubles)."""
import asyncio
import threading

from gateway.rpc import RpcClient
from services.shared.context import Caller


class SyncRpc:
    def __init__(self, amqp_uri: str, timeout: float = 15):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = RpcClient(amqp_uri, timeout=timeout)
        self.run(self.client.connect())

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()

    def call(self, service: str, method: str, caller: Caller | None = None, **kwargs):
        context = (caller or Caller.system("test")).as_context_data()
        return self.run(self.client.call(service, method, context, **kwargs))

    def close(self) -> None:
        self.run(self.client.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
