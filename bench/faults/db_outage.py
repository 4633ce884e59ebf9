#!/usr/bin/env python3
"""Database outage: PostgreSQL gone for a while under 20 API clients while Flink jobs change state.

  bench/faults/db_outage.py [--mode external|embedded] [--outage 60] [--clients 20] [--runs 4] [--out DIR]

Starts the Flink sandbox and the console on 127.0.0.1 with its database either
  external   a private PostgreSQL 15 (initdb + pg_ctl from the postgresql-15 server package; PG_BIN overrides the
             directory; as root they run as the user 'postgres', PG_USER overrides it) on a free loopback port under a
             temporary directory, stopped with `pg_ctl -m immediate`
             (its processes end at once, as in a crash) and started again after --outage seconds; or
  embedded   the console's embedded PostgreSQL, its postmaster SIGKILLed (nothing restarts it but the console).
Starts --runs values pipelines (they keep running), then --clients threads call the API without pause (GET
/pipelines, GET /runs/{id}, GET /me, GET /overview, PUT of a pipeline's description) for the whole run. During the
outage half of the runs' jobs are cancelled directly on Flink (a state change the console cannot write then).

Reports per phase (before, during, after) the answers by status, any 5xx other than 503, any error answer that is
not application/problem+json, the seconds from the database's return to the first 200 of /ready and of the API, and
whether every job cancelled meanwhile is CANCELED in the console (with its transition) and the others still RUNNING
and seen after the return. Exit 1 otherwise. Bounded: --outage plus at most 5 minutes per wait.
"""
import argparse
import collections
import json
import os
import random
import signal
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from crashes import values_yaml  # noqa: E402
from harness import Api, Console, PrivatePostgres, Sandbox, log  # noqa: E402

TAG = "db-outage"


