"""Run one command and report its wall time and exact peak RSS (stdlib only).

    python bench/_measure.py REPORT.json -- COMMAND ...

A small process of its own, so that the measured command's ``ru_maxrss`` is its own: Linux
carries the peak RSS of the process that forks into the child's figure, and the harness
that calls this is much bigger than this wrapper. stdout and stderr are inherited; the
command's exit code is in the report and is this wrapper's exit code.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> int:
    report, sep, *cmd = argv
    if sep != "--" or not cmd:
        print("usage: _measure.py REPORT.json -- COMMAND ...", file=sys.stderr)
        return 2
    started = time.perf_counter()
    pid = os.posix_spawnp(cmd[0], cmd, os.environ)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    with open(report, "w", encoding="utf-8") as fh:
        # ru_maxrss (KiB): the largest of the command and every descendant it waited for.
        # CPU seconds: the command and every descendant it waited for (its workers).
        cpu = usage.ru_utime + usage.ru_stime
        json.dump({"wall": wall, "returncode": code, "maxrss_kb": usage.ru_maxrss, "cpu": cpu}, fh)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
