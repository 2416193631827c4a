import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One closed-loop load for memcached's text protocol and Redis's alike, so that the server's CPU
 * per request can be compared between the two with the client held equal: the same connections,
 * each with one request outstanding (no pipelining), the same keys, value size and selector loop.
 * GET reads keys stored first (all hits); SET stores random keys of the range.
 *
 * <p>A reply is recognised by its length, which is fixed for every request of a run (the keys
 * have a fixed width and the GETs all hit); the first reply of each connection is checked byte for
 * byte, so that a run against a server that answers otherwise stops at once.
 *
 * <pre>
 * java bench/ProtocolLoad.java PORT memcached|resp get|set SECONDS [connections] [keys] [value-bytes]
 * </pre>
 * (defaults 50 connections, 100,000 keys, 100-byte values). Prints the requests completed and the
 * rate, as {@code requests N rate R}.
 */
public class ProtocolLoad {

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        boolean resp = switch (args[1]) {
            case "memcached" -> false;
            case "resp" -> true;
            default -> throw new IllegalArgumentException("protocol: memcached or resp, not " + args[1]);
        };
        boolean get = switch (args[2]) {
            case "get" -> true;
            case "set" -> false;
            default -> throw new IllegalArgumentException("operation: get or set, not " + args[2]);
        };
        int seconds = Integer.parseInt(args[3]);
        int connections = args.length > 4 ? Integer.parseInt(args[4]) : 50;
        int keys = args.length > 5 ? Integer.parseInt(args[5]) : 100_000;
        int valueBytes = args.length > 6 ? Integer.parseInt(args[6]) : 100;
        Protocol protocol = new Protocol(resp, valueBytes);

        if (get) {
            fill(port, protocol, keys);
        }
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long requests = run(port, protocol, get, connections, keys, deadline);
        System.out.printf("requests %d rate %.0f%n", requests, requests / (double) seconds);
    }

    /** Stores every key once, over one connection, pipelined in chunks. */
    private static void fill(int port, Protocol protocol, int keys) throws IOException {
        try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            byte[] reply = protocol.setReply();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            for (int from = 0; from < keys; from += 100) {
                int to = Math.min(keys, from + 100);
                for (int k = from; k < to; k++) {
                    ByteBuffer request = ByteBuffer.wrap(protocol.set(k));
                    while (request.hasRemaining()) {
                        channel.write(request);
                    }
                }
                int expected = (to - from) * reply.length;
                in.clear();
                while (in.position() < expected) {
                    if (channel.read(in) < 0) {
                        throw new IOException("closed while filling");
                    }
                }
            }
        }
    }

    private static long run(int port, Protocol protocol, boolean get, int connections, int keys, long deadline)
            throws IOException {
        SplittableRandom random = new SplittableRandom(42);
        Selector selector = Selector.open();
        Connection[] all = new Connection[connections];
        for (int c = 0; c < connections; c++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.configureBlocking(false);
            all[c] = new Connection(channel, get ? protocol.getReply(0).length : protocol.setReply().length);
            channel.register(selector, SelectionKey.OP_READ, all[c]);
        }
        long done = 0;
        for (Connection connection : all) {
            connection.send(protocol, get, random.nextInt(keys));
        }
        while (System.nanoTime() < deadline) {
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                Connection connection = (Connection) key.attachment();
                if (connection.readReply(protocol, get)) {
                    done++;
                    connection.send(protocol, get, random.nextInt(keys));
                }
            }
            selector.selectedKeys().clear();
        }
        for (Connection connection : all) {
            connection.channel.close();
        }
        selector.close();
        return done;
    }

    private static final class Connection {
        final SocketChannel channel;
        final ByteBuffer in;
        final int replyLength;
        int key;
        boolean checked;

        Connection(SocketChannel channel, int replyLength) {
            this.channel = channel;
            this.replyLength = replyLength;
            this.in = ByteBuffer.allocate(Math.max(replyLength, 4096));
        }

        void send(Protocol protocol, boolean get, int key) throws IOException {
            this.key = key;
            ByteBuffer request = ByteBuffer.wrap(get ? protocol.get(key) : protocol.set(key));
            while (request.hasRemaining()) {
                channel.write(request);
            }
        }

        /** Reads what arrived; true once the whole reply is in. */
        boolean readReply(Protocol protocol, boolean get) throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("the server closed a connection");
            }
            if (in.position() < replyLength) {
                return false;
            }
            if (in.position() > replyLength) {
                throw new IOException("a reply longer than expected: " + in.position() + " bytes");
            }
            if (!checked) {
                byte[] expected = get ? protocol.getReply(key) : protocol.setReply();
                if (!Arrays.equals(Arrays.copyOf(in.array(), replyLength), expected)) {
                    throw new IOException("unexpected reply: " + new String(in.array(), 0, replyLength, StandardCharsets.US_ASCII));
                }
                checked = true;
            }
            in.clear();
            return true;
        }
    }

    /** The requests and replies of one protocol, for keys of a fixed width. */
    private record Protocol(boolean resp, int valueBytes) {

        String key(int k) {
            return String.format("key:%08d", k);
        }

        byte[] value(int k) {
            byte[] value = new byte[valueBytes];
            Arrays.fill(value, (byte) ('a' + k % 26));
            return value;
        }

        byte[] get(int k) {
            String key = key(k);
            return ascii(resp ? "*2\r\n$3\r\nGET\r\n$" + key.length() + "\r\n" + key + "\r\n" : "get " + key + "\r\n");
        }

        byte[] set(int k) {
            String key = key(k);
            String head = resp ? "*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + valueBytes + "\r\n"
                    : "set " + key + " 0 0 " + valueBytes + "\r\n";
            return concat(ascii(head), value(k), ascii("\r\n"));
        }

        byte[] getReply(int k) {
            String head = resp ? "$" + valueBytes + "\r\n" : "VALUE " + key(k) + " 0 " + valueBytes + "\r\n";
            return concat(ascii(head), value(k), ascii(resp ? "\r\n" : "\r\nEND\r\n"));
        }

        byte[] setReply() {
            return ascii(resp ? "+OK\r\n" : "STORED\r\n");
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }

        private static byte[] concat(byte[]... parts) {
            int length = 0;
            for (byte[] part : parts) {
                length += part.length;
            }
            byte[] all = new byte[length];
            int at = 0;
            for (byte[] part : parts) {
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            return all;
        }
    }
}
