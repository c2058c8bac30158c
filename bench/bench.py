#!/usr/bin/env python3
"""Side-by-side FTP server benchmark: Ferry against vsftpd and Pure-FTPd on loopback (issue 6).

Started by bench/run.sh, which installs the tools, unpacks the anchors and builds Ferry and the
load client first. This script prepares one jailed user and a test tree per server, starts the
servers, runs every scenario round-robin across them (so that machine drift hits all alike),
and writes a markdown table of medians with Ferry's ratios and the targets, plus JSON with every
raw sample. Must run as root: vsftpd checks a system account through PAM and both anchors chroot.
"""

import argparse
import datetime
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
CACHE = os.path.join(BENCH, ".cache")
ANCHORS = os.path.join(CACHE, "root")
FERRY = os.path.join(CACHE, "ferry", "ferry")
CLIENT = os.path.join(CACHE, "client", "ferry-bench-client")
SYSTEM_USER = "ferrybench"
PASSWORD = "bench-" + secrets.token_hex(8)
PBKDF2_USER = "benchpbkdf2"
MIB = 1024 * 1024
GIB = 1024 * MIB
CGROUP_ROOT = "/sys/fs/cgroup/cpuacct"

# Ports: control ports fixed per server; passive ranges below the kernel's ephemeral range
# (32768-60999), so no client socket can take a port a server wants to listen on. Pure-FTPd
# lowers its -c limit to half its passive range ("so we don't run out of ports"), so it gets
# 21,000 ports to hold 10,000 idle sessions.
PORTS = {"ferry": 3210, "vsftpd": 3211, "pureftpd": 3212}
PASSIVE = {"ferry": (8000, 9999), "vsftpd": (6000, 7999), "pureftpd": (10000, 30999)}
# A second Ferry, only for the login storm: its verified-login cache off, so that it hashes every
# login as the anchors do (the first Ferry runs with its defaults, the cache on).
NO_CACHE_PORT, NO_CACHE_PASSIVE = 3213, (5000, 5999)
# Ferry variants (--ferry-variant): the same Ferry with some settings changed, run in every
# scenario beside the others, to price one feature (atomic uploads, upload checksums) in one run.
VARIANT_PORTS = [3214, 3215, 3216]
VARIANT_PASSIVE = [(4000, 4999), (3300, 3999), (2000, 2999)]
# Variant keys that are not Server settings ("Section:Key" names any other section).
TOP_LEVEL_SETTINGS = {"DataDir", "LogLevel", "RunAsUser"}
# A variant with Operations:Listen is scraped every second by one Prometheus the suite starts here.
PROMETHEUS_PORT = 3220


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(command, **kwargs):
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


class Server:
    """One server process tree, in its own cpuacct cgroup so exited session processes count too."""

    def __init__(self, name, label, user, port, command, cwd, env=None):
        self.name, self.label, self.user, self.port = name, label, user, port
        self.command, self.cwd, self.env = command, cwd, env
        self.process = None
        self.cgroup = None

    def start(self):
        if os.path.isdir(CGROUP_ROOT) and os.access(CGROUP_ROOT, os.W_OK):
            self.cgroup = os.path.join(CGROUP_ROOT, f"ferry-bench-{self.name}-{os.getpid()}")
            os.makedirs(self.cgroup, exist_ok=True)
        cgroup = self.cgroup

        def enter_cgroup():
            if cgroup:
                with open(os.path.join(cgroup, "cgroup.procs"), "w") as procs:
                    procs.write(str(os.getpid()))

        out = open(os.path.join(self.cwd, "server.log"), "w")
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=enter_cgroup)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start; see {self.cwd}/server.log")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    if probe.recv(64).startswith(b"220"):
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not greet on port {self.port} within 30 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        if self.cgroup:
            for _ in range(50):
                try:
                    os.rmdir(self.cgroup)
                    break
                except OSError:
                    time.sleep(0.1)

    def tree(self):
        """The server process and all its live descendants."""
        if self.cgroup:
            with open(os.path.join(self.cgroup, "cgroup.procs")) as procs:
                return [int(line) for line in procs if line.strip()]
        children = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as stat:
                        ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
                    children.setdefault(ppid, []).append(int(entry))
                except (OSError, IndexError, ValueError):
                    pass
        pids, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            todo.extend(children.get(pid, []))
        return pids

    def cpu_seconds(self):
        """User + system CPU of the whole tree so far, exited session processes included."""
        if self.cgroup:
            with open(os.path.join(self.cgroup, "cpuacct.usage")) as usage:
                return int(usage.read()) / 1e9
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.tree():
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
                total += sum(int(value) for value in fields[11:15])
            except OSError:
                pass
        return total / ticks

    def pss_kib(self):
        """Proportional set size summed over the tree: forked servers share pages, and PSS splits them fairly."""
        total = 0
        for pid in self.tree():
            try:
                with open(f"/proc/{pid}/smaps_rollup") as rollup:
                    for line in rollup:
                        if line.startswith("Pss:"):
                            total += int(line.split()[1])
                            break
            except OSError:
                pass
        return total


