import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One of {@link HitRatio}'s traces replayed cache-aside over the memcached text protocol against a
 * running server, as an application would use it: {@code get}, and on a miss {@code set} of a
 * value of the trace's size. Prints one line: the hit ratio in percent, the items the server holds
 * at the end ({@code curr_items}) and its {@code evictions}.
 *
 * <p>Requests go out in windows of {@value #WINDOW} gets on one connection, then a {@code set
 * noreply} for each key that missed. A request counts as a hit when its get hits or when an earlier
 * request for its key in the same window missed: replayed one at a time, that earlier miss would
 * have stored the key first. Every get still reaches the server, so its policy sees every access.
 *
 * <p>Usage: {@code CacheAside PORT TRACE [--keys N] [--requests N]}
 */
public final class CacheAside {

    private static final int WINDOW = 16;

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        Map<String, String> options = new HashMap<>();
        for (int i = 2; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        HitRatio.Trace trace = HitRatio.generate(args[1], Integer.parseInt(options.getOrDefault("keys", "1000000")),
                Integer.parseInt(options.getOrDefault("requests", "4000000")));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setTcpNoDelay(true);
            Connection connection = new Connection(socket);
            long hits = replay(trace, connection);
            Map<String, String> stats = connection.stats();
            System.out.printf(Locale.ROOT, "%.2f %s %s%n", 100.0 * hits / trace.requests().length,
                    stats.get("curr_items"), stats.get("evictions"));
        }
    }

    static long replay(HitRatio.Trace trace, Connection connection) throws IOException {
        int[] requests = trace.requests();
        byte[][] keys = new byte[trace.valueSizes().length][];
        boolean[] hit = new boolean[WINDOW];
        long hits = 0;
        byte[] value = new byte[Arrays.stream(trace.valueSizes()).max().orElse(1)];
        Arrays.fill(value, (byte) 'v');
        for (int start = 0; start < requests.length; start += WINDOW) {
            int end = Math.min(requests.length, start + WINDOW);
            for (int i = start; i < end; i++) {
                connection.get(key(keys, requests[i]));
            }
            connection.flush();
            for (int i = start; i < end; i++) {
                hit[i - start] = connection.readGet();
            }
            for (int i = start; i < end; i++) {
                int earlier = firstInWindow(requests, start, i);
                if (hit[i - start] || earlier < i) {
                    hits++;
                } else {
                    connection.set(key(keys, requests[i]), value, trace.valueSizes()[requests[i]]);
                }
            }
            connection.flush();
        }
        return hits;
    }

    private static int firstInWindow(int[] requests, int start, int i) {
        for (int j = start; j < i; j++) {
            if (requests[j] == requests[i]) {
                return j;
            }
        }
        return i;
    }

    private static byte[] key(byte[][] keys, int id) {
        byte[] key = keys[id];
        if (key == null) {
            key = ("key:" + id).getBytes(StandardCharsets.US_ASCII);
            keys[id] = key;
        }
        return key;
    }

    /** The text protocol, just enough of it: get, set noreply, stats. */
    static final class Connection {
        private static final byte[] GET = "get ".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] SET = "set ".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] CRLF = {'\r', '\n'};

        private final OutputStream out;
        private final InputStream in;
        private final byte[] line = new byte[512];

        Connection(Socket socket) throws IOException {
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        }

        void get(byte[] key) throws IOException {
            out.write(GET);
            out.write(key);
            out.write(CRLF);
        }

        void set(byte[] key, byte[] value, int size) throws IOException {
            out.write(SET);
            out.write(key);
            out.write((" 0 0 " + size + " noreply\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(value, 0, size);
            out.write(CRLF);
        }

        void flush() throws IOException {
            out.flush();
        }

        /** One get's reply: true for a VALUE (its data skipped), false for END alone. */
        boolean readGet() throws IOException {
            String first = readLine();
            if (first.equals("END")) {
                return false;
            }
            if (!first.startsWith("VALUE ")) {
                throw new IOException("unexpected reply: " + first);
            }
            long skip = Long.parseLong(first.substring(first.lastIndexOf(' ') + 1)) + 2;
            while (skip > 0) {
                long skipped = in.skip(skip);
                if (skipped <= 0) {
                    throw new IOException("connection closed in a value");
                }
                skip -= skipped;
            }
            String end = readLine();
            if (!end.equals("END")) {
                throw new IOException("unexpected reply after a value: " + end);
            }
            return true;
        }

        Map<String, String> stats() throws IOException {
            out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
            flush();
            Map<String, String> stats = new HashMap<>();
            for (String reply; !(reply = readLine()).equals("END"); ) {
                String[] words = reply.split(" ");
                stats.put(words[1], words[2]);
            }
            return stats;
        }

        private String readLine() throws IOException {
            int length = 0;
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (length < line.length) {
                    line[length++] = (byte) b;
                }
            }
            return new String(line, 0, length > 0 && line[length - 1] == '\r' ? length - 1 : length, StandardCharsets.US_ASCII);
        }
    }

    private CacheAside() {
    }
}
