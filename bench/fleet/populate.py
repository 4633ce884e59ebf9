#!/usr/bin/env python3
"""Fills a fresh console for bench/fleet/run.sh: signs in, registers one cluster per stand-in port, creates
PIPELINES pipelines on each (a mysql -> doris pipeline with a password, as production ones have), starts every one
and waits until every run is RUNNING. Prints the session token on stdout (progress on stderr).

  populate.py --console http://127.0.0.1:PORT --password PW --ports-file FILE --pipelines N [--workers 8]
"""
import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

YAML = """source:
  type: mysql
  name: orders-{i} source
  hostname: mysql-{c}.db.internal
  port: 3306
  username: cdc_reader
  password: s3cret-{i}
  tables: shop_{c}.orders_\\.*, shop_{c}.customers
  server-id: 5400-5404
  server-time-zone: UTC
  scan.startup.mode: initial

sink:
  type: doris
  name: doris-{c} sink
  fenodes: doris-{c}.db.internal:8030
  username: cdc_writer
  password: d0ris-{i}
  table.create.properties.light_schema_change: true
  table.create.properties.replication_num: 1

route:
  - source-table: shop_{c}.orders_\\.*
    sink-table: ods_{c}.orders
    description: merge the order shards
  - source-table: shop_{c}.customers
    sink-table: ods_{c}.customers

pipeline:
  name: orders-{i} to doris
  parallelism: 2
"""

local = threading.local()


def log(msg):
    print("[populate %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def call(base, method, path, body=None, token=None, ok=(200, 201, 202)):
    """One request on this thread's keep-alive connection; answers the parsed JSON body."""
    conn = getattr(local, "conn", None)
    if conn is None:
        u = urllib.parse.urlparse(base)
        conn = local.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    for attempt in range(3):
        try:
            conn.request(method, "/api/v1" + path, body=None if body is None else json.dumps(body), headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            break
        except (http.client.HTTPException, OSError):
            conn.close()
            if attempt == 2:
                raise
            time.sleep(0.5)
    if resp.status not in ok:
        raise RuntimeError("%s %s -> %d %s" % (method, path, resp.status, data[:300]))
    return json.loads(data) if data else None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--console", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--ports-file", required=True)
    p.add_argument("--pipelines", type=int, required=True)
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--timeout", type=int, default=1800)
    a = p.parse_args()
    base = a.console
    token = call(base, "POST", "/auth/login", {"username": "admin", "password": a.password})["token"]
    ports = [int(line) for line in open(a.ports_file) if line.strip()]

    clusters = []
    for n, port in enumerate(ports):
        c = call(base, "POST", "/clusters", {"name": "fleet-%03d" % n, "restUrl": "http://127.0.0.1:%d" % port,
                                              "labels": {"fleet": "bench", "zone": "z%d" % (n % 4)},
                                              "cdc": {"mode": "provided", "version": "3.2.0"}}, token)
        clusters.append(c["id"])
    log("%d clusters registered" % len(clusters))

    jobs = [(n, cid, k) for n, cid in enumerate(clusters) for k in range(a.pipelines)]

    def create_and_start(job):
        n, cid, k = job
        i = n * a.pipelines + k
        created = call(base, "POST", "/pipelines", {
            "name": "orders-%03d-%04d" % (n, k), "clusterId": cid, "description": "bench pipeline %d" % i,
            "labels": {"team": "t%d" % (i % 7), "env": "bench"}, "yaml": YAML.format(i=i, c=n)}, token)
        call(base, "POST", "/pipelines/%d/runs" % created["id"], {}, token)
        with progress_lock:
            progress["done"] += 1
            if progress["done"] % 1000 == 0:
                # the start rate as the active runs grow: each thousand's own rate
                now = time.time()
                log("%d started; the last 1000 at %.1f/s" % (progress["done"], 1000 / (now - progress["at"])))
                progress["at"] = now
        return created["id"]

    started = time.time()
    progress_lock = threading.Lock()
    progress = {"done": 0, "at": started}
    with ThreadPoolExecutor(a.workers) as pool:
        ids = list(pool.map(create_and_start, jobs))
    log("%d pipelines created and started in %.0f s" % (len(ids), time.time() - started))

    want = len(ids)
    deadline = time.time() + a.timeout
    while True:
        running = call(base, "GET", "/pipelines?state=RUNNING&limit=1", token=token)["total"]
        if running == want:
            break
        failed = call(base, "GET", "/pipelines?state=FAILED_TO_SUBMIT,FAILED,LOST&limit=1", token=token)["total"]
        if failed:
            raise RuntimeError("%d runs failed (FAILED_TO_SUBMIT, FAILED or LOST): see the console log" % failed)
        if time.time() > deadline:
            raise RuntimeError("only %d of %d runs RUNNING after %d s" % (running, want, a.timeout))
        log("%d of %d runs RUNNING" % (running, want))
        time.sleep(2)
    log("all %d runs RUNNING after %.0f s" % (want, time.time() - started))
    print(json.dumps({"token": token, "firstId": min(ids), "lastId": max(ids)}))


if __name__ == "__main__":
    main()
