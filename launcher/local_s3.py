"""A local S3 endpoint for development and CI when PMIS_S3_ENDPOINT is not set.

moto's server answers every `minio` call the media service makes, but it does NOT check
presigned signatures or expiry: it is never a production store.
"""
from moto.server import ThreadedMotoServer


class LocalS3:
    def __init__(self, port: int):
        self.port = port
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop()
