"""Runs one command and reports what it cost, for `npm run bench`'s whole-process comparisons.

usage: rusage.py OUT -- COMMAND [ARG ...]

The command's stdout goes to the file OUT; printed on stdout as JSON: its wall time, its CPU time (user + system, of
the command and everything it waited for) and its peak resident memory, from getrusage(RUSAGE_CHILDREN).
"""
import json
import resource
import subprocess
import sys
import time

out, command = sys.argv[1], sys.argv[3:]
with open(out, 'wb') as f:
    t0 = time.perf_counter()
    status = subprocess.run(command, stdout=f).returncode
    wall = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({'status': status, 'wallMs': wall * 1e3, 'cpuMs': (usage.ru_utime + usage.ru_stime) * 1e3,
                  'maxRssMiB': usage.ru_maxrss / 1024}))
