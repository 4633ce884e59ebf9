#!/usr/bin/env python3
"""Bad input: thousands of generated malformed requests over every operation of the console's OpenAPI document.

  bench/faults/bad_input.py [--rounds N] [--out DIR]

Starts a stand-in Flink JobManager (bench/fleet/flink_standin.py) and the built console (a temporary home, embedded
PostgreSQL, 127.0.0.1, a free port), creates a few things to aim at (a cluster, a pipeline with a run, a user, a
secret), then reads /api/v1/openapi.json and sends, for every operation: bad path ids (negative, huge, not numbers,
U+0000, lone surrogates, invalid UTF-8, path traversal, 10 000 characters), bad query values, broken JSON, wrongly
typed JSON for every property, deep nesting, huge strings, U+0000 and lone surrogates in every string, invalid YAML,
YAML alias bombs and tags, savepoint paths and names with `..`, wrong content types, huge and many headers and bad
credentials. DELETEs only ever get bad ids, and POST /auth/logout only bad credentials, so the targets stay.

Checks: no answer is 5xx, every 4xx is application/problem+json, the console answers /health all along and a valid
request at the end, and heap after a full GC / RSS before and after (after a warm-up pass of the same requests).
Prints a Markdown summary on stdout; exit 1 on any 5xx, lost answer on a small request or a dead console.
Every request is bounded (60 s timeout; /events 5 s) and the count is fixed by the document and --rounds.
"""
import argparse
import collections
import json
import os
import random
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import Api, Console, log  # noqa: E402

TAG = "bad-input"
STANDIN = os.path.join(harness.ROOT, "bench", "fleet", "flink_standin.py")

VALUES_YAML = """source:
  type: values
  event-set.id: SINGLE_SPLIT_SINGLE_TABLE
sink:
  type: values
pipeline:
  parallelism: 1
"""

BAD_IDS = ["-1", "0", "99999999999999999999999", "1e9", "abc", "%00", "a%00b", "%ED%A0%80", "%C0%AF", "%FF%FE",
           "..%2F..%2Fetc%2Fpasswd", "..", "%2E%2E", "....%2F%2F", "x" * 10000, "%F0%9F%92%A9", "1%20OR%201%3D1",
           "%27%3B--", "null", "true", "%5B%5D", "%7B%7D", "%0D%0ASet-Cookie%3A%20a%3Db"]
BAD_QUERY = ["-1", "0", "abc", "99999999999999999999", "1.5", "%00", "%ED%A0%80", "x" * 5000, "", "%FF",
             "RUNNING,%00", "..%2F..", "null"]
BROKEN_JSON = [b"{", b"}", b"{\"a\":", b"{'a':1}", b"{\"a\":1,}", b"[1,2", b"\"unterminated", b"nul", b"{\"a\":01}",
               b"{\"a\":NaN}", b"{\"a\":Infinity}", b"\xff\xfe{\x00}", b"{\"a\":\"\\ud800\"}", b"{\"a\":\"\\u0000\"}",
               b"{\"a\":1}{\"b\":2}", b"\x00", b"{\"a\":\"\\x\"}", b"{\"a\":1e999999}", b"{\"a\":-0}",
               b"{\"__proto__\":{\"admin\":true}}"]
TOP_LEVEL = [b"[]", b"\"x\"", b"1", b"null", b"true", b"[{}]", b"{}", b"   "]
WRONG_TYPED = [1, -1, 1.5, 9999999999999999999999, True, None, [], {}, "x", [1, 2], {"a": {"b": 1}}]
TRAVERSAL = ["../../../../etc/passwd", "..\\..\\windows", "file:///etc/passwd", "/etc/shadow", "../x",
             "s3://bucket/../../other", "hdfs:///a/../../b", "file:/tmp/%2e%2e/x", "\u0000/tmp", "~root/x",
             "..", ".", "/", "", "x/" * 2000]
BAD_NAMES = ["../x", "..%2F..", "a/b", "a\u0000b", "\ud800", "x" * 5000, "", " ", "\u202e", "<script>", "..",
             "CON", "a\nb"]
ALIAS_BOMB = "\n".join(["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"] +
                       ["%s: &%s [%s]" % (chr(ord("b") + i), chr(ord("b") + i), ",".join(["*" + chr(ord("a") + i)] * 9))
                        for i in range(8)] + ["source: *i"])
