"""How long a test waits for zecd: from asking for a server to its first answered SDK call
(a fresh data directory each time). Prints the median of a few runs: a measurement, not a
pass/fail check."""

import statistics
import time

import zecd
from zenlayercloud.zec.v20250901 import models

runs = []
for _ in range(5):
    started = time.perf_counter()
    with zecd.Server(clock="manual") as server:
        client = server.zec_client()
        client.DescribeInstancesStatus(models.DescribeInstancesStatusRequest())
        runs.append(time.perf_counter() - started)
median = statistics.median(runs) * 1000
print(f"zecd: fixture request to first answered call: median {median:.0f} ms "
      f"(runs: {', '.join(f'{r * 1000:.0f}' for r in runs)} ms; target under 300 ms)")
