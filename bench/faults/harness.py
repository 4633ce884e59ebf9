"""Shared parts of the fault runs in bench/faults/: the console and the Flink sandbox as child processes on 127.0.0.1,
a small API client, memory figures. Python 3 standard library only.

Every process a run starts is registered here and stopped by stop_all() (SIGTERM, then SIGKILL), which the runs call
in a finally block; only those processes are ever signalled.
"""
import glob
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONSOLE_JAR = os.environ.get("BENCH_JAR", os.path.join(ROOT, "backend", "target", "cdc-console.jar"))
SANDBOX_JAR = os.environ.get("BENCH_SANDBOX_JAR", os.path.join(ROOT, "flink", "sandbox", "target", "flink-sandbox.jar"))
# java.io.tmpdir of the console, kept between runs: the embedded PostgreSQL's binaries are unpacked there once
CACHE = os.environ.get("BENCH_CACHE", "/tmp/cdc-fleet-cache")

_children = []

# SIGTERM (timeout(1), a kill of the run) ends the run through its finally blocks, so its children are stopped too
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def log(tag, msg):
    print("[%s %s] %s" % (tag, time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def alive(proc):
    return proc is not None and proc.poll() is None


def stop(proc, grace=20):
    if not alive(proc):
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def stop_all():
    for proc in reversed(_children):
        try:
            stop(proc)
        except Exception as e:  # keep stopping the others
            print("could not stop %s: %s" % (proc.pid, e), file=sys.stderr)


def keep_logs(work, out):
    """Copies the run's logs out of its work directory (when asked to), then removes the directory."""
    if out:
        os.makedirs(out, exist_ok=True)
        for name in os.listdir(work):
            if name.endswith(".log"):
                shutil.copy(os.path.join(work, name), out)
    shutil.rmtree(work, ignore_errors=True)


def spawn(args, logfile, env=None):
    out = open(logfile, "ab")
    proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    _children.append(proc)
    return proc


class Api:
    """Requests to the console's /api/v1 on one keep-alive connection (re-opened after an error)."""

    def __init__(self, base, token=None, timeout=60):
        u = urllib.parse.urlparse(base)
        self.host, self.port, self.timeout, self.token = u.hostname, u.port, timeout, token
        self.conn = None

    def raw(self, method, path, body=None, headers=None):
        """(status, headers dict, body bytes); path is taken as is (already encoded). A kept-alive connection the
        server closed meanwhile (after a 4xx it answered with "Connection: close" unread, say) is retried once on a
        new one, as any HTTP client does; a request the server never answers on a fresh connection raises."""
        reused = self.conn is not None
        try:
            return self._raw(method, path, body, headers)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            if not reused:
                raise
            return self._raw(method, path, body, headers)

    def _raw(self, method, path, body, headers):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.putrequest(method, path, skip_accept_encoding=True)
            hs = dict(headers or {})
            if body is not None and not any(k.lower() == "content-length" for k in hs):
                hs["Content-Length"] = str(len(body))
            for k, v in hs.items():
                self.conn.putheader(k, v)
            self.conn.endheaders(body)
            resp = self.conn.getresponse()
            data = resp.read()
            if resp.getheader("Connection", "").lower() == "close":
                self.close()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        except Exception:
            self.close()
            raise

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def call(self, method, path, body=None, ok=(200, 201, 202, 204), headers=None):
        hs = {"Accept": "application/json"}
        if body is not None:
            hs["Content-Type"] = "application/json"
        if self.token:
            hs["Authorization"] = "Bearer " + self.token
        hs.update(headers or {})
        status, _, data = self.raw(method, "/api/v1" + path, None if body is None else json.dumps(body).encode(), hs)
        if ok and status not in ok:
            raise RuntimeError("%s %s -> %d %s" % (method, path, status, data[:300]))
        return json.loads(data) if data else None

    def status(self, method, path, body=None):
        """The status alone (no raise)."""
        hs = {"Content-Type": "application/json"} if body is not None else {}
        if self.token:
            hs["Authorization"] = "Bearer " + self.token
        status, _, _ = self.raw(method, "/api/v1" + path, None if body is None else json.dumps(body).encode(), hs)
        return status


class Console:
    """The built console jar with a home of its own (embedded PostgreSQL unless db_url), on a free loopback port."""

    def __init__(self, workdir, password, env=None, tag="console"):
        self.home = os.path.join(workdir, "home")
        os.makedirs(self.home, exist_ok=True)
        os.makedirs(CACHE, exist_ok=True)
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.password = password
        self.logfile = os.path.join(workdir, tag + ".log")
        self.extra_env = dict(env or {})
        self.proc = None
        self.starts = 0

    def start(self, wait=True, timeout=300):
        env = dict(os.environ)
        env.update({"CDC_CONSOLE_HOME": self.home, "CDC_CONSOLE_HTTP_HOST": "127.0.0.1",
                    "CDC_CONSOLE_HTTP_PORT": str(self.port), "CDC_CONSOLE_ADMIN_PASSWORD": self.password,
                    "CDC_CONSOLE_URL": self.base})
        env.update(self.extra_env)
        opts = os.environ.get("BENCH_JAVA_OPTS", "").split()
        with open(self.logfile, "ab") as f:
            f.write(b"\n==== start %d ====\n" % self.starts)
        self.proc = spawn(["java", *opts, "-Djava.io.tmpdir=" + CACHE, "-jar", CONSOLE_JAR], self.logfile, env)
        self.starts += 1
        if wait:
            self.wait_ready(timeout)
        return self

    def ready(self):
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            c.request("GET", "/ready")
            status = c.getresponse().status
            c.close()
            return status == 200
        except OSError:
            return False

    def wait_ready(self, timeout=300):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not alive(self.proc):
                raise RuntimeError("the console died (exit %s); see %s" % (self.proc.returncode, self.logfile))
            if self.ready():
                return
            time.sleep(0.25)
        raise RuntimeError("the console was not ready after %d s" % timeout)

    def kill(self):
        """SIGKILL, as a crash: nothing runs after it."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def terminate(self):
        stop(self.proc, 60)

    def api(self, token=None):
        return Api(self.base, token)

    def login(self, username="admin", password=None):
        return Api(self.base).call("POST", "/auth/login",
                                   {"username": username, "password": password or self.password})["token"]

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def heap_after_gc_kb(self):
        """Heap in use right after a full GC (jcmd GC.run then GC.heap_info), in KiB."""
        subprocess.run(["jcmd", str(self.proc.pid), "GC.run"], capture_output=True, timeout=120)
        out = subprocess.run(["jcmd", str(self.proc.pid), "GC.heap_info"], capture_output=True, text=True,
                             timeout=120).stdout
        for line in out.splitlines():
            line = line.strip()
            # G1: "garbage-first heap   total 262144K, used 45678K [...]"
            if " heap " in line and "used" in line:
                return int(line.split("used")[1].split("K")[0].strip())
        return -1

    def log_text(self):
        with open(self.logfile, errors="replace") as f:
            return f.read()


class Sandbox:
    """The Flink sandbox (flink/sandbox) on a free loopback port, with a work dir of its own."""

    def __init__(self, workdir, port=None, tag="sandbox"):
        self.workdir = os.path.join(workdir, tag + "-work")
        self.logfile = os.path.join(workdir, tag + ".log")
        self.port = port or free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.proc = None

    def start(self, timeout=300):
        opts = os.environ.get("BENCH_SANDBOX_JAVA_OPTS", "").split()
        self.proc = spawn(["java", *opts, "-jar", SANDBOX_JAR, "--port", str(self.port), "--work-dir", self.workdir,
                           "--exit-with-pid", str(os.getpid())], self.logfile)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not alive(self.proc):
                raise RuntimeError("the sandbox died; see %s" % self.logfile)
            with open(self.logfile, errors="replace") as f:
                if "FLINK SANDBOX READY" in f.read():
                    return self
            time.sleep(0.5)
        raise RuntimeError("the sandbox was not ready after %d s" % timeout)

    def crash(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            c.request("GET", path)
            r = c.getresponse()
            data = r.read()
            return json.loads(data) if r.status == 200 else None
        finally:
            c.close()

    def jobs(self):
        """Flink's own /jobs/overview: {jid: {name, state}}."""
        return {j["jid"]: j for j in self.get("/jobs/overview")["jobs"]}


def workdir(tag):
    return tempfile.mkdtemp(prefix="cdc-%s." % tag)


def require_jars(*jars):
    for jar in jars:
        if not os.path.isfile(jar):
            sys.exit("no jar at %s (./mvnw -B -Dskip.frontend -DskipTests package -pl backend,flink/sandbox -am)" % jar)


def pg_bin():
    if os.environ.get("PG_BIN"):
        return os.environ["PG_BIN"]
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        sys.exit("no PostgreSQL server binaries (apt-get install postgresql-15, or PG_BIN=...)")
    return os.path.dirname(found[-1])


class PrivatePostgres:
    """A PostgreSQL server of this run's own: its own data directory, port and socket directory. PostgreSQL refuses
    to run as root, so as root its tools run as the 'postgres' user (runuser) in a directory that user owns."""

    def __init__(self):
        self.bin = pg_bin()
        self.dir = tempfile.mkdtemp(prefix="cdc-pg.")
        self.as_user = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam(os.environ.get("PG_USER", "postgres"))
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            self.as_user = ["runuser", "-u", pw.pw_name, "--"]
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        self.logfile = os.path.join(self.dir, "postgres.log")
        self.tool("initdb", "-D", self.data, "-U", "cdc", "--auth=trust", "-E", "UTF8")

    def tool(self, name, *args, check=True):
        return subprocess.run(self.as_user + [os.path.join(self.bin, name), *args], check=check, capture_output=True)

    def start(self):
        self.tool("pg_ctl", "-D", self.data, "-l", self.logfile, "-w", "-t", "120", "-o",
                  "-p %d -k %s -c listen_addresses=127.0.0.1" % (self.port, self.dir), "start")

    def create_db(self):
        self.tool("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "cdc", "cdc_console")

    def crash(self):
        # immediate: every server process ends at once, nothing is flushed (recovery runs at the next start)
        self.tool("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def stop(self):
        self.tool("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