BAD_YAML = [
    "source: [unclosed",
    "\tsource:\n\t\ttype: values",
    "source:\n  type: values\n source: x",
    ALIAS_BOMB,
    "source: &x\n  type: values\n  self: *x\nsink: *x",
    "source: !!java.net.URL [\"http://127.0.0.1:1/\"]\nsink:\n  type: values",
    "source: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://127.0.0.1:1\"]]]]",
    "source:\n  type: values\n  password: !!timestamp \"******\"\nsink:\n  type: values",
    "source:\n  type: !!binary AAAA\nsink:\n  type: values",
    "source:\n  type: values\nsink:\n  type: values\n" + "".join("k%d: %d\n" % (i, i) for i in range(20000)),
    "[" * 20000 + "]" * 20000,
    "a: " + "{" * 20000,
    "- " * 5000 + "x",
    "source:\n  type: \"\\u0000\"\nsink:\n  type: values",
    "source:\n  type: \"\\ud800\"\nsink:\n  type: values",
    "%YAML 9.9\n---\nsource: x",
    "---\nsource: a\n---\nsource: b",
    "? [a, b]\n: c",
    "source: {type: values, " + "x: " * 3000 + "y}",
    "<<: *nope",
    "\x00\x01\x02",
    "source:\n  type: values\n  name: " + "x" * 300000 + "\nsink:\n  type: values",
    "",
]


def resolve(doc, node):
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        ref = node["$ref"]
        node = doc
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        seen += 1
    return node


def sample(doc, schema, fixtures, depth=0):
    """A plausible value for a schema (the base the mutations change)."""
    schema = resolve(doc, schema or {})
    if depth > 4:
        return None
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema:
            return sample(doc, schema[key][0], fixtures, depth + 1)
    t = schema.get("type")
    if isinstance(t, list):
        t = [x for x in t if x != "null"][0] if len(t) > 1 else t[0]
    if "enum" in schema:
        return schema["enum"][0]
    if t == "object" or "properties" in schema:
        return {k: sample(doc, v, fixtures, depth + 1) for k, v in schema.get("properties", {}).items()}
    if t == "array":
        return [sample(doc, schema.get("items", {}), fixtures, depth + 1)]
    if t == "integer":
        return fixtures.get("clusterId", 1)
    if t == "number":
        return 1
    if t == "boolean":
        return False
    return "fuzz"


