package org.ratmemcache.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.core.engine.TieredCache;

/**
 * A request through a connection's real text handler (parse, execute, reply), on Netty's embedded
 * channel, over a memory-only cache whose memory has been filled and is being reused (values of
 * 4 KiB and more compressed, as the server's default is; {@code get-compressed} reads one,
 * {@code set-compressed} writes it): what
 * AllocationFreeRequestsTest counts, as JMH sees it. {@code bench/jmh.sh -prof gc RequestPath}
 * gives the bytes allocated per request ({@code gc.alloc.rate.norm}). JMH's threads are not
 * Netty's, so the fork lets every thread keep a pooled-buffer cache, as an event loop does, and
 * turns leak detection off, as the launcher does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.allocator.useCacheForAllThreads=true", "-Dio.netty.leakDetection.level=disabled"})
public class RequestPathBenchmark {

    private static final String VALUE = "v".repeat(100);
    private static final String TEXT = "the quick brown fox jumps over the lazy dog. ".repeat(364); // 16,380 bytes, stored compressed
    private static final Map<String, String> REQUESTS = Map.of(
            "get", "get key:1\r\n",
            "set", "set key:1 0 0 100\r\n" + VALUE + "\r\n",
            "delete", "set gone 0 0 1\r\nx\r\ndelete gone\r\n",
            "incr", "incr n 1\r\n",
            "get-compressed", "get text\r\n",
            "set-compressed", "set text 0 0 " + TEXT.length() + "\r\n" + TEXT + "\r\n",
            "mget", "get" + " key:%d".repeat(50).formatted((Object[]) java.util.stream.IntStream.range(0, 50).boxed()
                    .toArray(Integer[]::new)) + "\r\n");

    @Param({"get", "set", "delete", "incr", "mget", "get-compressed", "set-compressed"})
    public String request;

    private TieredCache cache;
    private EmbeddedChannel channel;
    private byte[] bytes;

    @Setup(Level.Trial)
    public void open() {
        long memory = 64L << 20;
        cache = TieredCache.builder().sweepInterval(Duration.ZERO).maxMemory(memory).compression(new ValueCompression(4096)).build();
        ServerSettings server = new ServerSettings("127.0.0.1", 0, 1, 1024, Duration.ZERO, "bench", true);
        ServerStats stats = new ServerStats();
        StatsReport report = new StatsReport(cache.view(), stats, server, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
                List::of, "embedded");
        channel = new EmbeddedChannel(new TextConnectionHandler(1, new Commands(cache, stats, report, "bench"), stats));
        byte[] filler = ("set filler 0 0 1000 noreply\r\n" + "f".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 2 * memory / 1000; i++) {
            exchange(filler);
        }
        for (int i = 0; i < 50; i++) {
            exchange(("set key:" + i + " 0 0 100 noreply\r\n" + VALUE + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        exchange("set n 0 0 1\r\n0\r\n".getBytes(StandardCharsets.US_ASCII));
        exchange(("set text 0 0 " + TEXT.length() + "\r\n" + TEXT + "\r\n").getBytes(StandardCharsets.US_ASCII));
        bytes = REQUESTS.get(request).getBytes(StandardCharsets.US_ASCII);
    }

    @TearDown(Level.Trial)
    public void close() {
        channel.finishAndReleaseAll();
        cache.close();
    }

    @Benchmark
    public int exchange() {
        int replied = exchange(bytes);
        if (replied == 0) {
            throw new IllegalStateException("no reply to " + request);
        }
        return replied;
    }

    /** One batch through the handler; the replies are read and released. */
    private int exchange(byte[] requests) {
        ByteBuf in = ByteBufAllocator.DEFAULT.ioBuffer(requests.length);
        in.writeBytes(requests);
        channel.pipeline().fireChannelRead(in);
        channel.pipeline().fireChannelReadComplete();
        int replied = 0;
        for (ByteBuf reply = channel.readOutbound(); reply != null; reply = channel.readOutbound()) {
            replied += reply.readableBytes();
            reply.release();
        }
        return replied;
    }
}
