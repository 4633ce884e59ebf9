#!/usr/bin/env python3
"""Crashes: the console SIGKILLed at random moments while pipelines are started, stopped with savepoint, cancelled and
savepointed on the real Flink sandbox; after each restart the console is compared with Flink's own /jobs/overview.

  bench/faults/crashes.py [--kills 50] [--settle 120] [--out DIR] [--seed S]
  bench/faults/crashes.py --replicas 2 [--lease 15s] [--kills 20] ...

Starts the Flink sandbox (flink/sandbox) and the console (a temporary home with its embedded PostgreSQL, run poll
1 s, fast poll 300 ms, LOST grace 20 s), both on 127.0.0.1. Each cycle fires a random mix of operations without
waiting for them (start a new values pipeline, stop with savepoint, cancel, trigger a savepoint of a running run),
sleeps a random 0-3 s, SIGKILLs the console, starts it again and, once no run is SUBMITTING, CANCELLING or
STOPPING any more (at most --settle seconds), counts:

  duplicate jobs      a pipeline with more than one job not terminal on Flink, or a run whose JobID Flink has twice
  untracked jobs      a job on Flink that no run of the console carries
  dangling runs       a run not terminal in the console with no job not terminal on Flink behind it
  missing savepoints  a savepoint Flink completed (its checkpoint history, jobs of the console) that is not in the
                      pipeline's savepoint ledger

With --replicas 2 (issue 13) two consoles share a private PostgreSQL 15 (as in db_outage.py), operations go to
either, and each cycle SIGKILLs the console that holds the sandbox cluster's lease (clusters.lease, --lease): the
report adds how long the other took to hold the lease (p50, max; the bound is 2 x the lease) and the same counts,
so a transition the dead console would have recorded and nobody did shows as a dangling run.

Every pipeline starts fresh (a values sink table of its own; the values sink keeps tables in static memory). Prints a
Markdown summary; exit 1 when any count is not 0. Bounded: --kills cycles, each start or settle at most 5 minutes.
"""
import argparse
import base64
import collections
import json
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Api, Console, PrivatePostgres, Sandbox, log  # noqa: E402

TAG = "crashes"
TERMINAL = {"FAILED_TO_SUBMIT", "FINISHED", "CANCELED", "STOPPED", "FAILED", "LOST"}
IN_FLIGHT = {"SUBMITTING", "CANCELLING", "STOPPING"}
FLINK_TERMINAL = {"FINISHED", "CANCELED", "FAILED", "SUSPENDED"}
ENV = {"CDC_CONSOLE_RUN_POLL_INTERVAL": "1s", "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL": "300ms",
       "CDC_CONSOLE_RUN_LOST_GRACE": "20s", "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL": "2s"}
GRACE = 20


def values_yaml(table):
    # the values source waits at the injected failure until a checkpoint completes: a job that keeps running
    return """source:
  type: values
  event-set.id: SINGLE_SPLIT_SINGLE_TABLE
  failure.injection.index: 3
sink:
  type: values
route:
  - source-table: default_namespace.default_schema.table1
    sink-table: default_namespace.default_schema.%s
pipeline:
  parallelism: 1
""" % table


def norm(path):
    return (path or "").replace("file://", "").replace("file:", "").rstrip("/")


