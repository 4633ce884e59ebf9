#!/usr/bin/env python3
"""How long a Flink state change takes to reach a client of the console: bench/fleet/run.sh's "changes" step.

Opens the console's event stream (GET /api/v1/events), picks CHANGES random RUNNING runs of the fleet and cancels
their jobs at the stand-in JobManagers directly (PATCH /jobs/{id}?mode=cancel, as someone would in Flink's own UI),
spread evenly over OVER seconds, and takes for each the time from that request to the `run.state` event with
`to: CANCELED` on the stream. Prints one JSON line: {"changes", "seen", "p50", "p90", "p99", "max"} (ms; nearest
rank). Cancelled runs stay CANCELED: run it last. Standard library only; 127.0.0.1 only.

  state_latency.py --console http://127.0.0.1:PORT --token TOKEN [--changes 100] [--over 60] [--wait 60]
"""
import argparse
import json
import random
import sys
import threading
import time
import urllib.request


def call(url, token=None, method="GET"):
    req = urllib.request.Request(url, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=30) as r:
        body = r.read()
        return json.loads(body) if body else None


def running_runs(base, token):
    """(jobId, cluster REST URL) of every RUNNING run."""
    clusters = {c["id"]: c["restUrl"] for c in call(base + "/api/v1/clusters?limit=500", token)["items"]}
    out, offset = [], 0
    while True:
        page = call("%s/api/v1/pipelines?state=RUNNING&limit=500&offset=%d" % (base, offset), token)
        for p in page["items"]:
            run = p.get("currentRun") or {}
            if run.get("jobId"):
                out.append((run["jobId"], clusters[p["clusterId"]]))
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return out


def follow(base, token, seen, ready):
    """Reads the event stream; notes when each job's CANCELED arrives."""
    req = urllib.request.Request(base + "/api/v1/events", headers={
        "Authorization": "Bearer " + token, "Accept": "text/event-stream"})
    with urllib.request.urlopen(req, timeout=600) as stream:
        ready.set()
        event = None
        for raw in stream:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event == "run.state":
                data = json.loads(line[5:])
                if data.get("to") == "CANCELED" and data.get("jobId"):
                    seen.setdefault(data["jobId"], time.monotonic())
            elif not line:
                event = None


def rank(values, q):
    return values[min(len(values) - 1, max(0, int(round(q * len(values) + 0.5)) - 1))]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--console", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--changes", type=int, default=100)
    p.add_argument("--over", type=float, default=60)
    p.add_argument("--wait", type=float, default=60, help="seconds to wait for the last events")
    a = p.parse_args()

    runs = running_runs(a.console, a.token)
    chosen = random.sample(runs, min(a.changes, len(runs)))
    seen, sent, ready = {}, {}, threading.Event()
    threading.Thread(target=follow, args=(a.console, a.token, seen, ready), daemon=True).start()
    if not ready.wait(30):
        sys.exit("state_latency.py: the event stream did not open")
    time.sleep(1)
    gap = a.over / max(1, len(chosen))
    start = time.monotonic()
    for i, (job, rest) in enumerate(chosen):
        time.sleep(max(0.0, start + i * gap - time.monotonic()))
        sent[job] = time.monotonic()
        call("%s/jobs/%s?mode=cancel" % (rest, job), method="PATCH")
    deadline = time.monotonic() + a.wait
    while time.monotonic() < deadline and not all(j in seen for j in sent):
        time.sleep(0.2)
    lat = sorted((seen[j] - t) * 1000 for j, t in sent.items() if j in seen)
    out = {"changes": len(sent), "seen": len(lat)}
    if lat:
        out.update({"p50": round(rank(lat, 0.5)), "p90": round(rank(lat, 0.9)),
                    "p99": round(rank(lat, 0.99)), "max": round(lat[-1])})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
