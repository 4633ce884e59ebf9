#!/usr/bin/env python3
"""A stand-in fleet of Flink REST servers for bench/fleet/run.sh: N JobManagers, one loopback port each.

Serves what the console asks of a Flink session cluster (REST API v1 shapes, trimmed to the fields the console
reads): /overview, /config, /jobmanager/config, /jars, /jars/upload, /jars/{id}/run (takes the console's jobId and
lists the job as RUNNING), /jobs/overview, /jobs/{id}, /jobs/{id}/checkpoints, /jobs/{id}/exceptions, cancel
(PATCH /jobs/{id}?mode=cancel), stop and savepoints (POST /jobs/{id}/stop|savepoints, GET .../savepoints/{trigger}).
No job runs anywhere: it is the REST surface a fleet of real clusters shows to the console, nothing more.

Every request is counted per cluster and per endpoint (the path with ids replaced by {id}); GET /_bench/counters on
the control port answers {"clusters": {port: {endpoint: count}}} for all of them.

  flink_standin.py --clusters N --ports-file FILE --control-port PORT

writes the N ports to FILE (one a line) once all listen, and serves until SIGTERM/SIGINT. Listens on 127.0.0.1 only.
"""
import argparse
import json
import re
import signal
import socket
import sys
import threading
import time
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
        key = method + " " + ID.sub("/{id}", path.split("?", 1)[0])
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
        if rest == "":
            o = job_overview(m.group(1), job)
            o["vertices"] = []
            return self.reply(200, o)
        if rest == "/checkpoints":
            return self.reply(200, {"counts": {"completed": 0, "failed": 0, "in_progress": 0, "restored": 0,
                                               "total": 0}, "latest": {"completed": None}, "history": []})
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
    args = parser.parse_args()

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
