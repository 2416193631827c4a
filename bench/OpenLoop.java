import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator for memcached's text protocol: requests leave at a fixed rate,
 * whether or not the server has answered the ones before (they pipeline on the connection), and
 * each latency runs from the time the request was due, not the time it was sent. A server that
 * stalls therefore shows every request that should have left during the stall as late, which a
 * closed-loop tool such as memcaslap hides (coordinated omission): the schedule itself is the
 * correction, so no value is recorded with an "expected interval".
 *
 * <p>One thread drives every connection through one selector: it sends what is due, reads what
 * has arrived, and parks ~50 µs when there is nothing to do, so that the generator leaves the
 * server most of a core. That wake-up granularity is in every latency, for both servers alike.
 *
 * <p>Run as a single-file program with HdrHistogram on the class path (bench/latency.sh does):
 * <pre>
 * java -cp HdrHistogram-2.2.2.jar bench/OpenLoop.java --port 11211 --rate 50000 --seconds 20 \
 *     --workload get90 --connections 50 --keys 100000 --value-bytes 100
 * </pre>
 * Workloads: {@code get90} (90 % get, 10 % set; the keys are stored first) and {@code set}.
 * Prints the rate achieved and the latency percentiles in microseconds.
 */
public class OpenLoop {

    private static final long PARK_NANOS = 50_000;
    /** Requests one connection may have outstanding: past it the generator is hopelessly behind. */
    private static final int MAX_OUTSTANDING = 1 << 16;