# ---------------------------------------------------------------------------------------- setup

def create_system_user(work, hashed):
    """vsftpd logs in system accounts through PAM: one throwaway account, removed at the end."""
    created = False
    try:
        run(["id", SYSTEM_USER])
    except subprocess.CalledProcessError:
        run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SYSTEM_USER])
        created = True
    run(["usermod", "--home", os.path.join(work, "vsftpd", "root"), SYSTEM_USER])
    subprocess.run(["chpasswd", "-e"], input=f"{SYSTEM_USER}:{hashed}\n", text=True, check=True)
    return created


def write_file(path, size, chunk=8 * MIB):
    with open(path, "wb") as out:
        left = size
        while left > 0:
            out.write(os.urandom(min(chunk, left)))
            left -= chunk


def prepare_files(work, servers, sizes, entries):
    """One copy of each test file, hard-linked into every root: one page-cached copy serves all."""
    shared = os.path.join(work, "files")
    os.makedirs(shared, exist_ok=True)
    for name, size in sizes.items():
        write_file(os.path.join(shared, name), size)
    for server in servers:
        root = os.path.join(work, server, "root")
        for name in sizes:
            os.link(os.path.join(shared, name), os.path.join(root, name))
        big = os.path.join(root, "dir10k")
        os.makedirs(big)
        for index in range(entries):
            with open(os.path.join(big, f"entry-{index:05d}.txt"), "wb") as out:
                out.write(b"x" * 100)
        os.makedirs(os.path.join(root, "small"))
    run(["chown", "-R", f"{SYSTEM_USER}:", shared] + [os.path.join(work, server) for server in servers])
    for name in sizes:  # warm the page cache
        with open(os.path.join(shared, name), "rb") as warm:
            while warm.read(8 * MIB):
                pass


def make_certificate(work):
    cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "7", "-subj", "/CN=127.0.0.1"])
    with open(os.path.join(work, "combined.pem"), "w") as combined:
        combined.write(open(cert).read() + open(key).read())
    os.chmod(os.path.join(work, "combined.pem"), 0o600)
    os.chmod(key, 0o640)
    run(["chgrp", SYSTEM_USER, key])
    return cert, key


def setup_vsftpd(work, cert, key):
    home = os.path.join(work, "vsftpd")
    os.makedirs(os.path.join(home, "empty"), exist_ok=True)
    with open("/etc/pam.d/ferry-bench-vsftpd", "w") as pam:
        # Only pam_unix against /etc/shadow: the hash is the cost, no session modules.
        pam.write("auth required pam_unix.so\naccount required pam_unix.so\n")
    low, high = PASSIVE["vsftpd"]
    conf = f"""listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port={PORTS['vsftpd']}
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
local_root={home}/root
chroot_local_user=YES
allow_writeable_chroot=YES
pasv_enable=YES
pasv_min_port={low}
pasv_max_port={high}
pasv_address=127.0.0.1
max_clients=0
max_per_ip=0
pam_service_name=ferry-bench-vsftpd
secure_chroot_dir={home}/empty
xferlog_enable=NO
dirmessage_enable=NO
seccomp_sandbox=NO
idle_session_timeout=3600
data_connection_timeout=600
ssl_enable=YES
allow_anon_ssl=NO
force_local_logins_ssl=NO
force_local_data_ssl=NO
ssl_sslv2=NO
ssl_sslv3=NO
ssl_tlsv1=NO
require_ssl_reuse=NO
rsa_cert_file={cert}
rsa_private_key_file={key}
"""
    path = os.path.join(home, "vsftpd.conf")
    with open(path, "w") as out:
        out.write(conf)
    return Server("vsftpd", "vsftpd", SYSTEM_USER, PORTS["vsftpd"],
                  [os.path.join(ANCHORS, "usr/sbin/vsftpd"), path], home)


def setup_pureftpd(work, hashed, max_sessions):
    home = os.path.join(work, "pureftpd")
    uid, gid = run(["id", "-u", SYSTEM_USER]).stdout.strip(), run(["id", "-g", SYSTEM_USER]).stdout.strip()
    passwd = os.path.join(home, "pureftpd.passwd")
    with open(passwd, "w") as out:
        # pureftpd.passwd: the same $6$ hash, verified by crypt(3); "/./" jails the user in root.
        out.write(f"bench:{hashed}:{uid}:{gid}::{home}/root/./::::::::::::\n")
    pdb = os.path.join(home, "pureftpd.pdb")
    run([os.path.join(ANCHORS, "usr/bin/pure-pw"), "mkdb", pdb, "-f", passwd])
    low, high = PASSIVE["pureftpd"]
    command = [os.path.join(ANCHORS, "usr/sbin/pure-ftpd"), "-S", f"127.0.0.1,{PORTS['pureftpd']}",
               "-l", f"puredb:{pdb}", "-p", f"{low}:{high}", "-P", "127.0.0.1", "-A", "-E", "-H",
               "-u", "1", "-c", str(max_sessions), "-C", str(max_sessions), "-I", "60",
               "-Y", "1", "-2", os.path.join(work, "combined.pem")]
    return Server("pureftpd", "Pure-FTPd", "bench", PORTS["pureftpd"], command, home)