class Clients:
    """N threads calling the API in a loop; answers counted by phase."""

    def __init__(self, base, token, n, pipelines, run_ids):
        self.base, self.token, self.n, self.pipelines, self.run_ids = base, token, n, pipelines, run_ids
        self.phase = "before"
        self.counts = collections.defaultdict(collections.Counter)
        self.bad = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.loop, args=(k,), daemon=True) for k in range(n)]

    def loop(self, k):
        rng = random.Random(k)
        api = Api(self.base, self.token, timeout=30)
        while not self.stop.is_set():
            choice = rng.randrange(5)
            name = rng.choice(self.pipelines)
            hs = {"Authorization": "Bearer " + self.token, "Accept": "application/json"}
            body = None
            if choice == 0:
                method, path = "GET", "/api/v1/pipelines?limit=50"
            elif choice == 1:
                method, path = "GET", "/api/v1/runs/%d" % rng.choice(self.run_ids)
            elif choice == 2:
                method, path = "GET", "/api/v1/me"
            elif choice == 3:
                method, path = "GET", "/api/v1/overview"
            else:
                # a write: the pipeline's description, with its current version
                method, path = "PUT", "/api/v1/pipelines/%s" % name
                try:
                    st, rh, data = api.raw("GET", "/api/v1/pipelines/%s" % name, None, hs)
                    if st != 200:
                        self.count("GET /pipelines/{id}", st, rh)
                        time.sleep(0.2)
                        continue
                    p = json.loads(data)
                    hs["If-Match"] = rh.get("etag", '"%s"' % p.get("version"))
                    hs["Content-Type"] = "application/json"
                    body = json.dumps({"name": p["name"], "clusterId": p["clusterId"], "yaml": p["yaml"],
                                       "description": "touched %d" % rng.randrange(10**6)}).encode()
                except Exception as e:  # noqa: BLE001
                    self.count("GET /pipelines/{id}", type(e).__name__, {})
                    time.sleep(0.2)
                    continue
            route = path.split("?")[0].replace("/api/v1", "")
            route = "/runs/{id}" if route.startswith("/runs/") else "/pipelines/{id}" if method == "PUT" else route
            try:
                st, rh, _ = api.raw(method, path, body, hs)
            except Exception as e:  # noqa: BLE001
                st, rh = type(e).__name__, {}
            self.count("%s %s" % (method, route), st, rh)
            if st != 200:
                time.sleep(0.2)

    def count(self, route, status, headers):
        with self.lock:
            self.counts[self.phase][status] += 1
            if isinstance(status, int) and status >= 400:
                if status >= 500 and status != 503:
                    self.bad.append((self.phase, route, status, "5xx other than 503"))
                if not headers.get("content-type", "").startswith("application/problem+json"):
                    self.bad.append((self.phase, route, status, "not problem+json"))
            elif not isinstance(status, int):
                self.bad.append((self.phase, route, status, "no answer"))

    def start(self):
        for t in self.threads:
            t.start()

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(60)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", choices=["external", "embedded"], default="external")
    ap.add_argument("--outage", type=int, default=60)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--out")
    a = ap.parse_args()
    harness.require_jars(harness.CONSOLE_JAR, harness.SANDBOX_JAR)
    work = harness.workdir(TAG)
    started, load_start = time.time(), harness.loadavg()
    pg = None
    clients = None
    try:
        env = {"CDC_CONSOLE_RUN_POLL_INTERVAL": "2s", "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL": "500ms",
               "CDC_CONSOLE_RUN_LOST_GRACE": "60s", "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL": "2s"}
        if a.mode == "external":
            pg = PrivatePostgres()
            pg.start()
            pg.create_db()
            env.update({"CDC_CONSOLE_DB_URL": "jdbc:postgresql://127.0.0.1:%d/cdc_console" % pg.port,
                        "CDC_CONSOLE_DB_USER": "cdc", "CDC_CONSOLE_DB_PASSWORD": "unused-trust-auth"})
        sandbox = Sandbox(work).start()
        console = Console(work, "db-%d" % random.randrange(10**9), env).start()
        token = console.login()
        api = Api(console.base, token)
        cluster = api.call("POST", "/clusters", {"name": "sandbox", "restUrl": sandbox.url,
                                                 "cdc": {"mode": "provided", "version": "3.2.0"}})
        names, runs = [], []
        for k in range(a.runs):
            name = "db-%d" % k
            api.call("POST", "/pipelines", {"name": name, "clusterId": cluster["id"],
                                            "yaml": values_yaml(name.replace("-", "_"))})
            names.append(name)
            runs.append(api.call("POST", "/pipelines/%s/runs" % name, {}))

        def wait(cond, what, limit=300):
            deadline = time.time() + limit
            while time.time() < deadline:
                try:
                    if cond():
                        return time.time()
                except Exception:  # noqa: BLE001 - the console may answer 503 meanwhile
                    pass
                time.sleep(0.25)
            raise RuntimeError("gave up waiting for " + what)

        wait(lambda: all(api.call("GET", "/runs/%d" % r["id"])["state"] == "RUNNING" for r in runs), "RUNNING")
        # every task running: a cancel before that is also a state change, but a less telling one
        wait(lambda: all(all(v["status"] == "RUNNING" for v in (sandbox.get("/jobs/%s" % r["jobId"]) or {})
                             .get("vertices", [{"status": "x"}])) for r in runs), "tasks RUNNING")
        clients = Clients(console.base, token, a.clients, names, [r["id"] for r in runs])
        clients.start()
        time.sleep(10)

        log(TAG, "database down for %d s (%s)" % (a.outage, a.mode))
        clients.phase = "during"
        t0 = time.time()
        if a.mode == "external":
            pg.crash()
        else:
            pid = int(open(os.path.join(console.home, "postgres", "postmaster.pid")).readline())
            os.kill(pid, signal.SIGKILL)
        # Flink changes state meanwhile: half of the jobs cancelled on Flink itself
        time.sleep(min(10, a.outage / 3))
        cancelled = runs[: max(1, len(runs) // 2)]
        kept = runs[len(cancelled):]
        for r in cancelled:
            sandbox_patch = __import__("http.client").client.HTTPConnection("127.0.0.1", sandbox.port, timeout=30)
            sandbox_patch.request("PATCH", "/jobs/%s?mode=cancel" % r["jobId"])
            sandbox_patch.getresponse().read()
            sandbox_patch.close()
        wait(lambda: all((sandbox.get("/jobs/%s" % r["jobId"]) or {}).get("state") == "CANCELED" for r in cancelled),
             "Flink CANCELED")
        ready_during = console.ready()
        time.sleep(max(0, a.outage - (time.time() - t0)))
        if a.mode == "external":
            pg.start()
        back = time.time()
        clients.phase = "after"
        log(TAG, "database back")
        alive_after_outage = harness.alive(console.proc)
        ready_at = wait(console.ready, "/ready", 300) - back
        api_at = wait(lambda: api.status("GET", "/me") == 200, "GET /me", 300) - back
        recorded_at = wait(lambda: all(api.call("GET", "/runs/%d" % r["id"])["state"] == "CANCELED"
                                       for r in cancelled), "CANCELED recorded", 300) - back
        back_iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(back))
        wait(lambda: all((api.call("GET", "/runs/%d" % r["id"]).get("lastSeenAt") or "") >= back_iso
                         for r in kept), "kept runs seen", 120)
        kept_states = collections.Counter(api.call("GET", "/runs/%d" % r["id"])["state"] for r in kept)
        transitions = []
        for r in cancelled:
            d = api.call("GET", "/runs/%d" % r["id"])
            transitions.append([t.get("to") for t in d.get("transitions", [])])
        time.sleep(10)
        clients.finish()

        print("### Database outage (%s PostgreSQL, %d s, %d clients, %d runs)" %
              (a.mode, a.outage, a.clients, len(runs)))
        print()
        print("Load average at the start %s, at the end %s; %.0f s in all." %
              (load_start, harness.loadavg(), time.time() - started))
        print()
        print("| phase | answers |")
        print("|---|---|")
        for phase in ("before", "during", "after"):
            print("| %s | %s |" % (phase, ", ".join("%s: %d" % kv for kv in sorted(
                clients.counts[phase].items(), key=lambda kv: str(kv[0])))))
        print()
        print("- answers that were 5xx other than 503, not application/problem+json, or none: **%d**" % len(clients.bad))
        print("- console process alive through the outage: %s; `/ready` during the outage: %s" %
              (alive_after_outage, "200" if ready_during else "not 200"))
        print("- after the database returned: `/ready` 200 after %.1f s, `GET /me` 200 after %.1f s" % (ready_at, api_at))
        print("- jobs cancelled on Flink during the outage: %d, CANCELED in the console %.1f s after the return; "
              "their transitions: %s" % (len(cancelled), recorded_at, transitions))
        print("- the other runs after the return: %s (seen by the watcher after the return)" % dict(kept_states))
        for b in collections.Counter(clients.bad).most_common(20):
            print("  - %s ×%d" % b)
        ok = not clients.bad and alive_after_outage and all(
            "CANCELED" in t for t in transitions) and set(kept_states) == {"RUNNING"}
        return 0 if ok else 1
    finally:
        if clients:
            clients.finish()
        harness.stop_all()
        if pg:
            pg.stop()
        harness.keep_logs(work, a.out)


if __name__ == "__main__":
    sys.exit(main())
