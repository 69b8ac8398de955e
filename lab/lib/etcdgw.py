"""A tiny client for etcd's JSON gateway (/v3/kv/..., /v3/lease/...) over mutual TLS, standard library only.

The lab's apiserver stand-in and seeder use it, so they need no etcd client library and no process per request.
Endpoints are URLs as in the manifests: https://10.0.0.1:2379 or https://[fd00::1]:2379.
"""
import base64
import http.client
import json
import ssl
from urllib.parse import urlparse


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


class Gateway:
    def __init__(self, endpoints, cacert, cert, key, timeout=5.0):
        self.endpoints = [urlparse(e) for e in endpoints]
        self.ctx = ssl.create_default_context(cafile=cacert)
        self.ctx.load_cert_chain(cert, key)
        self.timeout = timeout
        self.conn = None
        self.current = 0

    def _connect(self):
        ep = self.endpoints[self.current]
        self.conn = http.client.HTTPSConnection(ep.hostname, ep.port, context=self.ctx, timeout=self.timeout)

    def call(self, path, body, tries=None):
        """POST body to path on the first endpoint that answers (trying at most `tries` of them); raises the last
        error if none does."""
        last = None
        for _ in range(tries or len(self.endpoints)):
            try:
                if self.conn is None:
                    self._connect()
                self.conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.status != 200:
                    raise RuntimeError("%s %s: HTTP %d %s" % (self.endpoint(), path, resp.status, data[:200]))
                return json.loads(data)
            except (OSError, http.client.HTTPException, RuntimeError) as e:
                last = e
                self.close()
                self.current = (self.current + 1) % len(self.endpoints)
        raise last

    def endpoint(self):
        ep = self.endpoints[self.current]
        return "%s://%s:%s" % (ep.scheme, "[%s]" % ep.hostname if ":" in ep.hostname else ep.hostname, ep.port)

    def put(self, key, value, lease=None):
        body = {"key": b64(key), "value": b64(value)}
        if lease:
            body["lease"] = str(lease)
        return self.call("/v3/kv/put", body)

    def delete(self, key, tries=None):
        return self.call("/v3/kv/deleterange", {"key": b64(key)}, tries)

    def lease_grant(self, ttl):
        """A new lease of TTL seconds; returns its ID (an int)."""
        return int(self.call("/v3/lease/grant", {"TTL": str(ttl)})["ID"])

    def lease_keepalive(self, lease):
        """Renews the lease once; returns its new TTL, 0 when etcd no longer has it (expired, revoked, restored).

        LeaseKeepAlive is a stream; through the gateway, one request message gets one response message, wrapped
        as {"result": {...}}."""
        r = self.call("/v3/lease/keepalive", {"ID": str(lease)})
        r = r.get("result", r)
        return int(r.get("TTL", 0))

    def lease_ttl(self, lease):
        """The lease's remaining TTL in seconds, -1 when etcd does not have it."""
        return int(self.call("/v3/lease/timetolive", {"ID": str(lease)}).get("TTL", -1))

    def put_many(self, pairs):
        """All pairs in one transaction: one revision for the batch."""
        ops = [{"requestPut": {"key": b64(k), "value": b64(v)}} for k, v in pairs]
        return self.call("/v3/kv/txn", {"success": ops})

    def count(self, prefix):
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        r = self.call("/v3/kv/range", {"key": b64(prefix), "range_end": b64(end), "count_only": True})
        return int(r.get("count", 0)), int(r.get("header", {}).get("revision", 0))

    def close(self):
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None
