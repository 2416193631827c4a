package org.ratmemcache.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import org.ratmemcache.core.TieredCache;
import org.ratmemcache.testing.ManualClock;

/**
 * One text-protocol connection on an {@link EmbeddedChannel}, over a fresh cache on a manual
 * clock: bytes in, reply bytes out, no sockets. Every buffer is released.
 */
final class TextHarness implements AutoCloseable {

    final ManualClock clock = new ManualClock();
    final TieredCache cache;
    final EmbeddedChannel channel;

    TextHarness() {
        this(TieredCache.builder());
    }

    TextHarness(TieredCache.Builder settings) {
        cache = settings.clock(clock).sweepInterval(Duration.ZERO).build();
        ServerSettings server = new ServerSettings("127.0.0.1", 0, 1, 1024, Duration.ZERO, "test", true);
        ServerStats stats = new ServerStats();
        StatsReport report = new StatsReport(cache, stats, server,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), () -> null, "embedded");
        channel = new EmbeddedChannel(new TextConnectionHandler(1, cache, stats, report,
                "VERSION test\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    /** Sends each chunk as one read batch; returns every reply byte the batches produced. */
    String exchange(byte[]... chunks) {
        for (byte[] chunk : chunks) {
            channel.writeInbound(Unpooled.wrappedBuffer(chunk));
        }
        return replies();
    }

    String exchange(String request) {
        return exchange(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Everything written since the last call. */
    String replies() {
        StringBuilder out = new StringBuilder();
        for (ByteBuf reply = channel.readOutbound(); reply != null; reply = channel.readOutbound()) {
            out.append(reply.toString(StandardCharsets.ISO_8859_1));
            reply.release();
        }
        return out.toString();
    }

    @Override
    public void close() {
        replies();
        channel.finishAndReleaseAll();
        cache.close();
    }
}
