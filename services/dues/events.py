"""Events the dues service emits and consumes (none yet; topology reads these declarations)."""
EMITS: dict = {}
CONSUMES: list = []
