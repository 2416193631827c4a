package org.ratmemcache.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.compress.ValueCompression;
import org.ratmemcache.testing.RunningServer;
import org.ratmemcache.testing.TextClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Values far larger than a read buffer and than a segment, over real sockets: they are streamed
 * from the connection into an allocation of their own, counted against the memory budget, and
 * streamed back from it; until the last byte has arrived, other connections see the old value.
 */
class LargeItemsTest {

    private static final long GIB = 1L << 30;

    @Test
    void anItemOfAlmostOneGibibyteStreamsInAndOutWhole() throws IOException {
        long length = GIB - 4096; // -I 1024m bounds the whole item, key and header included
        try (RunningServer server = RunningServer.start(b -> b.itemSizeMax(GIB).maxMemory(GIB + (64L << 20)));
                Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            out.write(("set big 7 0 " + length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            long sent = send(out, 0, length, 1 << 16);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(line(in)).isEqualTo("STORED");
            assertThat(server.cache().memory().bytes()).as("the item is counted").isGreaterThan(length);

            out.write("get big\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(line(in)).isEqualTo("VALUE big 7 " + length);
            assertThat(receive(in, length)).as("the bytes that come back are the bytes sent").isEqualTo(sent);
            assertThat(line(in)).isEmpty();
            assertThat(line(in)).isEqualTo("END");

            out.write("delete big\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(line(in)).isEqualTo("DELETED");
        }
    }

    @Test
    void aValueArrivingInPiecesIsInvisibleUntilItsLastByte() throws IOException {
        int length = 3 << 20;
        try (RunningServer server = RunningServer.start(b -> b.itemSizeMax(4L << 20).maxMemory(64L << 20));
                Socket writer = new Socket("127.0.0.1", server.port());
                TextClient reader = new TextClient(server.port())) {
            reader.send("set k 0 0 3\r\nold\r\n").expect("STORED\r\n");
            OutputStream out = writer.getOutputStream();
            out.write(("set k 1 0 " + length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            send(out, 0, length - 1, 1000);
            ServerStats stats = server.server().stats();
            await().atMost(Duration.ofSeconds(10)).until(() -> stats.bytesRead() >= 20 + length - 1);
            reader.send("get k\r\n").expect("VALUE k 0 3\r\nold\r\nEND\r\n");

            send(out, length - 1, length, 1000);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(line(writer.getInputStream())).isEqualTo("STORED");

            reader.send("get k\r\n").expect("VALUE k 1 " + length + "\r\n");
            CRC32 crc = new CRC32();
            crc.update(reader.read(length).getBytes(StandardCharsets.ISO_8859_1));
            assertThat(crc.getValue()).isEqualTo(crcOfPattern(length));
            reader.expect("\r\nEND\r\n");
        }
    }

    /** A value stored compressed goes back decompressed straight into the reply, exactly, in both protocols' text and meta forms. */
    @Test
    void aCompressedValueIsRepliedWhole() throws IOException {
        try (RunningServer server = RunningServer.start(b -> b.compression(new ValueCompression(4096)));
                TextClient client = new TextClient(server.port())) {
            String value = "the quick brown fox jumps over the lazy dog. ".repeat(1000);
            client.send("set text 5 0 " + value.length() + "\r\n" + value + "\r\n").expect("STORED\r\n");
            assertThat(server.cache().memory().storedValueBytes()).isLessThan(value.length() / 10);
            client.send("get text\r\n").expect("VALUE text 5 " + value.length() + "\r\n" + value + "\r\nEND\r\n");
            client.send("mg text v\r\n").expect("VA " + value.length() + "\r\n" + value + "\r\n");
        }
    }

    /**
     * A set is read into room in a segment and compressed from there into an item of its own; the
     * room is taken back, so memory fills with what the values compress to, not what they were:
     * values eight times -m in all take a few segments, nothing is evicted.
     */
    @Test
    void compressedSetsLeaveNoRawCopyBehind() throws IOException {
        long memory = 4L << 20;
        try (RunningServer server = RunningServer.start(b -> b.maxMemory(memory).compression(new ValueCompression(1024)));
                TextClient client = new TextClient(server.port())) {
            String value = "c".repeat(server.cache().memory().largestSegmentValue() / 2); // read into a segment, not a block of its own
            int keys = (int) (8 * memory / value.length());
            for (int i = 0; i < keys; i++) {
                client.send("set key:" + i + " 0 0 " + value.length() + " noreply\r\n" + value + "\r\n");
            }
            client.send("mn\r\n").expect("MN\r\n");
            assertThat(server.cache().memory().items()).as("every value is held").isEqualTo(keys);
            assertThat(server.cache().memory().allocatedBytes()).as("segments taken, for %,d bytes of items", server.cache().memory().bytes())
                    .isLessThan(2 * server.cache().memory().bytes());
            client.send("get key:0\r\n").expect("VALUE key:0 0 " + value.length() + "\r\n" + value + "\r\nEND\r\n");
        }
    }

    /** A value streamed into a block of its own (past a quarter of a segment) is compressed too, and the block freed. */
    @Test
    void aStreamedCompressibleValueIsCompressed() throws IOException {
        try (RunningServer server = RunningServer.start(b -> b.itemSizeMax(2L << 20).maxMemory(16L << 20)
                .compression(new ValueCompression(4096)));
                TextClient client = new TextClient(server.port())) {
            int length = ValueCompression.MAX_LENGTH;
            assertThat(length).isGreaterThan(server.cache().memory().largestSegmentValue());
            String value = "the quick brown fox jumps over the lazy dog. ".repeat(length / 45 + 1).substring(0, length);
            client.send("set text 0 0 " + length + "\r\n" + value + "\r\n").expect("STORED\r\n");
            assertThat(server.cache().memory().storedValueBytes()).isLessThan(length / 10);
            assertThat(server.cache().memory().allocatedBytes()).as("no block of the value's size is kept").isLessThan(length);
            client.send("get text\r\n").expect("VALUE text 0 " + length + "\r\n" + value + "\r\nEND\r\n");
        }
    }

    /** With compression on, a compressible value over a mebibyte streams in and is kept as it came (CompressionTest says why). */
    @Test
    void aCompressibleValueOverAMebibyteIsKeptRaw() throws IOException {
        int length = 3 << 20;
        try (RunningServer server = RunningServer.start(b -> b.itemSizeMax(4L << 20).maxMemory(64L << 20)
                .compression(new ValueCompression(4096)));
                TextClient client = new TextClient(server.port())) {
            String value = "a".repeat(length);
            client.send("set big 0 0 " + length + "\r\n" + value + "\r\n").expect("STORED\r\n");
            assertThat(server.cache().memory().storedValueBytes()).isEqualTo(length);
            client.send("get big\r\n").expect("VALUE big 0 " + length + "\r\n" + value + "\r\nEND\r\n");
        }
    }

    @Test
    void anItemLargerThanTheBudgetIsRefusedAndTheRestStayIntact() throws IOException {
        try (RunningServer server = RunningServer.start(b -> b.itemSizeMax(64L << 20).maxMemory(8L << 20));
                Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            out.write("set keep 0 0 4\r\nkept\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(line(in)).isEqualTo("STORED");
            long length = 16 << 20;
            out.write(("set big 0 0 " + length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            send(out, 0, length, 1 << 16);
            out.write("\r\nget big keep\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(line(in)).isEqualTo("SERVER_ERROR out of memory storing object");
            assertThat(line(in)).as("nothing was evicted for an item that could never fit").isEqualTo("VALUE keep 0 4");
            assertThat(line(in)).isEqualTo("kept");
            assertThat(line(in)).isEqualTo("END");
            assertThat(server.cache().view().stats().evictions.sum()).isZero();
        }
    }

    /** The value's byte at {@code position}: a sequence that no shift of it repeats soon. */
    private static byte pattern(long position) {
        long x = position * 0x9E3779B97F4A7C15L;
        return (byte) (x >>> 56 ^ x >>> 29);
    }

    /** Sends the pattern's bytes {@code from} to {@code to}, flushed in pieces; returns their CRC-32. */
    private static long send(OutputStream out, long from, long to, int piece) throws IOException {
        CRC32 crc = new CRC32();
        byte[] chunk = new byte[piece];
        for (long at = from; at < to; at += piece) {
            int n = (int) Math.min(piece, to - at);
            for (int i = 0; i < n; i++) {
                chunk[i] = pattern(at + i);
            }
            crc.update(chunk, 0, n);
            out.write(chunk, 0, n);
            out.flush();
        }
        return crc.getValue();
    }

    private static long crcOfPattern(int length) {
        CRC32 crc = new CRC32();
        for (int at = 0; at < length; at++) {
            crc.update(pattern(at));
        }
        return crc.getValue();
    }

    /** Reads {@code length} bytes; returns their CRC-32. */
    private static long receive(InputStream in, long length) throws IOException {
        CRC32 crc = new CRC32();
        byte[] chunk = new byte[1 << 16];
        long left = length;
        while (left > 0) {
            int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
            assertThat(n).as("the stream ends early").isPositive();
            crc.update(chunk, 0, n);
            left -= n;
        }
        return crc.getValue();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            assertThat(b).as("the stream ends early").isNotNegative();
            line.write(b);
        }
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
