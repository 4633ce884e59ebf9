#!/usr/bin/env python3
"""Flink outage: the sandbox gone while runs are RUNNING, then back without the jobs; and the console restarted while
Flink keeps running.

  bench/faults/flink_outage.py [--outage 300] [--grace 60s] [--runs 3] [--out DIR]

Starts the Flink sandbox and the console (temporary home, embedded PostgreSQL, run poll 5 s, the given LOST grace),
both on 127.0.0.1, and starts --runs values pipelines (each keeps running). Then:

  outage    the sandbox SIGKILLed (a JobManager that vanishes; a graceful stop fails the jobs first) and kept down
            --outage seconds; every 2 s every run is read: counts runs seen FAILED or LOST, and when all were stale
  return    the sandbox started again on the same port, empty (no HA: the jobs are gone): time until every run is
            LOST, against the grace, and the reason recorded on each
  restart   new runs on the fresh sandbox, RUNNING; the console SIGKILLed and started again while Flink keeps running:
            time from /ready until every run is RUNNING, not stale and seen after the restart, against one poll; any
            other state seen meanwhile is counted

Prints a Markdown summary; exit 1 when a run failed or was lost during the outage, did not become LOST on return, or
was not RUNNING again within one poll (plus the time to the first poll tick). Bounded by the given durations and 5
minutes per wait.
"""
import argparse
import collections
import os
import random
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from crashes import values_yaml  # noqa: E402
from harness import Api, Console, Sandbox, log  # noqa: E402

TAG = "flink-outage"
POLL = 5.0


