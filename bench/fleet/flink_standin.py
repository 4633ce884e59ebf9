#!/usr/bin/env python3
"""A stand-in fleet of Flink REST servers for bench/fleet/run.sh: N JobManagers, one loopback port each.

Serves what the console asks of a Flink session cluster (REST API v1 shapes, trimmed to the fields the console
reads): /overview, /config, /jobmanager/config, /jars, /jars/upload, /jars/{id}/run (takes the console's jobId and
lists the job as RUNNING), /jobs/overview, /jobs/{id}, /jobs/{id}/checkpoints, /jobs/{id}/exceptions, cancel
(PATCH /jobs/{id}?mode=cancel), stop and savepoints (POST /jobs/{id}/stop|savepoints, GET .../savepoints/{trigger}).
No job runs anywhere: it is the REST surface a fleet of real clusters shows to the console, nothing more.

What the health sampler (io.cdcconsole.health.HealthWatcher) asks is answered as Flink 1.20 with a Flink CDC 3.2.0
MySQL -> Doris pipeline of parallelism 2 would: the job plan (/jobs/{id}/plan, and in /jobs/{id}) with two vertices,
the source chained with the schema operator; the metric names of a vertex (/jobs/{id}/vertices/{vid}/subtasks/metrics)
and their values aggregated over the subtasks (the same with ?get=a,b&agg=min,max,...); no enumerator metrics
(.../jm-operator-metrics answers [], as Flink CDC 3.2.0's). With --checkpoint-every S every job completes a
checkpoint every S seconds (/jobs/{id}/checkpoints with counts, latest, summary and the last 10 in history); without
it (0, the default) a job has none.

Every request is counted per cluster and per endpoint (the path with ids replaced by {id}; a request with a `get`
parameter is counted apart, as "...?get=…"); GET /_bench/counters on the control port answers
{"clusters": {port: {endpoint: count}}} for all of them.

  flink_standin.py --clusters N --ports-file FILE --control-port PORT [--checkpoint-every S]

writes the N ports to FILE (one a line) once all listen, and serves until SIGTERM/SIGINT. Listens on 127.0.0.1 only.
"""
import argparse
import hashlib
import json
import random
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FLINK_VERSION = "1.20.1"
ID = re.compile(r"/[0-9a-f]{32}(?=/|$)|/[0-9a-f-]{36}[^/]*(?=/|$)|/trig-[0-9a-f]+(?=/|$)")


class Cluster:
    """One JobManager's state: uploaded jars, jobs by id, request counters."""

    def __init__(self, port):
        self.port = port
        self.lock = threading.Lock()
        self.jars = {}      # jar id -> original file name
        self.jobs = {}      # job id -> {name, state, start}
        self.triggers = {}  # trigger id -> (job id, kind)
        self.counters = {}

    def count(self, method, path):
        path, _, query = path.partition("?")
        key = method + " " + ID.sub("/{id}", path)
        if any(p.startswith("get=") for p in query.split("&")):
            key += "?get=…"
        with self.lock:
            self.counters[key] = self.counters.get(key, 0) + 1


def now_ms():
    return int(time.time() * 1000)


def job_overview(jid, job):
    end = job.get("end", -1)
    return {"jid": jid, "name": job["name"], "state": job["state"], "start-time": job["start"], "end-time": end,
            "duration": (end if end > 0 else now_ms()) - job["start"], "last-modification": job["start"],
            "tasks": {"total": 2, "running": 2 if job["state"] == "RUNNING" else 0, "finished": 0, "canceled": 0,
                      "failed": 0, "created": 0, "scheduled": 0, "deploying": 0, "reconciling": 0,
                      "initializing": 0, "canceling": 0}}


CHECKPOINT_EVERY_MS = 0  # --checkpoint-every, in ms; 0: jobs complete no checkpoint

