#!/usr/bin/env python3
"""Makes a fixture data directory for L2UpgradeTest with a built RatMemCache.

Usage: make.py BUILD_DIR OUT_DIR closed|killed

BUILD_DIR holds a packaged build (target/bin/ratmemcache). The server is started on a fresh
data directory, given the items below over the text and meta protocols, and then either stopped
(SIGTERM: a clean close, the memtables flushed to files) or killed with SIGKILL after the last
reply (write-through, so that everything acknowledged is in the write-ahead log and nothing in
files). OUT_DIR/data is the data directory (RocksDB's info logs left out) and OUT_DIR/expected.tsv
says what a reader must find in it:

    present <key> <flags> <exptime> <cas> <length> <sha256 of the value>
    absent  <key>

exptime is 0 (never) or an absolute epoch second; every item here that expires does so in 2100.
"""
import hashlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

IN_2100 = 4102444800


def value_of(key, length):
    """Deterministic bytes for a key: a text pattern when the name says so, else pseudo-random."""
    if key.startswith(b"compressible"):
        unit = b'{"user": "' + key + b'", "items": [1, 2, 3], "active": true}\n'
        return (unit * (length // len(unit) + 1))[:length]
    rng = random.Random(key)
    return bytes(rng.getrandbits(8) for _ in range(length))


class Client:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.buffer = b""

    def line(self):
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("server closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def exact(self, n):
        while len(self.buffer) < n:
            self.buffer += self.sock.recv(65536)
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def command(self, text, data=None, expect=None):
        self.sock.sendall(text + b"\r\n" + (b"" if data is None else data + b"\r\n"))
        reply = self.line()
        if expect is not None and reply != expect:
            raise AssertionError(f"{text[:80]!r}: {reply!r}, expected {expect!r}")
        return reply

    def gets(self, key):
        self.sock.sendall(b"gets " + key + b"\r\n")
        header = self.line().split()
        if header == [b"END"]:
            return None
        flags, length, cas = int(header[2]), int(header[3]), int(header[4])
        value = self.exact(length + 2)[:length]
        assert self.line() == b"END"
        return flags, value, cas


def wait_port(port):
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"no server on port {port}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(build, out, mode):
    port = free_port()
    data = tempfile.mkdtemp(prefix="l2-fixture-")
    options = (f"-Dratmemcache.server.bind=127.0.0.1 -Dratmemcache.server.port={port} -Dquarkus.http.port=0 "
               f"-Dquarkus.management.port=0 -Dquarkus.log.level=WARN -Dratmemcache.l2.data-dir={data} "
               f"-Dratmemcache.l2.clear-on-startup=false"
               + (" -Dratmemcache.l2.write-policy=write-through" if mode == "killed" else ""))
    server = subprocess.Popen([os.path.join(build, "target/bin/ratmemcache"), "-m", "64"],
                              env=dict(os.environ, JAVA_OPTS=options))
    try:
        wait_port(port)
        expected = fill(Client(port))
        if mode == "killed":
            server.send_signal(signal.SIGKILL)
        else:
            server.send_signal(signal.SIGTERM)
        server.wait(60)
    finally:
        if server.poll() is None:
            server.kill()
    target = os.path.join(out, "data")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(data, target, ignore=shutil.ignore_patterns("LOG", "LOG.old.*"))
    shutil.rmtree(data)
    with open(os.path.join(out, "expected.tsv"), "w") as tsv:
        for row in expected:
            tsv.write("\t".join(str(field) for field in row) + "\n")


def fill(client):
    """Stores the fixture's items; returns expected.tsv's rows."""
    stored = {}  # key -> exptime

    def store(key, length, flags=0, exptime=0, verb=b"set"):
        client.command(b"%s %s %d %d %d" % (verb, key, flags, exptime, length), value_of(key, length), b"STORED")
        stored[key] = exptime

    for i in range(5):  # stored, then flushed
        store(b"flushed:%d" % i, 10)
    client.command(b"flush_all", expect=b"OK")
    stored.clear()
    time.sleep(1.1)  # so that what follows is stored in a later second than the flush
    for i in range(100):  # sizes from empty to 2 KiB, flags across the 32 bits
        store(b"plain:%d" % i, (i * 37) % 2048, flags=(i * 2654435761) % (1 << 32))
    for i in range(20):
        store(b"ttl:%d" % i, 100 + i, flags=i, exptime=IN_2100 + i)
    for i in range(5):  # held compressed in memory
        store(b"compressible:%d" % i, 20_000 + i)
    store(b"large:0", 300 * 1024, flags=7)  # above the large-value threshold: on disk only
    store(b"k" * 250, 10, flags=250)  # the longest key
    for i in range(3):  # a CAS the client chose (the meta protocol's E flag)
        key = b"chosen:%d" % i
        client.command(b"ms %s %d F%d E%d" % (key, 64, i, 9_000_000_000 + i), value_of(key, 64), b"HD")
        stored[key] = 0
    store(b"touched:0", 50)
    client.command(b"touch touched:0 %d" % IN_2100, expect=b"TOUCHED")
    stored[b"touched:0"] = IN_2100
    client.command(b"set counter:0 0 0 2", b"10", b"STORED")
    client.command(b"incr counter:0 5", expect=b"15")
    stored[b"counter:0"] = 0
    client.command(b"set appended:0 3 0 3", b"abc", b"STORED")
    client.command(b"append appended:0 0 0 3", b"def", b"STORED")
    stored[b"appended:0"] = 0
    for i in range(3):
        store(b"deleted:%d" % i, 10)
        client.command(b"delete deleted:%d" % i, expect=b"DELETED")
        del stored[b"deleted:%d" % i]
    absent = [b"flushed:%d" % i for i in range(5)] + [b"deleted:%d" % i for i in range(3)]
    for i in range(3):
        store(b"expired:%d" % i, 10, exptime=int(time.time()) + 1)
        absent.append(b"expired:%d" % i)
    for key in (b"expired:%d" % i for i in range(3)):
        del stored[key]
    time.sleep(2)  # the expired items' second has passed
    rows = []
    for key in sorted(stored):
        found = client.gets(key)
        assert found is not None, key
        flags, value, cas = found
        rows.append(("present", key.decode(), flags, stored[key], cas, len(value), hashlib.sha256(value).hexdigest()))
    for key in absent:
        assert client.gets(key) is None, key
        rows.append(("absent", key.decode()))
    return rows


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[3] not in ("closed", "killed"):
        sys.exit(__doc__)
    main(*sys.argv[1:])
