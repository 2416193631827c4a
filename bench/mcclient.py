"""What bench/footprint.sh asks of a memcached server, over plain sockets (no client library):

  fill PORT COUNT KEY_BYTES VALUE_BYTES   stores COUNT items (keys "k%0{KEY_BYTES-1}d"), pipelined
                                          with noreply, then waits for a version reply
  hold PORT COUNT                         opens COUNT connections, checks each answers version, prints
                                          "holding", and keeps them until its standard input closes
  serving PORT SECONDS                    waits until the server answers version; prints the seconds
                                          since the time in the environment's STARTED_AT (time.time())
  json PORT COUNT VALUE_BYTES             stores COUNT values of JSON records (keys "doc:N", about 4x
                                          compressible by LZ4), then gets every key; prints the hits
"""
import os
import socket
import sys
import time


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def read_version(sock):
    reply = b""
    while not reply.endswith(b"\r\n"):
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed before the version reply")
        reply += chunk
    if not reply.startswith(b"VERSION "):
        raise ValueError(f"unexpected reply {reply[:80]!r}")


def fill(port, count, key_bytes, value_bytes):
    value = b"v" * value_bytes
    batch = 10_000
    with connect(port) as sock:
        for start in range(0, count, batch):
            lines = []
            for i in range(start, min(count, start + batch)):
                key = b"k%0*d" % (key_bytes - 1, i)
                lines.append(b"set %s 0 0 %d noreply\r\n%s\r\n" % (key, value_bytes, value))
            sock.sendall(b"".join(lines))
        sock.sendall(b"version\r\n")
        read_version(sock)


def json_records(i, value_bytes):
    records = []
    n = 0
    while sum(map(len, records)) < value_bytes:
        n += 1
        records.append(b'{"id":%d,"user":"user-%d","email":"user%d@example.com","score":%d,"tags":["cache","memory"],'
                       b'"active":%s},' % (i * 1000 + n, i, i, (i * 7919 + n * 104729) % 100000, b"true" if n % 3 else b"false"))
    return b"".join(records)[:value_bytes]


def json(port, count, value_bytes):
    batch = 1000
    with connect(port) as sock:
        for start in range(0, count, batch):
            sock.sendall(b"".join(b"set doc:%d 0 0 %d noreply\r\n%s\r\n" % (i, value_bytes, json_records(i, value_bytes))
                                  for i in range(start, min(count, start + batch))))
        sock.sendall(b"version\r\n")
        read_version(sock)
        hits = 0
        reader = sock.makefile("rb")
        for i in range(count):
            sock.sendall(b"mg doc:%d\r\n" % i)
            hits += reader.readline().startswith(b"HD")
    print(hits)


def hold(port, count):
    sockets = []
    for _ in range(count):
        sock = connect(port)
        sock.sendall(b"version\r\n")
        sockets.append(sock)
    for sock in sockets:
        read_version(sock)
    print("holding", flush=True)
    sys.stdin.read()
    for sock in sockets:
        sock.close()


def serving(port, seconds):
    started_at = float(os.environ["STARTED_AT"])
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with connect(port) as sock:
                sock.sendall(b"version\r\n")
                read_version(sock)
                print(f"{time.time() - started_at:.3f}")
                return
        except OSError:
            time.sleep(0.005)
    sys.exit(f"not serving on {port} after {seconds} s")


if __name__ == "__main__":
    command, port, *rest = sys.argv[1:]
    {"fill": fill, "hold": hold, "serving": serving, "json": json}[command](int(port), *map(int, rest))