class Fuzzer:
    def __init__(self, console, token, doc, fixtures, rng):
        self.console, self.token, self.doc, self.fx, self.rng = console, token, doc, fixtures, rng
        self.statuses = collections.Counter()
        self.by_route = collections.defaultdict(collections.Counter)
        self.fives = []
        self.not_problem = []
        self.lost = []
        self.sent = 0
        self.api = Api(console.base, timeout=60)
        self.events_api = Api(console.base, timeout=5)
        self.recording = True

    def send(self, route, method, path, body=None, headers=None, case=""):
        hs = {"Authorization": "Bearer " + self.token, "Accept": "application/json"}
        if body is not None:
            hs["Content-Type"] = "application/json"
        for k, v in (headers or {}).items():
            if v is None:
                hs.pop(k, None)
            else:
                hs[k] = v
        if route == "/auth/logout":
            hs["Authorization"] = (headers or {}).get("Authorization") or "Bearer not.a.token"
        if isinstance(body, str):
            body = body.encode("utf-8", "surrogatepass")
        api = self.events_api if route == "/events" else self.api
        key = "%s %s" % (method.upper(), route)
        try:
            status, rh, data = api.raw(method.upper(), "/api/v1" + path, body, hs)
        except Exception as e:  # noqa: BLE001 - any failure to answer is recorded
            api.close()
            if route == "/events" and "timed out" in str(e):
                status = "stream"
            else:
                status = "no answer"
                small = (body is None or len(body) < 1_000_000) and sum(len(str(v)) for v in hs.values()) < 8000
                if self.recording:
                    self.lost.append((key, case, type(e).__name__ + ": " + str(e)[:120], small))
            rh, data = {}, b""
        if not self.recording:
            return status
        self.sent += 1
        self.statuses[status] += 1
        self.by_route[key][status] += 1
        if isinstance(status, int) and status >= 500:
            self.fives.append((key, case, status, data[:400].decode("utf-8", "replace")))
        if isinstance(status, int) and 400 <= status < 500 and status != 404 or status == 404 and data:
            if not rh.get("content-type", "").startswith("application/problem+json"):
                self.not_problem.append((key, case, status, rh.get("content-type")))
        if self.sent % 100 == 0:
            self.check_alive()
        return status

    def check_alive(self):
        if not harness.alive(self.console.proc):
            raise RuntimeError("the console died after %d requests; see %s" % (self.sent, self.console.logfile))

    def path_value(self, route, name):
        fx = self.fx
        if name == "runId":
            return str(fx["runId"])
        if name in ("n", "a", "b"):
            return "1"
        if route.startswith("/clusters/"):
            return str(fx["clusterId"])
        if route.startswith("/users/"):
            return str(fx["userId"])
        if route.startswith("/secrets/"):
            return fx["secret"]
        if route.startswith("/ds-connections/"):
            return "fuzz-ds"
        if route.startswith("/tokens/"):
            return str(fx["tokenId"])
        if name == "triggerId":
            return "1"
        return fx["pipeline"]

    def fill(self, route, params, override=None):
        path = route
        for name in params:
            value = (override or {}).get(name)
            if value is None:
                value = urllib.parse.quote(self.path_value(route, name), safe="")
            path = path.replace("{%s}" % name, value)
        return path

    def operations(self):
        for route, item in self.doc["paths"].items():
            common = item.get("parameters", [])
            for method, op in item.items():
                if method not in ("get", "post", "put", "patch", "delete"):
                    continue
                params = [resolve(self.doc, p) for p in common + op.get("parameters", [])]
                yield route, method, op, params

    def run(self):
        for route, method, op, params in self.operations():
            self.operation(route, method, op, params)

    def operation(self, route, method, op, params):
        path_names = [p["name"] for p in params if p.get("in") == "path"]
        query = [p for p in params if p.get("in") == "query"]
        destructive = method == "delete"
        body_schema = None
        rb = resolve(self.doc, op.get("requestBody") or {})
        if rb:
            body_schema = resolve(self.doc, rb.get("content", {}).get("application/json", {}).get("schema", {}))
        base_body = sample(self.doc, body_schema, self.fx) if body_schema else None
        # ds endpoints: a valid pipeline in the query; never a wait
        base_query = "?pipeline=" + urllib.parse.quote(self.fx["pipeline"]) if route.startswith("/ds/") else ""

        # bad path ids, one parameter at a time
        for name in path_names:
            for bad in BAD_IDS:
                self.send(route, method, self.fill(route, path_names, {name: bad}) + base_query,
                          None if base_body is None else json.dumps(base_body), case="path %s=%s" % (name, bad[:40]))
        if destructive:
            return
        path = self.fill(route, path_names)
        sep = "&" if base_query else "?"
        # bad query values, one parameter at a time
        for p in query:
            for bad in BAD_QUERY:
                self.send(route, method, path + base_query + sep + p["name"] + "=" + bad, None,
                          case="query %s=%s" % (p["name"], bad[:40]))
        self.send(route, method, path + "?" + "&".join("p%d=%d" % (i, i) for i in range(2000)), case="2000 params")
        # headers and credentials
        self.headers(route, method, path + base_query)
        if method == "get" and not rb:
            return
        # bodies
        full = path + base_query
        for raw in BROKEN_JSON + TOP_LEVEL:
            self.send(route, method, full, raw, case="body %r" % raw[:30])
        self.send(route, method, full, b"[" * 100000 + b"]" * 100000, case="nesting 100000")
        self.send(route, method, full, b"{\"a\":" * 3000 + b"1" + b"}" * 3000, case="nesting 3000")
        self.send(route, method, full, b"{\"a\":\"" + b"x" * 3_000_000 + b"\"}", case="3 MB body")
        for ct in ["text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data",
                   "application/json; charset=utf-16", "application/yaml", "", "application/json, text/plain",
                   "*/*", "x" * 3000]:
            self.send(route, method, full, json.dumps(base_body if base_body is not None else {}),
                      {"Content-Type": ct}, case="content-type %s" % ct[:30])
        self.send(route, method, full, json.dumps(base_body or {}).encode("utf-16"), case="utf-16 body")
        if not isinstance(base_body, dict):
            return
        props = resolve(self.doc, body_schema).get("properties", {})
        for prop, pschema in props.items():
            pschema = resolve(self.doc, pschema)
            for wrong in WRONG_TYPED:
                self.send(route, method, full, json.dumps(dict(base_body, **{prop: wrong})),
                          case="%s=%r" % (prop, wrong))
            self.send(route, method, full, json.dumps(dict(base_body, **{prop: "x" * 900_000})),
                      case="%s huge" % prop)
            self.send(route, method, full, json.dumps(dict(base_body, **{prop: "a\u0000b"})), case="%s NUL" % prop)
            self.send(route, method, full, json.dumps(dict(base_body, **{prop: "a\ud800b"})),
                      case="%s lone surrogate" % prop)
            self.send(route, method, full, json.dumps(dict(base_body, **{prop: "a\ud800b"}), ensure_ascii=False),
                      case="%s lone surrogate as raw bytes" % prop)
            self.send(route, method, full, json.dumps(dict(base_body, **{prop: "\udfff"})), case="%s lone low" % prop)
            if prop in ("yaml", "content", "document"):
                for y in BAD_YAML:
                    self.send(route, method, full, json.dumps(dict(base_body, **{prop: y})),
                              case="%s bad yaml %r" % (prop, y[:30]))
            if prop in ("targetDirectory", "fromSavepoint", "savepointPath", "path"):
                for t in TRAVERSAL:
                    self.send(route, method, full, json.dumps(dict(base_body, **{prop: t})),
                              case="%s=%r" % (prop, t[:30]))
            if prop in ("name", "username", "secret", "table"):
                for n in BAD_NAMES:
                    self.send(route, method, full, json.dumps(dict(base_body, **{prop: n}), ensure_ascii=True),
                              case="%s=%r" % (prop, n[:30]))
            if prop in ("labels", "flinkConfiguration", "params", "headers"):
                for v in [{"pipeline.jars": "file:///etc/passwd"}, {"env.java.opts": "-Dx"}, {"$internal.x": "1"},
                          {("k%d" % i): "v" for i in range(5000)}, {"": ""}, {"a\u0000": "b"}, {"a": "\ud800"}]:
                    self.send(route, method, full, json.dumps(dict(base_body, **{prop: v})), case="%s map" % prop)
        self.send(route, method, full, json.dumps(dict(base_body, **{"unknownField": 1})), case="unknown field")
        self.send(route, method, full, json.dumps(base_body)[:-1] + ",\"a\":1,\"a\":2}", case="duplicate key")

    def headers(self, route, method, path):
        hs = [
            ({"Authorization": None}, "no credentials"),
            ({"Authorization": "Bearer"}, "empty bearer"),
            ({"Authorization": "Bearer " + "x" * 6000}, "long bearer"),
            ({"Authorization": "Basic YWRtaW46YWRtaW4="}, "basic"),
            ({"Authorization": "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."}, "alg none"),
            ({"Authorization": "Bearer " + self.token[:-2] + "xx"}, "bad signature"),
            ({"Authorization": "Bearer cdc_" + "0" * 40}, "unknown api token"),
            ({"Authorization": "Bearer \u00ff\u00fe".encode("latin-1").decode("latin-1")}, "latin-1 bearer"),
            ({"X-Big": "x" * 70000}, "70 KB header"),
            ({"If-Match": "\"abc\""}, "if-match not a number"),
            ({"If-Match": "\"" + "9" * 40 + "\""}, "if-match huge"),
            ({"If-Match": "*"}, "if-match star"),
            ({"Idempotency-Key": "k" * 20000}, "idempotency-key 20 KB"),
            ({"Idempotency-Key": "\u00ff"}, "idempotency-key latin-1"),
            ({"Accept": "text/event-stream"}, "accept sse"),
            ({"Accept": "application/xml"}, "accept xml"),
            ({"Last-Event-ID": "-1"}, "last-event-id -1"),
            ({"Last-Event-ID": "abc"}, "last-event-id abc"),
            ({"Origin": "http://evil.example"}, "foreign origin"),
        ]
        many = {"X-H%d" % i: "v" for i in range(300)}
        hs.append((many, "300 headers"))
        for extra, case in hs:
            self.send(route, method, path, None, extra, case=case)