SOURCE_OP = "Source__Flink_CDC_Event_Source__mysql"
# what Flink 1.20 lists for any task (a vertex's subtasks/metrics without `get`), and per operator of its chain
TASK_METRICS = [
    "numRecordsIn", "numRecordsOut", "numRecordsInPerSecond", "numRecordsOutPerSecond", "numBytesIn", "numBytesOut",
    "numBytesInPerSecond", "numBytesOutPerSecond", "numBuffersOutPerSecond", "isBackPressured",
    "idleTimeMsPerSecond", "busyTimeMsPerSecond", "backPressuredTimeMsPerSecond", "softBackPressuredTimeMsPerSecond",
    "hardBackPressuredTimeMsPerSecond", "maxSoftBackPressureTimeMs", "maxHardBackPressureTimeMs",
    "accumulateIdleTimeMs", "accumulateBusyTimeMs", "accumulateBackPressuredTimeMs", "checkpointStartDelayNanos",
    "checkpointAlignmentTime", "mailboxMailsPerSecond", "mailboxLatencyMs", "mailboxQueueSize", "initializationTime",
    "Shuffle.Netty.Output.Buffers.outputQueueLength", "Shuffle.Netty.Output.Buffers.outPoolUsage",
    "Shuffle.Netty.Output.Buffers.outputQueueSize", "Shuffle.Netty.Input.Buffers.inPoolUsage"]
OPERATOR_METRICS = ["numRecordsIn", "numRecordsOut", "numRecordsInPerSecond", "numRecordsOutPerSecond",
                    "numRecordsInErrors", "currentInputWatermark", "currentOutputWatermark"]
SOURCE_METRICS = ["currentFetchEventTimeLag", "currentEmitEventTimeLag", "sourceIdleTime", "numBytesIn",
                  "numBytesInPerSecond", "pendingRecords"]
SCHEMA_METRICS = ["numSchemaChangeEvents", "numFinishedSchemaChangeEvents", "numFailedSchemaChangeEvents",
                  "numIgnoredSchemaChangeEvents"]
SOURCE_NAMES = (TASK_METRICS + ["%s.%s" % (SOURCE_OP, m) for m in OPERATOR_METRICS + SOURCE_METRICS]
                + ["SchemaOperator.%s" % m for m in OPERATOR_METRICS + SCHEMA_METRICS]
                + ["PrePartition.%s" % m for m in OPERATOR_METRICS])
SINK_OP = "Sink_Writer__Flink_CDC_Event_Sink__doris"
SINK_NAMES = (TASK_METRICS + ["PostPartition.%s" % m for m in OPERATOR_METRICS]
              + ["%s.%s" % (SINK_OP, m) for m in OPERATOR_METRICS + ["numRecordsSend", "numRecordsOutErrors"]])
PARALLELISM = 2
RATE = 40.0  # change events per second per subtask


def vertex_ids(jid):
    """The job's two vertex ids (32 hex digits, as Flink's), the source first."""
    return [hashlib.md5((jid + suffix).encode()).hexdigest() for suffix in ("source", "sink")]


def plan(jid, job):
    source, sink = vertex_ids(jid)
    return {"jid": jid, "name": job["name"], "type": "STREAMING", "nodes": [
        {"id": sink, "parallelism": PARALLELISM, "operator": "", "operator_strategy": "",
         "description": "PostPartition<br/>+- Sink Writer: Flink CDC Event Sink: doris<br/>",
         "inputs": [{"num": 0, "id": source, "ship_strategy": "CUSTOM", "exchange": "pipelined_bounded"}],
         "optimizer_properties": {}},
        {"id": source, "parallelism": PARALLELISM, "operator": "", "operator_strategy": "",
         "description": "Source: Flink CDC Event Source: mysql<br/>+- SchemaOperator<br/>   +- PrePartition<br/>",
         "optimizer_properties": {}}]}


