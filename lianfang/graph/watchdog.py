"""The embedded server's watchdog: stops it once no lianfang process holds a lease.

The last process to leave stops the server itself; this covers the one that cannot,
because it was killed (`kill -9` of `lianfang serve` left the server running, alone,
until stopped by hand). It runs beside each server it starts, as
`python -m lianfang.graph.watchdog DATA_DIR`, and exits with the server.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from lianfang.graph.embedded import EmbeddedServer

POLL_SECONDS = 1.0


def watch(data_dir: Path, poll: float = POLL_SECONDS) -> None:
    """Until the server is gone or stopped. The check runs under the start lock, so a
    process starting or joining the server is never caught between the two."""
    server = EmbeddedServer(data_dir)
    while True:
        time.sleep(poll)
        try:
            if server.stop_if_unused() is not False:
                return
        except Exception:  # a data dir removed under it, a server that will not answer
            return


if __name__ == "__main__":
    watch(Path(sys.argv[1]))