    record Options(int port, int rate, int seconds, int warmupSeconds, String workload, int connections, int keys,
            int valueBytes, long seed, boolean spin) {

        static Options parse(String[] args) {
            java.util.Map<String, String> given = new java.util.HashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                given.put(args[i].replaceFirst("^--", ""), args[i + 1]);
            }
            return new Options(Integer.parseInt(given.getOrDefault("port", "11211")),
                    Integer.parseInt(given.getOrDefault("rate", "10000")),
                    Integer.parseInt(given.getOrDefault("seconds", "20")),
                    Integer.parseInt(given.getOrDefault("warmup", "5")),
                    given.getOrDefault("workload", "get90"),
                    Integer.parseInt(given.getOrDefault("connections", "50")),
                    Integer.parseInt(given.getOrDefault("keys", "100000")),
                    Integer.parseInt(given.getOrDefault("value-bytes", "100")),
                    Long.parseLong(given.getOrDefault("seed", "42")),
                    Boolean.parseBoolean(given.getOrDefault("spin", "false")));
        }
    }

    public static void main(String[] args) throws IOException {
        Options options = Options.parse(args);
        byte[][] keys = keys(options.keys());
        byte[] value = new byte[options.valueBytes()];
        java.util.Arrays.fill(value, (byte) 'v');
        if (options.workload().equals("get90")) {
            preload(options.port(), keys, value);
        } else if (!options.workload().equals("set")) {
            throw new IllegalArgumentException("workload get90 or set, not " + options.workload());
        }
        double getShare = options.workload().equals("get90") ? 0.9 : 0.0;
        boolean spin = options.spin();

        Selector selector = Selector.open();
        List<Connection> connections = new ArrayList<>();
        long interval = TimeUnit.SECONDS.toNanos(1) * options.connections() / options.rate();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        for (int i = 0; i < options.connections(); i++) {
            Connection connection = new Connection(open(options.port()), start + interval * i / options.connections(),
                    interval, new SplittableRandom(options.seed() + i), Requests.setHeader(value, false));
            connection.channel.configureBlocking(false);
            connection.channel.register(selector, SelectionKey.OP_READ, connection);
            connections.add(connection);
        }

        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        long measureFrom = start + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
        long end = measureFrom + TimeUnit.SECONDS.toNanos(options.seconds());
        long sentInWindow = 0;
        while (true) {
            long now = System.nanoTime();
            boolean busy = false;
            if (now < end) {
                for (Connection connection : connections) {
                    int sent = connection.sendDue(now, keys, value, getShare);
                    if (sent > 0 && now >= measureFrom) {
                        sentInWindow += sent;
                    }
                    busy |= sent > 0;
                }
            }
            if (selector.selectNow() > 0) {
                busy = true;
                for (SelectionKey key : selector.selectedKeys()) {
                    ((Connection) key.attachment()).receive(System.nanoTime(), measureFrom, histogram);
                }
                selector.selectedKeys().clear();
            }
            if (now >= end && connections.stream().allMatch(Connection::drained)) {
                break;
            }
            if (now >= end + TimeUnit.SECONDS.toNanos(10)) {
                System.err.println("answers still missing 10 s after the end: counted as errors");
                break;
            }
            if (!busy) {
                if (spin) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(PARK_NANOS);
                }
            }
        }
        long errors = connections.stream().mapToLong(c -> c.errors + c.outstanding()).sum();
        System.out.printf("rate %d achieved %d ops/s p50 %d p90 %d p99 %d p99.9 %d p99.99 %d max %d us errors %d%n",
                options.rate(), sentInWindow / options.seconds(), micros(histogram, 50), micros(histogram, 90),
                micros(histogram, 99), micros(histogram, 99.9), micros(histogram, 99.99),
                histogram.getMaxValue() / 1000, errors);
    }

    private static long micros(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1000;
    }

    private static byte[][] keys(int count) {
        byte[][] keys = new byte[count][];
        for (int i = 0; i < count; i++) {
            keys[i] = String.format("k%015d", i).getBytes(StandardCharsets.US_ASCII);
        }
        return keys;
    }

    private static SocketChannel open(int port) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return channel;
    }

    /** Stores every key once, pipelined with noreply, and waits for the server to catch up. */
    private static void preload(int port, byte[][] keys, byte[] value) throws IOException {
        try (SocketChannel channel = open(port)) {
            ByteBuffer out = ByteBuffer.allocate(1 << 20);
            byte[] header = Requests.setHeader(value, true);
            for (byte[] key : keys) {
                if (out.remaining() < key.length + value.length + 64) {
                    writeAll(channel, out);
                }
                Requests.set(out, key, header, value);
            }
            out.put("version\r\n".getBytes(StandardCharsets.US_ASCII));
            writeAll(channel, out);
            ByteBuffer in = ByteBuffer.allocate(256);
            while (in.position() < 2 || in.get(in.position() - 1) != '\n') {
                if (channel.read(in) < 0) {
                    throw new IOException("closed during the preload");
                }
            }
        }
    }

    private static void writeAll(SocketChannel channel, ByteBuffer out) throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        out.clear();
    }

    /** The text protocol's requests, written straight into a buffer without allocating. */
    static final class Requests {

        private static final byte[] GET = "get ".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] SET = "set ".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] CRLF = {'\r', '\n'};

        static void get(ByteBuffer out, byte[] key) {
            out.put(GET).put(key).put(CRLF);
        }

        /** {@code header} is " 0 0 LENGTH\r\n" or " 0 0 LENGTH noreply\r\n" ({@link #setHeader}). */
        static void set(ByteBuffer out, byte[] key, byte[] header, byte[] value) {
            out.put(SET).put(key).put(header).put(value).put(CRLF);
        }

        static byte[] setHeader(byte[] value, boolean noreply) {
            return (" 0 0 " + value.length + (noreply ? " noreply" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** One connection: its schedule, the due times of its outstanding requests, and a reply reader. */
    static final class Connection {

        final SocketChannel channel;
        private final long interval;
        private final SplittableRandom random;
        private final byte[] setHeader;
        private final ByteBuffer out = ByteBuffer.allocateDirect(1 << 20);
        private final ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
        private final long[] dueTimes = new long[MAX_OUTSTANDING];
        private long head;
        private long tail;
        private long nextDue;
        /** Value bytes still to skip in a VALUE reply (data and its CRLF), or -1 between lines. */
        private int skipping = -1;
        long errors;

        Connection(SocketChannel channel, long firstDue, long interval, SplittableRandom random, byte[] setHeader) {
            this.channel = channel;
            this.setHeader = setHeader;
            this.nextDue = firstDue;
            this.interval = interval;
            this.random = random;
        }

        /** Sends every request due by {@code now}, in one write; returns how many. */
        int sendDue(long now, byte[][] keys, byte[] value, double getShare) throws IOException {
            int sent = 0;
            while (nextDue <= now && outstanding() < MAX_OUTSTANDING && out.remaining() > value.length + 128) {
                byte[] key = keys[random.nextInt(keys.length)];
                if (random.nextDouble() < getShare) {
                    Requests.get(out, key);
                } else {
                    Requests.set(out, key, setHeader, value);
                }
                dueTimes[(int) (tail++ % MAX_OUTSTANDING)] = nextDue;
                nextDue += interval;
                sent++;
            }
            if (out.position() > 0) {
                out.flip();
                channel.write(out);
                out.compact();
            }
            return sent;
        }

        long outstanding() {
            return tail - head;
        }

        boolean drained() {
            return outstanding() == 0;
        }

        /** Reads what has arrived and records a latency for every complete reply. */
        void receive(long now, long measureFrom, Histogram histogram) throws IOException {
            if (channel.read(in) < 0) {
                throw new IOException("the server closed a connection");
            }
            in.flip();
            while (true) {
                if (skipping >= 0) {
                    int skip = Math.min(skipping, in.remaining());
                    in.position(in.position() + skip);
                    skipping -= skip;
                    if (skipping > 0) {
                        break;
                    }
                    skipping = -1;
                }
                int lineEnd = lineEnd();
                if (lineEnd < 0) {
                    break;
                }
                int lineStart = in.position();
                in.position(lineEnd + 1);
                if (startsWith(lineStart, "VALUE ")) {
                    skipping = valueLength(lineStart, lineEnd) + 2;
                    continue;
                }
                if (!startsWith(lineStart, "END") && !startsWith(lineStart, "STORED")) {
                    errors++;
                }
                long due = dueTimes[(int) (head++ % MAX_OUTSTANDING)];
                if (due >= measureFrom) {
                    histogram.recordValue(Math.min(now - due, histogram.getHighestTrackableValue()));
                }
            }
            in.compact();
        }

        private int lineEnd() {
            for (int i = in.position(); i < in.limit(); i++) {
                if (in.get(i) == '\n') {
                    return i;
                }
            }
            return -1;
        }

        private boolean startsWith(int at, String prefix) {
            if (in.limit() - at < prefix.length()) {
                return false;
            }
            for (int i = 0; i < prefix.length(); i++) {
                if (in.get(at + i) != prefix.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** The last field of "VALUE key flags bytes\r\n". */
        private int valueLength(int lineStart, int lineEnd) {
            int end = lineEnd - 1; // the '\r'
            int begin = end;
            while (begin > lineStart && in.get(begin - 1) != ' ') {
                begin--;
            }
            int length = 0;
            for (int i = begin; i < end; i++) {
                length = length * 10 + (in.get(i) - '0');
            }
            return length;
        }
    }
}