def job_details(jid, job):
    """GET /jobs/{id}, as Flink 1.20 shapes it."""
    d = job_overview(jid, job)
    running = job["state"] == "RUNNING"
    tasks = dict(d["tasks"])
    del tasks["total"]
    tasks["running"] = PARALLELISM if running else 0
    names = ["Source: Flink CDC Event Source: mysql -> SchemaOperator -> PrePartition",
             "PostPartition -> Sink Writer: Flink CDC Event Sink: doris"]
    vertices = []
    for vid, name in zip(vertex_ids(jid), names):
        vertices.append({"id": vid, "slotSharingGroupId": hashlib.md5(b"default").hexdigest(), "name": name,
                         "maxParallelism": 128, "parallelism": PARALLELISM,
                         "status": "RUNNING" if running else job["state"], "start-time": job["start"],
                         "end-time": -1, "duration": d["duration"], "tasks": tasks,
                         "metrics": {"read-bytes": 0, "read-bytes-complete": True, "write-bytes": 0,
                                     "write-bytes-complete": True, "read-records": 0, "read-records-complete": True,
                                     "write-records": 0, "write-records-complete": True,
                                     "accumulated-backpressured-time": 0, "accumulated-idle-time": 0,
                                     "accumulated-busy-time": 0.0}})
    d.pop("tasks")
    d.pop("last-modification")
    d.update({"isStoppable": False, "job-type": "STREAMING", "maxParallelism": -1, "now": now_ms(),
              "timestamps": {"INITIALIZING": job["start"], "CREATED": job["start"], "RUNNING": job["start"]},
              "vertices": vertices, "status-counts": {"RUNNING": len(vertices)} if running else {},
              "plan": plan(jid, job)})
    return d


def metric_value(jid, job, name):
    """One subtask's value of a metric, moving with time as a busy CDC source's would."""
    up_s = (now_ms() - job["start"]) / 1000.0
    short = name.rsplit(".", 1)[-1]
    if short in ("currentFetchEventTimeLag", "currentEmitEventTimeLag"):
        return float(random.randint(300, 3000))
    if short == "sourceIdleTime":
        return float(random.randint(0, 200))
    if short.endswith("PerSecond"):
        return RATE
    if short in ("numRecordsIn", "numRecordsOut", "numRecordsSend"):
        return float(int(up_s * RATE))
    return 0.0


def subtask_metrics(jid, job, vid, query):
    """GET /jobs/{id}/vertices/{vid}/subtasks/metrics[?get=a,b&agg=min,max,...]; None: no such vertex."""
    source, sink = vertex_ids(jid)
    if vid not in (source, sink):
        return None
    names = SOURCE_NAMES if vid == source else SINK_NAMES
    params = {k: urllib.parse.unquote(v) for k, v in (p.split("=", 1) for p in query.split("&") if "=" in p)}
    if "get" not in params:
        return [{"id": n} for n in names]
    aggs = params.get("agg", "min,max,avg,sum,skew").split(",")
    out = []
    for n in params["get"].split(","):
        if n not in names:
            continue  # Flink leaves out what no subtask reports
        values = [metric_value(jid, job, n) for _ in range(PARALLELISM)]
        all_aggs = {"min": min(values), "max": max(values), "avg": sum(values) / len(values), "sum": sum(values),
                    "skew": 0.0}
        m = {"id": n}
        m.update({a: all_aggs[a] for a in aggs if a in all_aggs})
        out.append(m)
    return out


def checkpoint(jid, job, n):
    """The n-th completed checkpoint of a job (1-based), as in /checkpoints' latest and history."""
    ack = job["start"] + n * CHECKPOINT_EVERY_MS
    size = 40000 + 17 * n
    return {"className": "completed", "id": n, "status": "COMPLETED", "is_savepoint": False,
            "savepointFormat": None, "trigger_timestamp": ack - 180, "latest_ack_timestamp": ack,
            "checkpointed_size": size, "state_size": size, "end_to_end_duration": 180, "alignment_buffered": 0,
            "processed_data": 0, "persisted_data": 0, "num_subtasks": 2 * PARALLELISM,
            "num_acknowledged_subtasks": 2 * PARALLELISM, "checkpoint_type": "CHECKPOINT",
            "tasks": {}, "external_path": "file:/tmp/standin-checkpoints/%s/chk-%d" % (jid, n), "discarded": False}