def setup_ferry(work, hashed, cert, key, name="ferry", port=PORTS["ferry"], passive=PASSIVE["ferry"], login_cache=True,
                settings=None, label=None):
    """Ferry runs as the same unprivileged account that owns the files (setpriv), one process for all sessions."""
    home = os.path.join(work, name)
    data = os.path.join(home, "data")
    os.makedirs(data, exist_ok=True)
    os.makedirs(os.path.join(home, "root"), exist_ok=True)
    low, high = passive
    config = {
        "DataDir": data,
        "LogLevel": "Warning",
        "Server": {
            "ListenAddress": "127.0.0.1", "Port": port, "PassivePorts": f"{low}-{high}",
            "MaxSessions": 0, "MaxSessionsPerAddress": 0, "BanFailedLogins": 0,
            "MaxUnauthenticatedSessionsPerAddress": 0, "MaxPassiveListenersPerAddress": 0,
            "MaxLoginChecksPerAddress": 0,
            "RequireTls": "Optional", "RequireDataTls": "Optional",
            "CertificateFile": cert, "CertificateKeyFile": key,
            "IdleTimeout": "01:00:00", "LoginTimeout": "00:10:00",
        },
    }
    for setting, value in (settings or {}).items():
        # "Operations:Listen" goes into its section, "LogLevel" (a top-level key) to the top, the rest under "Server".
        if ":" in setting:
            section, _, key_in_section = setting.partition(":")
            config.setdefault(section, {})[key_in_section] = value
        elif setting in TOP_LEVEL_SETTINGS:
            config[setting] = value
        else:
            config["Server"][setting] = value
    if not login_cache:
        # Every login hashed, as the anchors (which have no such cache) do: docs/benchmarks.md.
        config["Server"]["VerifiedLoginCacheTime"] = "00:00:00"
    path = os.path.join(home, "ferry.json")
    with open(path, "w") as out:
        json.dump(config, out, indent=2)
    users = os.path.join(home, "users.txt")
    with open(users, "w") as out:
        out.write(f"bench:{hashed}:{home}/root\n")
    run(["chown", "-R", f"{SYSTEM_USER}:", home])
    as_user = ["setpriv", "--reuid", SYSTEM_USER, "--regid", SYSTEM_USER, "--init-groups"]
    run(as_user + [FERRY, "user", "import", users, "--config", path], cwd=home)
    subprocess.run(as_user + [FERRY, "user", "add", PBKDF2_USER, "--home", f"{home}/root", "--password-stdin",
                              "--config", path], cwd=home, input=PASSWORD + "\n", text=True, check=True,
                   capture_output=True)
    label = label or ("Ferry" if login_cache else "Ferry (login cache off)")
    return Server(name, label, "bench", port, as_user + [FERRY, "serve", "--config", path], home)


# ------------------------------------------------------------------------------------ scenarios

def client(server, scenario, *options, user=None, timeout=900):
    command = [CLIENT, scenario, "--port", str(server.port), "--user", user or server.user, "--password", PASSWORD]
    command += [str(option) for option in options]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"error": (result.stderr or result.stdout).strip()[-300:]}
    return json.loads(lines[-1])


