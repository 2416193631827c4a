"""Sends memcached text commands and prints the replies, for the deploy/ tests (no client library).

  mcask.py PORT 'COMMANDS'   COMMANDS with \\r\\n written as such, e.g. 'set k 0 0 1\\r\\nv\\r\\nget k\\r\\n'

A "version" command follows them, so the replies end where its VERSION line starts; they are
printed without it. Exits 1 when the connection fails or closes before that.
"""
import socket
import sys


def ask(port, commands):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(commands.encode("latin-1").decode("unicode_escape").encode("latin-1") + b"version\r\n")
        reply = b""
        while b"VERSION " not in reply:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"closed before the version reply, after {reply[:200]!r}")
            reply += chunk
        return reply[:reply.rindex(b"VERSION ")].decode("latin-1")


if __name__ == "__main__":
    try:
        sys.stdout.write(ask(int(sys.argv[1]), sys.argv[2]))
    except OSError as e:
        print(f"mcask: {e}", file=sys.stderr)
        sys.exit(1)