def seconds(text):
    text = text.strip()
    if text.endswith("ms"):
        return float(text[:-2]) / 1000
    if text.endswith("s"):
        return float(text[:-1])
    if text.endswith("m"):
        return float(text[:-1]) * 60
    return float(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--outage", type=int, default=300, help="seconds the sandbox stays down (default 300)")
    ap.add_argument("--grace", default="60s", help="runs.lostGrace of the console (default 60s)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out")
    a = ap.parse_args()
    harness.require_jars(harness.CONSOLE_JAR, harness.SANDBOX_JAR)
    work = harness.workdir(TAG)
    started, load_start = time.time(), harness.loadavg()
    env = {"CDC_CONSOLE_RUN_POLL_INTERVAL": "%ds" % POLL, "CDC_CONSOLE_RUN_FAST_POLL_INTERVAL": "1s",
           "CDC_CONSOLE_RUN_LOST_GRACE": a.grace, "CDC_CONSOLE_CLUSTER_HEALTH_INTERVAL": "2s"}
    ok = True
    lines = []
    try:
        sandbox = Sandbox(work).start()
        console = Console(work, "outage-%d" % random.randrange(10**9), env).start()
        api = Api(console.base, console.login())
        cluster = api.call("POST", "/clusters", {"name": "sandbox", "restUrl": sandbox.url,
                                                 "cdc": {"mode": "provided", "version": "3.2.0"}})

        def start_runs(prefix):
            ids = []
            for k in range(a.runs):
                name = "%s-%d" % (prefix, k)
                api.call("POST", "/pipelines", {"name": name, "clusterId": cluster["id"],
                                                "yaml": values_yaml(name.replace("-", "_"))})
                ids.append(api.call("POST", "/pipelines/%s/runs" % name, {})["id"])
            wait(lambda: all(run(i)["state"] == "RUNNING" for i in ids), "runs RUNNING")
            return ids

        def run(i):
            return api.call("GET", "/runs/%d" % i)

        def wait(cond, what, limit=300):
            deadline = time.time() + limit
            while time.time() < deadline:
                if cond():
                    return
                time.sleep(0.5)
            raise RuntimeError("gave up waiting for " + what)

        # ---- outage ----
        ids = start_runs("outage")
        log(TAG, "%d runs RUNNING; killing the sandbox for %d s" % (len(ids), a.outage))
        t0 = time.time()
        sandbox.crash()
        bad = {}
        all_stale_at = None
        samples = 0
        while time.time() - t0 < a.outage:
            for i in ids:
                r = run(i)
                if r["state"] in ("FAILED", "LOST"):
                    bad[i] = r["state"]
                elif r["state"] != "RUNNING":
                    bad.setdefault(i, r["state"])
            samples += 1
            if all_stale_at is None and all(run(i)["stale"] for i in ids):
                all_stale_at = time.time() - t0
            time.sleep(2)
        failed_or_lost = sum(1 for s in bad.values() if s in ("FAILED", "LOST"))
        other = {i: s for i, s in bad.items() if s not in ("FAILED", "LOST")}
        still_stale = all(run(i)["stale"] for i in ids)
        lines.append("| outage: sandbox SIGKILLed for %d s, %d runs RUNNING | runs seen FAILED or LOST: **%d**; "
                     "other states seen: %s; every run stale after %s s, still stale at the end: %s (%d samples) |" %
                     (a.outage, len(ids), failed_or_lost, other or "none",
                      "%.0f" % all_stale_at if all_stale_at is not None else "never", still_stale, samples))
        ok &= failed_or_lost == 0 and all_stale_at is not None and still_stale

        # ---- return without the jobs ----
        shutil.rmtree(sandbox.workdir, ignore_errors=True)
        sandbox.start()
        t1 = time.time()
        log(TAG, "sandbox back (empty); waiting for LOST")
        wait(lambda: all(run(i)["state"] == "LOST" for i in ids), "runs LOST", seconds(a.grace) + 300)
        lost_after = time.time() - t1
        def reason(i):
            # the LOST transition's detail says why (lastError is for Flink's own failures)
            r = run(i)
            lost = [t for t in r.get("transitions", []) if t.get("to") == "LOST"]
            text = (lost[-1].get("detail") if lost else None) or r.get("lastError") or "(none)"
            return text.replace(r["jobId"], "{jobId}").split(" since ")[0]
        reasons = collections.Counter(reason(i) for i in ids)
        lines.append("| return: sandbox back, jobs gone, grace %s | every run LOST %.0f s after the sandbox answered; "
                     "reasons: %s |" % (a.grace, lost_after, "; ".join("%s ×%d" % kv for kv in reasons.items())))
        ok &= lost_after >= seconds(a.grace) * 0.9 and "(none)" not in reasons

        # ---- console restart while Flink runs ----
        ids = start_runs("restart")
        time.sleep(POLL)
        log(TAG, "%d new runs RUNNING; SIGKILL of the console" % len(ids))
        console.kill()
        console.start()
        t2 = time.time()
        api = Api(console.base, console.login())
        seen = collections.Counter()
        restart_iso = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t2 - 1))

        def fresh():
            rs = [run(i) for i in ids]
            for r in rs:
                seen[r["state"]] += 1
            return all(r["state"] == "RUNNING" and not r["stale"] and (r.get("lastSeenAt") or "") >= restart_iso
                       for r in rs)
        wait(fresh, "RUNNING after the restart", 120)
        back = time.time() - t2
        lines.append("| restart: console SIGKILLed and started while Flink runs, poll %.0f s | every run RUNNING, not "
                     "stale, seen after the restart %.1f s after /ready; states read meanwhile: %s |" %
                     (POLL, back, ", ".join("%s %d" % kv for kv in seen.items())))
        ok &= back <= POLL + 1 and set(seen) == {"RUNNING"}

        print("### Flink outage")
        print()
        print("Load average at the start %s, at the end %s; %.0f s in all." %
              (load_start, harness.loadavg(), time.time() - started))
        print()
        print("| phase | outcome |")
        print("|---|---|")
        for line in lines:
            print(line)
        return 0 if ok else 1
    finally:
        harness.stop_all()
        harness.keep_logs(work, a.out)


if __name__ == "__main__":
    sys.exit(main())
