package org.ratmemcache.server;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.GlobalEventExecutor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.testing.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request path allocates nothing on a warmed, memory-only cache: get, set, append, delete, incr
 * and multi-get, through a connection's real handler (parse, execute, reply), each repeated 10,000
 * times while the thread's allocated bytes are counted
 * ({@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}). The channel is Netty's
 * embedded one, run on a thread of Netty's own kind, as the server's event loops are, so that its
 * pooled allocator recycles the input and output buffers from the thread's cache; Netty's leak
 * detection, which wraps a sample of buffers, is off, as the launcher turns it off.
 */
class AllocationFreeRequestsTest {

    private static final int REQUESTS = 10_000;
    /** The cache's -m: large enough that its evictor keeps ahead of one thread's sets, as in a server. */
    private static final long MEMORY = 64L << 20;
    /** The compression threshold, above the other values: one set is of a value LZ4 shrinks. */
    private static final int COMPRESSED = 4096;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final TieredCache cache = TieredCache.builder().clock(new ManualClock()).sweepInterval(Duration.ZERO)
            .maxMemory(MEMORY).compression(new ValueCompression(COMPRESSED)).build();
    private EmbeddedChannel channel;

    /** The connection, made on the thread that drives it. */
    private EmbeddedChannel channel() {
        if (channel == null) {
            ServerSettings server = new ServerSettings("127.0.0.1", 0, 1, 1024, Duration.ZERO, "test", true);
            ServerStats stats = new ServerStats();
            StatsReport report = new StatsReport(cache.view(), stats, server, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
                    List::of, "embedded");
            Commands commands = new Commands(cache, stats, report, "test");
            channel = new EmbeddedChannel(new TextConnectionHandler(1, commands, stats));
        }
        return channel;
    }

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
        cache.close();
    }

    /** One batch of requests through the handler; the replies are read and released. */
    private int exchange(byte[] requests) {
        ByteBuf in = ByteBufAllocator.DEFAULT.ioBuffer(requests.length);
        in.writeBytes(requests);
        EmbeddedChannel connection = channel();
        connection.pipeline().fireChannelRead(in);
        connection.pipeline().fireChannelReadComplete();
        int replied = 0;
        for (ByteBuf reply = connection.readOutbound(); reply != null; reply = connection.readOutbound()) {
            replied += reply.readableBytes();
            reply.release();
        }
        return replied;
    }

    /** Runs {@code request} {@code times} times, each answered with {@code replyLength} bytes (any, when it is -1). */
    private void run(String request, int replyLength, int times) {
        byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < times; i++) {
            int replied = exchange(bytes);
            if (replyLength >= 0 && replied != replyLength || replyLength < 0 && replied == 0) {
                throw new AssertionError(request.trim() + " answered " + replied + " bytes, not " + replyLength);
            }
        }
    }

    /** Bytes this thread allocates over {@value #REQUESTS} of {@code request}, once every kind has been warmed up. */
    private long allocated(String request, int replyLength) {
        byte[] bytes = request.getBytes(StandardCharsets.US_ASCII);
        run(request, replyLength, 100);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < REQUESTS; i++) {
            exchange(bytes);
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void getSetDeleteIncrAndMultiGetAllocateNothing() throws Exception {
        ResourceLeakDetector.Level leakDetection = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            java.util.concurrent.FutureTask<Void> run = new java.util.concurrent.FutureTask<>(() -> {
                measure();
                return null;
            });
            Thread loop = new FastThreadLocalThread(run, "event-loop-like");
            loop.start();
            run.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof AssertionError failed) {
                throw failed;
            }
            throw e;
        } finally {
            ResourceLeakDetector.setLevel(leakDetection);
        }
    }

    private void measure() {
        // the memory filled first, so that what follows runs on segments evicted and reused
        byte[] filler = ("set filler 0 0 1000 noreply\r\n" + "f".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 2 * MEMORY / 1000; i++) {
            exchange(filler);
        }
        String value = "v".repeat(100);
        StringBuilder multiGet = new StringBuilder("get");
        StringBuilder multiReply = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            exchange(("set key:" + i + " 0 0 100 noreply\r\n" + value + "\r\n").getBytes(StandardCharsets.US_ASCII));
            multiGet.append(" key:").append(i);
            multiReply.append("VALUE key:").append(i).append(" 0 100\r\n").append(value).append("\r\n");
        }
        exchange("set n 0 0 1\r\n0\r\n".getBytes(StandardCharsets.US_ASCII));
        Map<String, String> requests = new LinkedHashMap<>();
        Map<String, Integer> replies = new LinkedHashMap<>();
        requests.put("get", "get key:1\r\n");
        replies.put("get", ("VALUE key:1 0 100\r\n" + value + "\r\nEND\r\n").length());
        requests.put("set", "set key:1 0 0 100\r\n" + value + "\r\n");
        replies.put("set", "STORED\r\n".length());
        requests.put("delete of a miss", "delete absent\r\n");
        replies.put("delete of a miss", "NOT_FOUND\r\n".length());
        requests.put("set, then delete", "set gone 0 0 1\r\nx\r\ndelete gone\r\n");
        replies.put("set, then delete", "STORED\r\nDELETED\r\n".length());
        requests.put("set, then append", "set log 0 0 100\r\n" + value + "\r\nappend log 0 0 10\r\n0123456789\r\n");
        replies.put("set, then append", "STORED\r\nSTORED\r\n".length());
        requests.put("incr", "incr n 1\r\n");
        replies.put("incr", -1);
        requests.put("multi-get of 50 keys", multiGet + "\r\n");
        replies.put("multi-get of 50 keys", multiReply.length() + "END\r\n".length());
        // warmed: every path compiled (the counting of allocated bytes too), and the memory full
        // (the set above saw to that), its segments evicted and reused: a round of every kind
        // takes no segment beyond those the memory already has (it may take a few beyond its
        // budget, its overdraft, while the evictor catches up; they are kept, not given back)
        long itemMemory = -1;
        for (int round = 0; round < 5 || cache.memory().allocatedBytes() != itemMemory; round++) {
            assertThat(round).as("rounds until the item memory is as large as it gets").isLessThan(50);
            itemMemory = cache.memory().allocatedBytes();
            requests.forEach((kind, request) -> run(request, replies.get(kind), REQUESTS));
            for (int i = 0; i < REQUESTS; i++) {
                THREADS.getCurrentThreadAllocatedBytes();
            }
        }
        Map<String, Long> allocated = new LinkedHashMap<>();
        requests.forEach((kind, request) -> allocated.put(kind, allocated(request, replies.get(kind))));
        assertThat(allocated).as("bytes allocated by %,d requests of each kind", REQUESTS)
                .allSatisfy((kind, bytes) -> assertThat(bytes).as(kind).isZero());
        compressedSetsTakeNoHeapArray();
    }

    /**
     * A set of a value LZ4 shrinks is compressed from the room it was read into, off the heap, with
     * no heap array between: what it allocates does not grow with the value, and is under 2 % of
     * the smallest (lz4-java's compressor takes ByteBuffers: a view of the value per set). The
     * requests stay within what Netty's per-thread buffer cache keeps (32 KiB), and the values
     * within a segment (a longer one takes a block of its own, with its objects).
     */
    private void compressedSetsTakeNoHeapArray() {
        Map<Integer, Long> perSet = new LinkedHashMap<>();
        for (int length : new int[] {2 * COMPRESSED, 4 * COMPRESSED, 6 * COMPRESSED}) {
            assertThat(length).isLessThanOrEqualTo(cache.memory().largestSegmentValue());
            String set = "set compressible 0 0 " + length + "\r\n" + "c".repeat(length) + "\r\n";
            run(set, "STORED\r\n".length(), REQUESTS);
            perSet.put(length, allocated(set, "STORED\r\n".length()) / REQUESTS);
        }
        assertThat(cache.memory().storedValueBytes()).as("the value is held compressed").isLessThan(cache.memory().rawValueBytes());
        assertThat(perSet).as("bytes allocated per set, by the value's length").allSatisfy((length, bytes) -> assertThat(bytes)
                .isEqualTo(perSet.get(2 * COMPRESSED)).isLessThan(2 * COMPRESSED / 50));
    }
}