def curl(server, direction, tls, remote, local_file):
    url = f"ftp://127.0.0.1:{server.port}/{remote}"
    command = ["curl", "-s", "-S", "--user", f"{server.user}:{PASSWORD}", "-w", "%{speed_download} %{speed_upload} %{size_download} %{size_upload}"]
    if tls:
        command += ["--ssl-reqd", "-k"]
    command += ["-o", "/dev/null", url] if direction == "retr" else ["-T", local_file, url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        return {"error": result.stderr.strip()[-200:]}
    down, up, size_down, size_up = (float(value) for value in result.stdout.split())
    return {"mb_s": (down if direction == "retr" else up) / 1e6, "bytes": size_down if direction == "retr" else size_up}


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(server, action):
    """Runs one scenario and adds the CPU seconds it cost the server tree and the clients (curl or
    ferry-bench-client, to show they are not the bottleneck). The dirty pages an earlier upload
    left are written back first (sync), so that writeback and its throttling do not land on
    whichever server happens to run next."""
    os.sync()
    before, client_before = server.cpu_seconds(), children_cpu()
    result = action()
    result["server_cpu_s"] = server.cpu_seconds() - before
    result["client_cpu_s"] = children_cpu() - client_before
    return result


def scenario_list(args, work):
    big = os.path.join(work, "files", "big.bin")
    q = args.quick
    many = 20 if q else 100
    storm = 3 if q else 10
    # Idle sessions first, each on a freshly started server: a garbage-collected heap grown by
    # earlier transfers would otherwise shrink under the measurement and hide the sessions' cost.
    scenarios = [("idle_1000", lambda s: idle(s, 1000))]
    if not q and not args.skip_10k:
        scenarios.append(("idle_10000", lambda s: idle(s, 10000)))
    scenarios += [
        ("retr_plain", lambda s: measured(s, lambda: curl(s, "retr", False, "big.bin", None))),
        ("stor_plain", lambda s: measured(s, lambda: curl(s, "stor", False, "up-big.bin", big))),
    ]
    if not q:
        scenarios += [
            ("retr_tls", lambda s: measured(s, lambda: curl(s, "retr", True, "big.bin", None))),
            ("stor_tls", lambda s: measured(s, lambda: curl(s, "stor", True, "up-big-tls.bin", big))),
        ]
    scenarios += [
        ("many_retr", lambda s: measured(s, lambda: client(s, "transfer", "--op", "retr", "--clients", many, "--path", "f10m.bin", "--size", 10 * MIB))),
        ("many_stor", lambda s: measured(s, lambda: client(s, "transfer", "--op", "stor", "--clients", many, "--path", "up10m", "--size", 10 * MIB))),
        ("login_storm", lambda s: measured(s, lambda: client(s, "logins", "--workers", 50, "--seconds", storm))),
        ("list", lambda s: measured(s, lambda: client(s, "listing", "--verb", "LIST", "--path", "dir10k", "--repeat", 3))),
        ("mlsd", lambda s: measured(s, lambda: client(s, "listing", "--verb", "MLSD", "--path", "dir10k", "--repeat", 3))),
        ("small_files", lambda s: measured(s, lambda: client(s, "smallfiles", "--folder", "small", "--count", 200 if q else 1000, "--size", 4096))),
    ]
    if args.scenarios:
        wanted = set(args.scenarios.split(","))
        scenarios = [scenario for scenario in scenarios if scenario[0] in wanted]
    return scenarios


def idle(server, sessions):
    """Holds N logged-in sessions; memory per session is the tree's PSS growth over its idle baseline."""
    server.stop()
    server.start()
    time.sleep(1)
    baseline = server.pss_kib()
    command = [CLIENT, "idle", "--port", str(server.port), "--user", server.user, "--password", PASSWORD,
               "--sessions", str(sessions), "--limit-seconds", "600"]
    holder = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    first = holder.stdout.readline()
    opened = json.loads(first).get("opened", 0) if first.startswith("{") else 0
    time.sleep(2)  # let forked servers finish their per-session setup
    held_pss = server.pss_kib()
    processes = len(server.tree())
    holder.stdin.write("check\n")
    holder.stdin.flush()
    final = holder.stdout.readline()
    holder.wait(120)
    result = json.loads(final) if final.startswith("{") else {"error": first + final}
    result.update({"baseline_pss_kib": baseline, "held_pss_kib": held_pss, "processes": processes,
                   "kib_per_session": (held_pss - baseline) / opened if opened else None})
    return result


# ------------------------------------------------------------------------------- machine limits

def machine_limits(args, work):
    limits = {}
    seconds = 2 if args.quick else 5
    if shutil.which("iperf3"):
        port = "5299"
        iperf = subprocess.Popen(["iperf3", "-s", "-1", "-B", "127.0.0.1", "-p", port], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        try:
            out = run(["iperf3", "-c", "127.0.0.1", "-p", port, "-t", str(seconds), "-J"]).stdout
            limits["iperf3_mb_s"] = json.loads(out)["end"]["sum_received"]["bits_per_second"] / 8 / 1e6
        finally:
            iperf.wait(10)
    big = os.path.join(work, "files", "big.bin")
    started = time.monotonic()
    run(["dd", f"if={big}", "of=/dev/null", "bs=1M"])
    limits["cached_read_mb_s"] = os.path.getsize(big) / 1e6 / (time.monotonic() - started)
    out = run(["openssl", "speed", "-evp", "aes-256-gcm", "-bytes", "16384", "-seconds", "1" if args.quick else "3"]).stdout
    for line in out.splitlines():
        if line.lower().startswith("aes-256-gcm"):
            # The table gives 1000s of bytes per second.
            limits["aes_256_gcm_16k_mb_s"] = float(line.split()[-1].rstrip("k")) * 1000 / 1e6
    return limits


# ------------------------------------------------------------------------------------- report

# (key, label, how to pull the value from one sample, higher is better)
METRICS = [
    ("retr_plain", "RETR plain, MB/s", lambda r: r.get("mb_s"), True),
    ("stor_plain", "STOR plain, MB/s", lambda r: r.get("mb_s"), True),
    ("retr_tls", "RETR FTPS (PROT P), MB/s", lambda r: r.get("mb_s"), True),
    ("stor_tls", "STOR FTPS (PROT P), MB/s", lambda r: r.get("mb_s"), True),
    ("many_retr", "N×10 MiB RETR aggregate, MB/s", lambda r: r.get("aggregate_mb_s") if r.get("completed") == r.get("clients") else None, True),
    ("many_retr_p99", "N×10 MiB RETR p99, s", lambda r: r.get("p99_s") if r.get("completed") == r.get("clients") else None, False),
    ("many_stor", "N×10 MiB STOR aggregate, MB/s", lambda r: r.get("aggregate_mb_s") if r.get("completed") == r.get("clients") else None, True),
    ("many_stor_p99", "N×10 MiB STOR p99, s", lambda r: r.get("p99_s") if r.get("completed") == r.get("clients") else None, False),
    ("login_storm", "login storm, sessions/s", lambda r: r.get("sessions_per_s") if r.get("logins") else None, True),
    ("login_cpu_ms", "server CPU per login, ms", lambda r: 1000 * r["server_cpu_s"] / r["logins"] if r.get("logins") else None, False),
    ("idle_1000", "1,000 idle: KiB per session", lambda r: r.get("kib_per_session"), False),
    ("idle_1000_held", "1,000 idle: sessions held", lambda r: r.get("held"), True),
    ("idle_10000", "10,000 idle: KiB per session", lambda r: r.get("kib_per_session"), False),
    ("idle_10000_held", "10,000 idle: sessions held", lambda r: r.get("held"), True),
    ("list", "LIST 10,000 entries, ms", lambda r: r.get("median_ms"), False),
    ("mlsd", "MLSD 10,000 entries, ms", lambda r: r.get("median_ms"), False),
    ("small_files", "4 KiB files STOR+RETR, files/s", lambda r: r.get("files_per_s"), True),
    ("many_retr_cpu", "N×10 MiB RETR, server CPU s", lambda r: r.get("server_cpu_s") if r.get("completed") == r.get("clients") else None, False),
    ("many_stor_cpu", "N×10 MiB STOR, server CPU s", lambda r: r.get("server_cpu_s") if r.get("completed") == r.get("clients") else None, False),
    ("small_files_cpu", "4 KiB files STOR+RETR, server CPU s", lambda r: r.get("server_cpu_s"), False),
    ("cpu_per_gib", "server CPU s per GiB (plain RETR+STOR)", None, False),
]

SOURCE = {"many_retr_p99": "many_retr", "many_stor_p99": "many_stor", "login_cpu_ms": "login_storm",
          "many_retr_cpu": "many_retr", "many_stor_cpu": "many_stor", "small_files_cpu": "small_files",
          "idle_1000_held": "idle_1000", "idle_10000_held": "idle_10000"}


def medians(samples):
    table = {}
    for key, _, pull, _ in METRICS:
        table[key] = {}
        for server, runs in samples.items():
            if key == "cpu_per_gib":
                values = []
                for retr, stor in zip(runs.get("retr_plain", []), runs.get("stor_plain", [])):
                    if "mb_s" in retr and "mb_s" in stor:
                        values.append((retr["server_cpu_s"] + stor["server_cpu_s"]) / ((retr["bytes"] + stor["bytes"]) / GIB))
            else:
                values = [pull(sample) for sample in runs.get(SOURCE.get(key, key), [])]
                values = [value for value in values if value is not None]
            table[key][server] = statistics.median(values) if values else None
    return table


def targets(table, anchors, limits):
    """Issue 6's targets, each (text, met or not or None when a value is missing)."""
    def best(key, higher=True):
        values = [table[key].get(anchor) for anchor in anchors if table[key].get(anchor) is not None]
        return (max(values) if higher else min(values)) if values else None

    def ratio_check(key, reference, factor, higher=True):
        ferry = table[key].get("ferry")
        if ferry is None or reference is None:
            return None
        return ferry >= factor * reference if higher else ferry <= factor * reference

    vsftpd = lambda key: table[key].get("vsftpd")  # noqa: E731
    checks = {
        "retr_plain": ("≥ 1.0× vsftpd, ≥ 90% of iperf3", all_of(ratio_check("retr_plain", vsftpd("retr_plain"), 1.0),
                                                              ratio_check("retr_plain", limits.get("iperf3_mb_s"), 0.9))),
        "stor_plain": ("≥ 1.0× best anchor", ratio_check("stor_plain", best("stor_plain"), 1.0)),
        "retr_tls": ("≥ 1.2× best anchor", ratio_check("retr_tls", best("retr_tls"), 1.2)),
        "stor_tls": ("≥ 1.2× best anchor", ratio_check("stor_tls", best("stor_tls"), 1.2)),
        "many_retr": ("≥ 1.0× best anchor", ratio_check("many_retr", best("many_retr"), 1.0)),
        "many_retr_p99": ("≤ best anchor", ratio_check("many_retr_p99", best("many_retr_p99", False), 1.0, False)),
        "many_stor": ("≥ 1.0× best anchor", ratio_check("many_stor", best("many_stor"), 1.0)),
        "many_stor_p99": ("≤ best anchor", ratio_check("many_stor_p99", best("many_stor_p99", False), 1.0, False)),
        "login_storm": ("≥ 5× vsftpd", ratio_check("login_storm", vsftpd("login_storm"), 5.0)),
        "idle_1000": ("≤ 1/20 of vsftpd", ratio_check("idle_1000", vsftpd("idle_1000"), 0.05, False)),
        "idle_10000": ("≤ 1/20 of vsftpd", ratio_check("idle_10000", vsftpd("idle_10000"), 0.05, False)),
        "idle_10000_held": ("10,000 held", None if table["idle_10000_held"].get("ferry") is None else table["idle_10000_held"]["ferry"] >= 10000),
        "list": ("≤ 0.5× best anchor", ratio_check("list", best("list", False), 0.5, False)),
        "mlsd": ("≤ 0.5× best anchor", ratio_check("mlsd", best("mlsd", False), 0.5, False)),
        "small_files": ("≥ 1.0× best anchor", ratio_check("small_files", best("small_files"), 1.0)),
        "cpu_per_gib": ("≤ vsftpd", ratio_check("cpu_per_gib", vsftpd("cpu_per_gib"), 1.0, False)),
    }
    return checks


def all_of(*values):
    return None if any(value is None for value in values) else all(values)


def number(value):
    if value is None:
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"


def render(table, servers, labels, limits, checks, meta):
    anchors = [server for server in servers if not server.startswith("ferry")]
    head = ["scenario"] + [labels[server] for server in servers]
    if "ferry" in servers:
        head += [f"Ferry / {labels[anchor]}" for anchor in anchors] + ["target", "met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, label, _, _ in METRICS:
        row = table.get(key, {})
        if all(row.get(server) is None for server in servers):
            continue
        cells = [label] + [number(row.get(server)) for server in servers]
        if "ferry" in servers:
            for anchor in anchors:
                ferry, other = row.get("ferry"), row.get(anchor)
                cells.append(f"{ferry / other:.2f}×" if ferry is not None and other else "n/a")
            text, met = checks.get(key, ("", None))
            cells += [text, "" if not text else ("met" if met else "n/a" if met is None else "**missed**")]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Machine limits in the same run: " + ", ".join(f"{key} {number(value)}" for key, value in limits.items()))
    lines.append("")
    lines.append(f"Rounds: {meta['rounds']}, mode: {'quick' if meta['quick'] else 'full'}, N (concurrent clients) = {meta['many']}, "
                 f"big file {meta['big_mib']} MiB, date {meta['date']}.")
    return "\n".join(lines) + "\n"


def machine_description():
    def read(command):
        try:
            return run(command).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "?"
    memory = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
    model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return {
        "cpu": model, "cores": os.cpu_count(), "memory_gib": round(int(memory) / MIB, 1),
        "kernel": platform.release(), "dotnet": read(["dotnet", "--version"]),
        "vsftpd": read(["dpkg-deb", "-f", *sorted_debs("vsftpd"), "Version"]),
        "pure_ftpd": read(["dpkg-deb", "-f", *sorted_debs("pure-ftpd"), "Version"]),
        "curl": read(["curl", "--version"]).splitlines()[0] if shutil.which("curl") else "?",
        "openssl": read(["openssl", "version"]),
    }


def sorted_debs(package):
    folder = os.path.join(CACHE, "debs")
    debs = sorted(name for name in os.listdir(folder) if name.startswith(package + "_")) if os.path.isdir(folder) else []
    return [os.path.join(folder, debs[-1])] if debs else ["/nonexistent"]


# ---------------------------------------------------------------------------------------- main

class Prometheus:
    """Prometheus (Debian's package) scraping the variants' /metrics every second, as a monitored server is."""

    def __init__(self, work, targets):
        self.folder = os.path.join(work, "prometheus")
        os.makedirs(self.folder, exist_ok=True)
        self.targets = targets
        self.process = None

    def start(self):
        config = os.path.join(self.folder, "prometheus.yml")
        with open(config, "w") as out:
            out.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: ferry\n"
                      f"    static_configs:\n      - targets: {json.dumps(self.targets)}\n")
        self.process = subprocess.Popen(
            ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={self.folder}/data",
             f"--web.listen-address=127.0.0.1:{PROMETHEUS_PORT}"],
            stdout=open(os.path.join(self.folder, "prometheus.log"), "w"), stderr=subprocess.STDOUT, start_new_session=True)
        # The first scrape comes 5-6 s after start (shared/ENGINES.md): wait for it, so every round is scraped.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                query = f"http://127.0.0.1:{PROMETHEUS_PORT}/api/v1/query?query=up"
                with urllib.request.urlopen(query, timeout=2) as response:
                    result = json.load(response)["data"]["result"]
                if len(result) == len(self.targets) and all(sample["value"][1] == "1" for sample in result):
                    return
            except (OSError, ValueError, KeyError):
                pass
            time.sleep(0.5)
        raise RuntimeError(f"prometheus did not scrape {self.targets} within 30 s; see {self.folder}/prometheus.log")

    def scrapes(self):
        """How many scrapes of each target succeeded so far (proof the variant was scraped throughout)."""
        query = "count_over_time(up[1h])"
        with urllib.request.urlopen(f"http://127.0.0.1:{PROMETHEUS_PORT}/api/v1/query?query={query}", timeout=5) as response:
            return {sample["metric"]["instance"]: int(float(sample["value"][1])) for sample in json.load(response)["data"]["result"]}

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(10)


def parse_variant(text):
    """"inplace:AtomicUploads=false" -> ("ferry_inplace", {"AtomicUploads": False}); values are JSON when they parse.
    A key may name another section ("Operations:Listen=127.0.0.1:9131") or a top-level key ("LogLevel=Information")."""
    name, _, pairs = text.partition(":")
    if not name.isidentifier() or not pairs:
        sys.exit(f"bench: --ferry-variant {text!r}: expected NAME:KEY=VALUE[,KEY=VALUE]")
    settings = {}
    for pair in pairs.split(","):
        key, _, value = pair.partition("=")
        try:
            settings[key] = json.loads(value)
        except json.JSONDecodeError:
            settings[key] = value
    return "ferry_" + name, settings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a subset that runs in under 2 minutes")
    parser.add_argument("--servers", default="ferry,vsftpd,pureftpd")
    parser.add_argument("--out", default=os.path.join(BENCH, "results"))
    parser.add_argument("--rounds", type=int, default=None, help="rounds per scenario (default 3, quick 1)")
    parser.add_argument("--big-mib", type=int, default=None, help="single-stream file size (default 1024, quick 256)")
    parser.add_argument("--skip-10k", action="store_true", help="leave out the 10,000 idle sessions")
    parser.add_argument("--scenarios", default=None, help="comma-separated subset, e.g. retr_plain,login_storm")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument("--ferry-variant", action="append", default=[], metavar="NAME:KEY=VALUE[,KEY=VALUE]",
                        help="also run Ferry with these Server settings changed, as server ferry_NAME (at most 3)")
    args = parser.parse_args()
    # A SIGTERM (or Ctrl-C) still stops the servers, removes the account and the temp folder.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if os.geteuid() != 0:
        sys.exit("bench: run as root (vsftpd needs PAM and chroot); bench/run.sh does the rest")
    rounds = args.rounds or (1 if args.quick else 3)
    big_mib = args.big_mib or (256 if args.quick else 1024)
    names = [name.strip() for name in args.servers.split(",") if name.strip()]
    unknown = set(names) - set(PORTS)
    if unknown:
        sys.exit(f"bench: unknown servers {sorted(unknown)}; choose from {sorted(PORTS)}")
    variants = [parse_variant(text) for text in args.ferry_variant]
    if len(variants) > len(VARIANT_PORTS):
        sys.exit(f"bench: at most {len(VARIANT_PORTS)} --ferry-variant")
    names += [name for name, _ in variants]

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sessions_needed = 1000 if args.quick or args.skip_10k else 10000
    if hard < sessions_needed + 1000:
        log(f"warning: open-file limit {hard} is below what {sessions_needed} idle sessions need")

    work = tempfile.mkdtemp(prefix="ferry-bench-")
    os.chmod(work, 0o755)
    for name in names:
        os.makedirs(os.path.join(work, name, "root"))
    hashed = run(["openssl", "passwd", "-6", "-salt", secrets.token_hex(8), PASSWORD]).stdout.strip()
    log(f"work folder {work}; SHA-512 crypt at 5,000 rounds (glibc's default) for every server")
    created_user = create_system_user(work, hashed)
    servers, no_cache, prometheus = [], None, None
    try:
        cert, key = make_certificate(work)
        log(f"writing test files ({big_mib} MiB, 10 MiB, 10,000-entry folder per server)")
        prepare_files(work, names, {"big.bin": big_mib * MIB, "f10m.bin": 10 * MIB}, 10000)
        setups = {"ferry": lambda: setup_ferry(work, hashed, cert, key),
                  "vsftpd": lambda: setup_vsftpd(work, cert, key),
                  "pureftpd": lambda: setup_pureftpd(work, hashed, 20000)}
        for index, (name, settings) in enumerate(variants):
            setups[name] = (lambda index=index, name=name, settings=settings: setup_ferry(
                work, hashed, cert, key, name, VARIANT_PORTS[index], VARIANT_PASSIVE[index], settings=settings,
                label="Ferry (" + ", ".join(f"{k}={v}" for k, v in settings.items()) + ")"))
        servers = [setups[name]() for name in names]
        for server in servers:
            server.start()
            log(f"{server.name} up on 127.0.0.1:{server.port}")
        scraped = [settings["Operations:Listen"] for _, settings in variants if "Operations:Listen" in settings]
        if scraped:
            if not shutil.which("prometheus"):
                sys.exit("bench: a variant sets Operations:Listen, but prometheus is not installed (apt-get install prometheus)")
            prometheus = Prometheus(work, scraped)
            prometheus.start()
            log(f"prometheus scraping {scraped} every second")

        limits = machine_limits(args, work)
        log(f"machine limits: {limits}")
        samples = {server.name: {} for server in servers}
        labels = {server.name: server.label for server in servers}
        ferry = next((server for server in servers if server.name == "ferry"), None)
        if ferry:
            samples["ferry_pbkdf2"] = {}
            labels["ferry_pbkdf2"] = "Ferry (PBKDF2 default)"
            if any(key == "login_storm" for key, _ in scenario_list(args, work)):
                no_cache = setup_ferry(work, hashed, cert, key, "ferry_nocache", NO_CACHE_PORT, NO_CACHE_PASSIVE, login_cache=False)
                no_cache.start()
                samples[no_cache.name], labels[no_cache.name] = {}, no_cache.label
        scenarios = scenario_list(args, work)
        for round_index in range(rounds):
            for key, action in scenarios:
                if key.startswith("idle_") and round_index > 0:
                    continue  # minutes each at 10,000 sessions, and steady: one round
                # Rotate the order each round so that no server always runs first after a pause.
                order = servers[round_index % len(servers):] + servers[:round_index % len(servers)]
                for server in order:
                    started = time.monotonic()
                    result = action(server)
                    result["seconds"] = time.monotonic() - started
                    samples[server.name].setdefault(key, []).append(result)
                    log(f"round {round_index + 1} {key} {server.name}: " + json.dumps({k: v for k, v in result.items() if not isinstance(v, list)})[:300])
                if key == "login_storm" and ferry:
                    result = measured(ferry, lambda: client(ferry, "logins", "--workers", 50, "--seconds", 3 if args.quick else 10, user=PBKDF2_USER))
                    samples["ferry_pbkdf2"].setdefault(key, []).append(result)
                    log(f"round {round_index + 1} login_storm ferry (PBKDF2): {json.dumps(result)[:300]}")
                if key == "login_storm" and no_cache:
                    result = measured(no_cache, lambda: client(no_cache, "logins", "--workers", 50, "--seconds", 3 if args.quick else 10))
                    samples[no_cache.name].setdefault(key, []).append(result)
                    log(f"round {round_index + 1} login_storm ferry (cache off): {json.dumps(result)[:300]}")

        if prometheus:
            log(f"prometheus scrapes so far: {prometheus.scrapes()}")
        table = medians(samples)
        columns = [server.name for server in servers] + (["ferry_pbkdf2"] if ferry else []) + ([no_cache.name] if no_cache else [])
        anchors = [server.name for server in servers if not server.name.startswith("ferry")]
        checks = targets(table, anchors, limits) if ferry else {}
        meta = {"rounds": rounds, "quick": args.quick, "many": 20 if args.quick else 100, "big_mib": big_mib,
                "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
        markdown = render(table, columns, labels, limits, checks, meta)
        os.makedirs(args.out, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        with open(os.path.join(args.out, f"bench-{stamp}.md"), "w") as out:
            out.write(markdown)
        with open(os.path.join(args.out, f"bench-{stamp}.json"), "w") as out:
            json.dump({"meta": meta, "machine": machine_description(), "limits": limits, "medians": table,
                       "targets": {key: {"target": text, "met": met} for key, (text, met) in checks.items()},
                       "samples": samples}, out, indent=1)
        print(markdown)
        log(f"written {args.out}/bench-{stamp}.md and .json")
    finally:
        if prometheus:
            prometheus.stop()
        for server in servers + ([no_cache] if no_cache else []):
            server.stop()
        if os.path.exists("/etc/pam.d/ferry-bench-vsftpd"):
            os.remove("/etc/pam.d/ferry-bench-vsftpd")
        if created_user:
            subprocess.run(["userdel", SYSTEM_USER], capture_output=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