def checkpoints(jid, job):
    """GET /jobs/{id}/checkpoints, as Flink 1.20 shapes it."""
    n = (now_ms() - job["start"]) // CHECKPOINT_EVERY_MS if CHECKPOINT_EVERY_MS > 0 else 0
    if n == 0:
        return {"counts": {"completed": 0, "failed": 0, "in_progress": 0, "restored": 0, "total": 0},
                "latest": {"completed": None}, "history": []}
    history = [checkpoint(jid, job, i) for i in range(n, max(0, n - 10), -1)]

    def stats(v):
        return {"min": v, "max": v, "avg": v, "p50": v, "p90": v, "p95": v, "p99": v, "p999": v}

    return {"counts": {"completed": n, "failed": 0, "in_progress": 0, "restored": 0, "total": n},
            "summary": {"checkpointed_size": stats(history[0]["checkpointed_size"]),
                        "state_size": stats(history[0]["state_size"]), "end_to_end_duration": stats(180),
                        "alignment_buffered": stats(0), "processed_data": stats(0), "persisted_data": stats(0)},
            "latest": {"completed": history[0], "savepoint": None, "failed": None, "restored": None},
            "history": history}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the console's client expects
    cluster = None  # set per server

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        data = b""
        while len(data) < length:
            chunk = self.rfile.read(min(1 << 20, length - len(data)))
            if not chunk:
                break
            data += chunk
        return data

    def not_found(self):
        self.reply(404, {"errors": ["Not found: " + self.path]})

    def do_GET(self):
        c = self.cluster
        c.count("GET", self.path)
        path = self.path.split("?", 1)[0]
        if path == "/overview":
            with c.lock:
                running = sum(1 for j in c.jobs.values() if j["state"] == "RUNNING")
            slots = max(64, running + 16)
            return self.reply(200, {"taskmanagers": 4, "slots-total": slots, "slots-available": slots - running,
                                    "jobs-running": running, "jobs-finished": 0, "jobs-cancelled": 0,
                                    "jobs-failed": 0, "flink-version": FLINK_VERSION, "flink-commit": "standin"})
        if path == "/config":
            return self.reply(200, {"refresh-interval": 3000, "timezone-name": "Coordinated Universal Time",
                                    "timezone-offset": 0, "flink-version": FLINK_VERSION, "flink-revision": "standin",
                                    "features": {"web-submit": True, "web-cancel": True, "web-rescale": False,
                                                 "web-history": False}})
        if path == "/jobmanager/config":
            return self.reply(200, [{"key": "rest.server.max-content-length", "value": "524288000"}])
        if path == "/jars":
            with c.lock:
                files = [{"id": jid, "name": name, "uploaded": 0, "entry": []} for jid, name in c.jars.items()]
            return self.reply(200, {"address": "http://127.0.0.1:%d" % c.port, "files": files})
        if path == "/jobs/overview":
            with c.lock:
                jobs = [job_overview(jid, j) for jid, j in c.jobs.items()]
            return self.reply(200, {"jobs": jobs})
        m = re.fullmatch(r"/jobs/([0-9a-f]{32})(/.*)?", path)
        if not m:
            return self.not_found()
        with c.lock:
            job = c.jobs.get(m.group(1))
            job = dict(job) if job else None
        if job is None:
            return self.reply(404, {"errors": ["Job %s not found" % m.group(1)]})
        rest = m.group(2) or ""
        jid = m.group(1)
        if rest == "":
            return self.reply(200, job_details(jid, job))
        if rest == "/plan":
            return self.reply(200, {"plan": plan(jid, job)})
        if rest == "/checkpoints":
            return self.reply(200, checkpoints(jid, job))
        v = re.fullmatch(r"/vertices/([0-9a-f]{32})/(subtasks/metrics|jm-operator-metrics)", rest)
        if v:
            if v.group(1) not in vertex_ids(jid):
                return self.reply(404, {"errors": ["Vertex %s not found" % v.group(1)]})
            if v.group(2) == "jm-operator-metrics":
                return self.reply(200, [])  # Flink CDC 3.2.0's enumerator reports none
            query = self.path.split("?", 1)[1] if "?" in self.path else ""
            return self.reply(200, subtask_metrics(jid, job, v.group(1), query))
        if rest == "/exceptions":
            return self.reply(200, {"root-exception": None, "timestamp": None, "all-exceptions": [],
                                    "truncated": False, "exceptionHistory": {"entries": [], "truncated": False}})
        t = re.fullmatch(r"/savepoints/(trig-[0-9a-f]+)", rest)
        if t:
            return self.reply(200, {"status": {"id": "COMPLETED"},
                                    "operation": {"location": "file:/tmp/standin-savepoints/" + t.group(1)}})
        return self.not_found()

    def do_POST(self):
        c = self.cluster
        c.count("POST", self.path)
        path = self.path.split("?", 1)[0]
        data = self.body()
        if path == "/jars/upload":
            name = "launcher.jar"
            m = re.search(rb'filename="([^"]+)"', data[:4096])
            if m:
                name = m.group(1).decode(errors="replace").rsplit("/", 1)[-1]
            jar_id = "%s_%s" % (uuid.uuid4(), name)
            with c.lock:
                c.jars[jar_id] = name
            return self.reply(200, {"filename": "/tmp/flink-web-standin/flink-web-upload/" + jar_id,
                                    "status": "success"})
        m = re.fullmatch(r"/jars/([^/]+)/run", path)
        if m:
            with c.lock:
                known = m.group(1) in c.jars
            if not known:
                return self.reply(404, {"errors": ["Jar file /tmp/%s does not exist" % m.group(1)]})
            req = json.loads(data or b"{}")
            jid = req.get("jobId") or uuid.uuid4().hex
            with c.lock:
                if jid in c.jobs:
                    return self.reply(409, {"errors": ["Job has already been submitted."]})
                c.jobs[jid] = {"name": "standin-" + jid[:8], "state": "RUNNING", "start": now_ms()}
            return self.reply(200, {"jobid": jid})
        m = re.fullmatch(r"/jobs/([0-9a-f]{32})/(stop|savepoints)", path)
        if m:
            with c.lock:
                if m.group(1) not in c.jobs:
                    return self.reply(404, {"errors": ["Job %s not found" % m.group(1)]})
                trigger = "trig-" + uuid.uuid4().hex[:16]
                c.triggers[trigger] = (m.group(1), m.group(2))
                if m.group(2) == "stop":
                    c.jobs[m.group(1)]["state"] = "FINISHED"
                    c.jobs[m.group(1)]["end"] = now_ms()
            return self.reply(202, {"request-id": trigger})
        return self.not_found()

    def do_PATCH(self):
        c = self.cluster
        c.count("PATCH", self.path)
        self.body()
        m = re.fullmatch(r"/jobs/([0-9a-f]{32})", self.path.split("?", 1)[0])
        if not m:
            return self.not_found()
        with c.lock:
            job = c.jobs.get(m.group(1))
            if job is None:
                return self.reply(404, {"errors": ["Job %s not found" % m.group(1)]})
            if job["state"] == "RUNNING":
                job["state"] = "CANCELED"
                job["end"] = now_ms()
        return self.reply(202, {})


class ControlHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    clusters = []

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        if self.path != "/_bench/counters":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        out = {}
        for c in self.clusters:
            with c.lock:
                out[str(c.port)] = dict(c.counters)
                out[str(c.port)]["jobs"] = len(c.jobs)
        data = json.dumps({"clusters": out}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve(handler_class, port):
    server = ThreadingHTTPServer(("127.0.0.1", port), handler_class)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clusters", type=int, required=True)
    parser.add_argument("--ports-file", required=True)
    parser.add_argument("--control-port", type=int, required=True)
    parser.add_argument("--checkpoint-every", type=float, default=0,
                        help="seconds between a job's completed checkpoints (0: none complete)")
    args = parser.parse_args()
    global CHECKPOINT_EVERY_MS
    CHECKPOINT_EVERY_MS = int(args.checkpoint_every * 1000)

    clusters = []
    for _ in range(args.clusters):
        for attempt in range(20):
            port = free_port()
            cluster = Cluster(port)
            handler = type("ClusterHandler", (Handler,), {"cluster": cluster})
            try:
                serve(handler, port)
                break
            except OSError:
                if attempt == 19:
                    raise
        clusters.append(cluster)
    ControlHandler.clusters = clusters
    serve(ControlHandler, args.control_port)
    with open(args.ports_file, "w") as f:
        f.write("".join("%d\n" % c.port for c in clusters))

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    while not stop.wait(1):
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
