"""`make run`: start everything with local defaults, print the URL and the one-time password,
restart whatever dies (a process that keeps dying stops everything, exit code 1), stop everything
on Ctrl-C or SIGTERM (and the children die with it even on SIGKILL)."""
import logging
import secrets
import signal
import sys
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message=".*Eventlet is deprecated.*")
# The supervisor's restarts go to the terminal, beside the URL.
logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")

from services.shared.config import setting  # noqa: E402

from .system import StartupFailed, System  # noqa: E402


def secret_key(state_dir: Path) -> str:
    """Keep one generated signing key across restarts so logins survive them."""
    path = state_dir / "secret_key"
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def main() -> int:
    state_dir = Path(setting("PMIS_STATE_DIR"))
    env = {"PMIS_SECRET_KEY": setting("PMIS_SECRET_KEY") or secret_key(state_dir), "PMIS_STATE_DIR": str(state_dir)}
    system = System(env, state_dir / "logs")
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    # Ctrl-C stops it even when started from a shell that ignores SIGINT (a background job inherits
    # SIG_IGN, and Python then installs no KeyboardInterrupt handler).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        print("正在启动 PMIS …", flush=True)
        system.start(timeout=120)
        if system.local_s3:
            print(f"未配置 PMIS_S3_ENDPOINT：已在 {system.local_s3.endpoint} 启动本地 S3 端点（SeaweedFS，"
                  f"数据和密钥在 {system.local_s3.directory}）")
        print(system.bootstrap_output.strip())
        print(f"\nPMIS 已启动：{system.gateway_url}/    （日志：{state_dir / 'logs'}；按 Ctrl-C 停止）", flush=True)
        return system.wait()
    except StartupFailed as exc:
        print(f"启动失败：{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        print("正在停止 …", flush=True)
        system.stop()


if __name__ == "__main__":
    sys.exit(main())
