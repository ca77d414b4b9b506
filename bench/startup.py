#!/usr/bin/env python3
"""Start-up of one raftlite node: seconds from process start to /readyz 200, CPU and memory then.

Starts bin/raftlite (with its default JVM settings) on a fresh data directory, polls /readyz every
50 ms, records the time, the CPU the process used (utime+stime) and its resident memory, stops it
by its PID (SIGTERM, then SIGKILL) and repeats; prints every start and the medians.

    python3 bench/startup.py                       # 5 starts
    python3 bench/startup.py --runs 10 --raftlite-jar /tmp/build/raftlite-0.1.0-SNAPSHOT.jar

The class-data archive that bin/raftlite makes on a jar's first start is made before the first
measured start (RAFTLITE_CDS=prepare), so every start measured is a normal one. Python 3 standard
library only.
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(REPO, "bin", "raftlite")


def ready(url):
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


def proc_cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="starts to measure (default 5)")
    ap.add_argument("--raftlite-jar", default="", help="jar to run (default: what bin/raftlite finds)")
    ap.add_argument("--http-port", type=int, default=19301)
    ap.add_argument("--raft-port", type=int, default=19302)
    ap.add_argument("--timeout", type=float, default=120.0, help="give up on a start after this many seconds")
    a = ap.parse_args()
    env = dict(os.environ)
    for k in ("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"):
        env.pop(k, None)  # default settings only
    if a.raftlite_jar:
        env["RAFTLITE_JAR"] = os.path.abspath(a.raftlite_jar)
    r = subprocess.run([LAUNCHER], env=dict(env, RAFTLITE_CDS="prepare"), capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"bin/raftlite could not prepare: {r.stderr[-500:]}")
    url = f"http://127.0.0.1:{a.http_port}"
    work = tempfile.mkdtemp(prefix="raftlite-startup-")
    rows = []
    for i in range(a.runs):  # a failed start leaves its log in the work directory
        data = os.path.join(work, f"n{i}")
        log = open(os.path.join(work, f"n{i}.log"), "wb")
        t0 = time.monotonic()
        proc = subprocess.Popen([LAUNCHER, "-node-id", "n1", "-http-addr", f"127.0.0.1:{a.http_port}",
                                 "-raft-addr", f"127.0.0.1:{a.raft_port}", data],
                                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        try:
            while not ready(url):
                if proc.poll() is not None:
                    sys.exit(f"start {i + 1}: the node exited with {proc.returncode}; see {work}/n{i}.log")
                if time.monotonic() - t0 > a.timeout:
                    sys.exit(f"start {i + 1}: not ready after {a.timeout:.0f}s; see {work}/n{i}.log")
                time.sleep(0.05)
            secs = time.monotonic() - t0
            rows.append((secs, proc_cpu_s(proc.pid), proc_rss_mib(proc.pid)))
            print(f"start {i + 1}: ready {secs:.2f} s, CPU {rows[-1][1]:.2f} s, RSS {rows[-1][2]:.0f} MiB", flush=True)
        finally:
            stop(proc)
    shutil.rmtree(work, ignore_errors=True)
    print(f"median of {len(rows)}: ready {statistics.median(r[0] for r in rows):.2f} s, "
          f"CPU {statistics.median(r[1] for r in rows):.2f} s, RSS {statistics.median(r[2] for r in rows):.0f} MiB")


if __name__ == "__main__":
    main()
