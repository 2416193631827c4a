package org.ratmemcache.protocol.resp;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.protocol.Parsed;

/**
 * Redis's protocol without the network, as a connection drives it: the parser on a GET and on a
 * SET of 100 bytes in multibulk form (what redis-benchmark and every client send), and the
 * replies to them: a hit's bulk string copied from item memory, and +OK. Run with
 * {@code bench/jmh.sh -prof gc RespCodec}: none of them should allocate. The parser reuses its
 * request's pooled arena, which the server releases only when the connection closes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RespCodecBenchmark {

    private static final String KEY = "key:0000000000012";

    private final RespParser parser = new RespParser(new RespRequest(PooledByteBufAllocator.DEFAULT),
            RespLimits.forItemSize(1024 * 1024));
    private ByteBuf get;
    private ByteBuf set;
    private ByteBuf out;
    private TieredCache cache;
    private Item hit;

    @Setup(Level.Trial)
    public void requests() {
        get = request("*2\r\n$3\r\nGET\r\n$" + KEY.length() + "\r\n" + KEY + "\r\n");
        set = request("*3\r\n$3\r\nSET\r\n$" + KEY.length() + "\r\n" + KEY + "\r\n$100\r\n" + "v".repeat(100) + "\r\n");
        cache = TieredCache.builder().build();
        Key key = Key.of(KEY.getBytes(StandardCharsets.US_ASCII));
        cache.store(StoreMode.SET, key, 0, 0, new byte[100], 0).join();
        hit = (Item) cache.get(key); // stays where it is: nothing else is stored
        out = PooledByteBufAllocator.DEFAULT.directBuffer(64 * 1024);
    }

    private static ByteBuf request(String ascii) {
        byte[] bytes = ascii.getBytes(StandardCharsets.US_ASCII);
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes));
    }

    @TearDown(Level.Trial)
    public void release() {
        out.release();
        cache.close();
    }

    @Benchmark
    public Parsed parseGet() {
        get.readerIndex(0);
        return parser.parse(get, true);
    }

    @Benchmark
    public Parsed parseSet() {
        set.readerIndex(0);
        return parser.parse(set, true);
    }

    @Benchmark
    public int replyHit() {
        out.clear();
        RespReplies.bulk(out, hit);
        return out.writerIndex();
    }

    @Benchmark
    public int replyOk() {
        out.clear();
        RespReplies.raw(out, RespReplies.OK);
        return out.writerIndex();
    }
}
