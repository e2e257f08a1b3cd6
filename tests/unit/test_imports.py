"""Every module of the services, the gateway and the launcher imports: a name lost in a merge
fails here in seconds, not when a system started by an end-to-end test will not boot."""
import importlib
import pkgutil

import pytest

PACKAGES = ["services", "gateway", "launcher", "bench", "ops"]


def modules() -> list[str]:
    found = []
    for name in PACKAGES:
        package = importlib.import_module(name)
        found += [info.name for info in pkgutil.walk_packages(package.__path__, f"{name}.")
                  if ".migrations" not in info.name and not info.name.endswith("__main__")]
    return found


@pytest.mark.parametrize("module", modules())
def test_module_imports(module):
    importlib.import_module(module)
