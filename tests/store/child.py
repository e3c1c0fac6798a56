"""A separate process that saves one result into a store: `python -m tests.store.child URL
RESULT.json [GO_FILE]`. With GO_FILE it creates RESULT.ready once it is loaded, then waits until
GO_FILE exists, so a test can start its store work at a moment of its choosing. Prints the scan
id."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from aiscan.core.model import ScanResult
from aiscan.store import open_store


def main(argv: list[str]) -> None:
    url, result_file = argv[0], Path(argv[1])
    result = ScanResult.model_validate_json(result_file.read_text(encoding="utf-8"))
    if len(argv) > 2:
        go = Path(argv[2])
        result_file.with_suffix(".ready").write_text("ready\n", encoding="utf-8")
        deadline = time.monotonic() + 60
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.005)
    store = open_store(url)
    print(store.save(result, exit_code=0, shard=result_file.stem), flush=True)
    store.close()


if __name__ == "__main__":
    main(sys.argv[1:])