def setup(console, token, standin_port, out):
    api = Api(console.base, token)
    cluster = api.call("POST", "/clusters", {"name": "standin", "restUrl": "http://127.0.0.1:%d" % standin_port,
                                             "cdc": {"mode": "provided", "version": "3.2.0"}})
    pipe = api.call("POST", "/pipelines", {"name": "fuzz", "clusterId": cluster["id"], "yaml": VALUES_YAML})
    run = api.call("POST", "/pipelines/%d/runs" % pipe["id"], {})
    user = api.call("POST", "/users", {"username": "fuzz-victim", "password": "fuzz-victim-Pw-%d" % random.randrange(10**9),
                                       "role": "viewer"})
    tok = api.call("POST", "/tokens", {"name": "fuzz-token"})
    api.call("PUT", "/secrets/fuzz-secret", {"value": "s3cret-value"})
    return {"clusterId": cluster["id"], "pipeline": "fuzz", "pipelineId": pipe["id"], "runId": run["id"],
            "userId": user["id"], "tokenId": tok.get("id", 1), "secret": "fuzz-secret"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=1, help="passes over the document after the warm-up (default 1)")
    ap.add_argument("--out", help="keep the console log and the findings here")
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    harness.require_jars(harness.CONSOLE_JAR)
    work = harness.workdir(TAG)
    rng = random.Random(a.seed)
    started = time.time()
    load_start = harness.loadavg()
    try:
        port_file = os.path.join(work, "ports.txt")
        standin = harness.spawn(["python3", STANDIN, "--clusters", "1", "--ports-file", port_file,
                                 "--control-port", str(harness.free_port())], os.path.join(work, "standin.log"))
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.1)
        standin_port = int(open(port_file).read().split()[0])
        password = "bad-input-%d" % rng.randrange(10**9)
        console = Console(work, password).start()
        token = console.login()
        log(TAG, "console ready on %s (pid %d)" % (console.base, console.proc.pid))
        fx = setup(console, token, standin_port, work)
        doc = Api(console.base).call("GET", "/openapi.json")
        fuzz = Fuzzer(console, token, doc, fx, rng)
        # warm-up: the same requests, not counted, so that class loading and JIT are behind the "before" figures
        fuzz.recording = False
        fuzz.run()
        fuzz.recording = True
        heap0, rss0 = console.heap_after_gc_kb(), console.rss_kb()
        log(TAG, "warm-up done; heap after GC %d KiB, RSS %d KiB" % (heap0, rss0))
        for r in range(a.rounds):
            fuzz.run()
            log(TAG, "round %d: %d requests, %d 5xx" % (r + 1, fuzz.sent, len(fuzz.fives)))
        heap1, rss1 = console.heap_after_gc_kb(), console.rss_kb()
        fuzz.check_alive()
        me = Api(console.base, token).status("GET", "/me")
        health_ok = console.ready()
        ops = sum(1 for _ in fuzz.operations())
        elapsed = time.time() - started

        print("### Bad input: %d malformed requests over %d operations (%d rounds after a warm-up)" %
              (fuzz.sent, ops, a.rounds))
        print()
        print("Load average at the start %s, at the end %s; %.0f s in all." % (load_start, harness.loadavg(), elapsed))
        print()
        print("| status | requests |")
        print("|---|---:|")
        for status, n in sorted(fuzz.statuses.items(), key=lambda kv: str(kv[0])):
            print("| %s | %d |" % (status, n))
        print()
        print("5xx: **%d**. 4xx that are not application/problem+json: %d. Requests without an answer: %d "
              "(%d of them small)." % (len(fuzz.fives), len(fuzz.not_problem), len(fuzz.lost),
                                       sum(1 for x in fuzz.lost if x[3])))
        print("After the run: console alive, `/ready` %s, `GET /me` %d." % ("200" if health_ok else "NOT 200", me))
        print("Heap in use after a full GC: %.1f MiB before, %.1f MiB after; RSS %.0f MiB before, %.0f MiB after." %
              (heap0 / 1024, heap1 / 1024, rss0 / 1024, rss1 / 1024))
        for title, rows in (("5xx", fuzz.fives), ("not problem+json", fuzz.not_problem), ("no answer", fuzz.lost)):
            if rows:
                print()
                print("%s (first 40):" % title)
                for row in rows[:40]:
                    print("- " + " | ".join(str(x) for x in row))
        if a.out:
            os.makedirs(a.out, exist_ok=True)
            with open(os.path.join(a.out, "by-route.json"), "w") as f:
                json.dump({k: {str(s): n for s, n in v.items()} for k, v in fuzz.by_route.items()}, f, indent=1)
            with open(os.path.join(a.out, "findings.json"), "w") as f:
                json.dump({"5xx": fuzz.fives, "notProblem": fuzz.not_problem, "lost": fuzz.lost}, f, indent=1)
        small_lost = sum(1 for x in fuzz.lost if x[3])
        return 1 if fuzz.fives or small_lost or not health_ok or me != 200 else 0
    finally:
        harness.stop_all()
        harness.keep_logs(work, a.out)


if __name__ == "__main__":
    sys.exit(main())