class Run:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.work = harness.workdir(TAG)
        self.counts = collections.Counter()
        self.findings = []
        self.pipelines = []  # names
        self.ops = collections.Counter()
        self.op_status = collections.Counter()
        self.seq = 0
        self.consoles = []
        self.pg = None
        self.takeovers = []

    # ---- console side ----
    def api(self):
        return Api(self.rng.choice(self.consoles).base, self.token, timeout=60)

    def sql(self, query):
        out = self.pg.tool("psql", "-h", "127.0.0.1", "-p", str(self.pg.port), "-U", "cdc", "-d", "cdc_console",
                           "-Atc", query).stdout.decode().strip()
        return out or None

    def lease_holder(self):
        return self.sql("select claimed_by from cluster_lease where cluster_id = %d and lease_until > now()"
                        % self.cluster_id)

    @staticmethod
    def replica_id(console):
        """The id the console's latest start logged (its claims and leases name it)."""
        marker = "This console's replica id: "
        lines = [line for line in console.log_text().splitlines() if marker in line]
        return lines[-1].split(marker, 1)[1].strip() if lines else None

    def victim(self):
        """The console to kill: alone, itself; with replicas, the one watching the sandbox's cluster."""
        if len(self.consoles) == 1:
            return self.consoles[0], None
        holder = self.lease_holder()
        for c in self.consoles:
            if holder and self.replica_id(c) == holder:
                return c, holder
        return self.rng.choice(self.consoles), holder

    def kill(self, console, holder):
        console.kill()
        if holder is None:
            return
        # the other console holds the lease: how long after the kill
        killed = time.time()
        deadline = killed + 10 * self.a.lease_seconds
        while time.time() < deadline:
            now = self.lease_holder()
            if now and now != holder:
                self.takeovers.append(time.time() - killed)
                return
            time.sleep(0.1)
        self.findings.append(("takeover", "nobody took the lease within 10 leases", holder))
        self.counts["no takeover"] += 1

    def runs(self, api):
        out = []
        for name in self.pipelines:
            page = api.call("GET", "/pipelines/%s/runs?limit=500" % name)
            for r in page["items"]:
                r["pipeline"] = name
                out.append(r)
        return out

    def fire(self, kind, name):
        """One operation on its own connection; the answer (or the crash) is only counted."""
        try:
            api = self.api()
            if kind == "start":
                status = api.status("POST", "/pipelines/%s/runs" % name, {})
            elif kind == "stop":
                status = api.status("POST", "/pipelines/%s/stop" % name, {"savepoint": True})
            elif kind == "cancel":
                status = api.status("POST", "/pipelines/%s/cancel" % name, None)
            else:
                status = api.status("POST", "/pipelines/%s/savepoints" % name, {})
        except Exception as e:  # noqa: BLE001 - the console is being killed
            status = type(e).__name__
        self.ops[kind] += 1
        self.op_status["%s %s" % (kind, status)] += 1

    def new_pipeline(self, api):
        self.seq += 1
        name = "crash-%03d" % self.seq
        api.call("POST", "/pipelines", {"name": name, "clusterId": self.cluster_id, "yaml": values_yaml(name.replace("-", "_"))})
        self.pipelines.append(name)
        return name

    def cycle(self, i):
        api = self.api()
        runs = self.runs(api)
        running = [r for r in runs if r["state"] == "RUNNING"]
        threads = []
        # one or two new pipelines each cycle, and something done to up to three running ones
        for _ in range(self.rng.randint(1, 2)):
            name = self.new_pipeline(api)
            threads.append(threading.Thread(target=self.fire, args=("start", name)))
        for r in self.rng.sample(running, min(len(running), self.rng.randint(1, 3))):
            kind = self.rng.choice(["stop", "cancel", "savepoint", "savepoint"])
            threads.append(threading.Thread(target=self.fire, args=(kind, r["pipeline"])))
        self.rng.shuffle(threads)
        for t in threads:
            t.start()
        time.sleep(self.rng.uniform(0, 3))
        victim, holder = self.victim()
        self.kill(victim, holder)
        for t in threads:
            t.join(70)
        victim.start(timeout=300)
        self.token = victim.login()
        return self.settle_and_check(i)

    def settle_and_check(self, i):
        api = self.api()
        deadline = time.time() + self.a.settle
        while True:
            runs = self.runs(api)
            busy = [r for r in runs if r["state"] in IN_FLIGHT]
            if not busy or time.time() > deadline:
                break
            time.sleep(1)
        flink = self.sandbox.jobs()
        by_job = {r.get("jobId"): r for r in runs if r.get("jobId")}
        found = collections.Counter()
        # duplicates: more than one live job per pipeline (job names carry the pipeline's name)
        live_per_pipeline = collections.Counter()
        for jid, job in flink.items():
            run = by_job.get(jid)
            if run is None:
                found["untracked jobs"] += 1
                self.findings.append((i, "untracked job", jid, job.get("name"), job.get("state")))
                continue
            if job["state"] not in FLINK_TERMINAL:
                live_per_pipeline[run["pipeline"]] += 1
        for name, n in live_per_pipeline.items():
            if n > 1:
                found["duplicate jobs"] += n - 1
                self.findings.append((i, "duplicate jobs", name, n))
        # a run whose job ended while the console was down is settled by the watcher's next look, and one whose job
        # Flink does not have at all becomes LOST after the grace: a run is dangling when it is left so after that
        def dangling():
            out = []
            for r in self.runs(api):
                job = flink_now.get(r.get("jobId"))
                if r["state"] not in TERMINAL and (job is None or job["state"] in FLINK_TERMINAL):
                    out.append((r, job))
            return out
        flink_now = flink
        left = dangling()
        if left:
            found["settled after the restart"] += len(left)
            deadline = time.time() + GRACE + 15
            while left and time.time() < deadline:
                time.sleep(1)
                flink_now = self.sandbox.jobs()
                left = dangling()
        for r, job in left:
            found["dangling runs"] += 1
            self.findings.append((i, "dangling run", r["pipeline"], r["id"], r["state"], r.get("jobId"),
                                  job and job["state"]))
        # savepoints Flink completed for the console's jobs, against the ledgers
        ledgers = {}
        for jid in flink:
            run = by_job.get(jid)
            if run is None:
                continue
            history = (self.sandbox.get("/jobs/%s/checkpoints" % jid) or {}).get("history", [])
            for c in history:
                if c.get("is_savepoint") and c.get("status") == "COMPLETED" and c.get("external_path"):
                    name = run["pipeline"]
                    if name not in ledgers:
                        ledgers[name] = {norm(s.get("path")) for s in
                                         api.call("GET", "/pipelines/%s/savepoints" % name).get("items", [])}
                    if norm(c["external_path"]) not in ledgers[name]:
                        found["missing savepoints"] += 1
                        self.findings.append((i, "missing savepoint", name, jid, c["external_path"]))
                    else:
                        found["savepoints checked"] += 1
        found["flink jobs"] = len(flink)
        found["runs"] = len(runs)
        return found

    def main(self):
        a = self.a
        harness.require_jars(harness.CONSOLE_JAR, harness.SANDBOX_JAR)
        started = time.time()
        load_start = harness.loadavg()
        try:
            self.sandbox = Sandbox(self.work).start()
            log(TAG, "sandbox ready on %s" % self.sandbox.url)
            password = "crash-%d" % self.rng.randrange(10**9)
            if a.replicas == 1:
                self.consoles = [Console(self.work, password, ENV).start()]
            else:
                self.pg = PrivatePostgres()
                self.pg.start()
                self.pg.create_db()
                env = dict(ENV)
                env.update({"CDC_CONSOLE_DB_URL": "jdbc:postgresql://127.0.0.1:%d/cdc_console" % self.pg.port,
                            "CDC_CONSOLE_DB_USER": "cdc", "CDC_CONSOLE_DB_PASSWORD": "trust",
                            "CDC_CONSOLE_MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
                            "CDC_CONSOLE_JWT_SECRET": base64.b64encode(os.urandom(48)).decode(),
                            "CDC_CONSOLE_CLUSTER_LEASE": "%ds" % a.lease_seconds})
                self.consoles = []
                for k in range(a.replicas):
                    home = os.path.join(self.work, "replica-%d" % k)
                    os.makedirs(home, exist_ok=True)
                    self.consoles.append(Console(home, password, env, tag="console").start())
            self.token = self.consoles[0].login()
            cluster = self.api().call("POST", "/clusters", {"name": "sandbox", "restUrl": self.sandbox.url,
                                                            "cdc": {"mode": "provided", "version": "3.2.0"}})
            self.cluster_id = cluster["id"]
            totals = collections.Counter()
            last = None
            n_findings = 0
            for i in range(1, a.kills + 1):
                found = self.cycle(i)
                last = found
                for k in ("duplicate jobs", "untracked jobs", "dangling runs", "missing savepoints",
                          "savepoints checked", "settled after the restart"):
                    totals[k] += found[k]
                log(TAG, "kill %d/%d: %s; load %s" % (i, a.kills, dict(found), harness.loadavg()))
                for f in self.findings[n_findings:]:
                    log(TAG, "  finding: %s" % (f,))
                n_findings = len(self.findings)
            elapsed = time.time() - started
            states = collections.Counter(r["state"] for r in self.runs(self.api()))
            if a.replicas == 1:
                print("### Crashes: %d SIGKILLs of the console" % a.kills)
            else:
                print("### Crashes: %d SIGKILLs of the console watching the cluster, %d replicas (lease %d s)"
                      % (a.kills, a.replicas, a.lease_seconds))
            print()
            print("Load average at the start %s, at the end %s; %.0f s in all (seed %d)." %
                  (load_start, harness.loadavg(), elapsed, a.seed))
            print()
            print("| after each restart | total over all kills |")
            print("|---|---:|")
            for k in ("duplicate jobs", "untracked jobs", "dangling runs", "missing savepoints"):
                print("| %s | **%d** |" % (k, totals[k]))
            print()
            if a.replicas > 1:
                t = sorted(self.takeovers)
                if t:
                    print("Lease taken over by the other console after each kill: p50 %.1f s, max %.1f s "
                          "(%d of %d kills; bound 2 x %d s)." % (t[len(t) // 2], t[-1], len(t), a.kills,
                                                                 a.lease_seconds))
                print("Kills after which nobody held the lease within 10 leases: %d." % self.counts["no takeover"])
                print()
            print("Savepoints Flink completed and found in the ledger (counted once per check): %d." %
                  totals["savepoints checked"])
            print("Runs not terminal whose job had ended or was not on Flink at the first look after a restart, "
                  "settled by the watcher within the LOST grace (%d s) + 15 s: %d." %
                  (GRACE, totals["settled after the restart"]))
            print("At the end: %d pipelines, %d runs (%s), %d jobs on Flink." %
                  (len(self.pipelines), sum(states.values()),
                   ", ".join("%s %d" % kv for kv in sorted(states.items())), last["flink jobs"] if last else 0))
            print("Operations fired (answer or the error the kill caused): %s." %
                  ", ".join("%s %d" % kv for kv in sorted(self.op_status.items())))
            if self.findings:
                print()
                print("Findings:")
                for f in self.findings[:60]:
                    print("- " + " | ".join(str(x) for x in f))
            return 1 if any(totals[k] for k in ("duplicate jobs", "untracked jobs", "dangling runs",
                                                "missing savepoints")) or self.counts["no takeover"] else 0
        finally:
            harness.stop_all()
            if self.pg:
                self.pg.stop()
            if a.out:
                os.makedirs(a.out, exist_ok=True)
                with open(os.path.join(a.out, "findings.json"), "w") as f:
                    json.dump(self.findings, f, indent=1)
            harness.keep_logs(self.work, a.out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kills", type=int, default=50)
    ap.add_argument("--settle", type=int, default=120, help="seconds to wait for in-flight runs after a restart")
    ap.add_argument("--seed", type=int, default=50)
    ap.add_argument("--replicas", type=int, default=1, choices=[1, 2], help="consoles on one database")
    ap.add_argument("--lease", default="15s", help="clusters.lease with --replicas 2 (seconds, e.g. 15s)")
    ap.add_argument("--out")
    a = ap.parse_args()
    a.lease_seconds = int(a.lease.rstrip("s"))
    return Run(a).main()


if __name__ == "__main__":
    sys.exit(main())
