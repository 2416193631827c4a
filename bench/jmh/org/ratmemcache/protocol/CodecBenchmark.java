package org.ratmemcache.protocol;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
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
import org.ratmemcache.core.Key;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.protocol.binary.BinaryParser;
import org.ratmemcache.protocol.binary.BinaryReplies;
import org.ratmemcache.protocol.binary.Opcode;
import org.ratmemcache.protocol.text.TextParser;
import org.ratmemcache.protocol.text.TextReplies;

/**
 * The parsers and encoders as a connection drives them, without the network: a text get line, a
 * text get of 50 keys, a text set of 100 bytes, a binary get; and the replies to a hit in both
 * protocols, written into a pooled direct buffer as the server's are. Run with
 * {@code bench/jmh.sh -prof gc Codec}: parsing a get and encoding a hit should allocate nothing;
 * the hit is an item in a memory-only cache's item memory, as a reply copies it from there.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {

    private static final long ITEM_SIZE_MAX = 1024 * 1024;

    private final TextParser textParser = new TextParser(ITEM_SIZE_MAX);
    private final BinaryParser binaryParser = new BinaryParser(ITEM_SIZE_MAX);
    private final TextReplies textReplies = new TextReplies();
    private ByteBuf textGet;
    private ByteBuf textMultiGet;
    private ByteBuf textSet;
    private ByteBuf binaryGet;
    private ByteBuf out;
    private TieredCache cache;
    private Key hitKey;
    private Item hit;

    @Setup(Level.Trial)
    public void requests() {
        textGet = request("get key:0000000000012\r\n");
        StringBuilder multi = new StringBuilder("get");
        for (int i = 0; i < 50; i++) {
            multi.append(" key:").append(String.format("%011d", i));
        }
        textMultiGet = request(multi.append("\r\n").toString());
        textSet = request("set key:0000000000012 0 0 100\r\n" + "v".repeat(100) + "\r\n");
        byte[] key = "key:0000000000012".getBytes(StandardCharsets.US_ASCII);
        ByteBuf get = Unpooled.buffer(); // magic, opcode, key length, extras, type, vbucket, body, opaque, cas
        get.writeByte(0x80).writeByte(Opcode.GET).writeShort(key.length).writeByte(0).writeByte(0).writeShort(0)
                .writeInt(key.length).writeInt(7).writeLong(0).writeBytes(key);
        binaryGet = request(ByteBufUtil.getBytes(get));
        cache = TieredCache.builder().build();
        hitKey = Key.of(key);
        cache.store(StoreMode.SET, hitKey, 0, 0, new byte[100], 0).join();
        hit = (Item) cache.get(hitKey); // stays where it is: nothing else is stored
        out = PooledByteBufAllocator.DEFAULT.directBuffer(64 * 1024);
    }

    private static ByteBuf request(String ascii) {
        return request(ascii.getBytes(StandardCharsets.US_ASCII));
    }

    private static ByteBuf request(byte[] bytes) {
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes));
    }

    @TearDown(Level.Trial)
    public void release() {
        out.release();
        cache.close();
    }

    @Benchmark
    public Parsed textGet() {
        textGet.readerIndex(0);
        return textParser.parse(textGet);
    }

    @Benchmark
    public Parsed textMultiGet() {
        textMultiGet.readerIndex(0);
        return textParser.parse(textMultiGet);
    }

    @Benchmark
    public Parsed textSet() {
        textSet.readerIndex(0);
        return textParser.parse(textSet);
    }

    @Benchmark
    public Parsed binaryGet() {
        binaryGet.readerIndex(0);
        return binaryParser.parse(binaryGet);
    }

    @Benchmark
    public int textHit() {
        out.clear();
        textReplies.valueHeader(out, hitKey, hit, false);
        ItemBytes.writeValue(out, hit);
        out.writeBytes(TextReplies.CRLF);
        return out.writerIndex();
    }

    @Benchmark
    public int binaryHit() {
        out.clear();
        BinaryReplies.item(out, binaryParser.request(), hit, false, true);
        return out.writerIndex();
    }
}
