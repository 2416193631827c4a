package org.ratmemcache.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import org.awaitility.Awaitility;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.core.engine.TieredCacheBuilder;
import org.ratmemcache.testing.ManualClock;

/**
 * One connection on an {@link EmbeddedChannel}, over a fresh cache on a manual clock: bytes in,
 * reply bytes out, no sockets. Its first byte picks text or binary, as on the real server. Every
 * buffer is released.
 */
final class ConnectionHarness implements AutoCloseable {

    final ManualClock clock = new ManualClock();
    final TieredCache cache;
    final EmbeddedChannel channel;
    /** Where the handlers' hand-offs from disk threads wait for the test's thread. */
    private final HarnessExecutor handlerLoop = new HarnessExecutor();

    ConnectionHarness() {
        this(TieredCache.builder());
    }

    ConnectionHarness(TieredCacheBuilder settings) {
        this(settings, new ServerSettings("127.0.0.1", 0, 1, 1024, Duration.ZERO, "test", true));
    }

    ConnectionHarness(TieredCacheBuilder settings, ServerSettings server) {
        cache = settings.clock(clock).sweepInterval(Duration.ZERO).build();
        ServerStats stats = new ServerStats();
        StatsReport report = new StatsReport(cache.view(), stats, server,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), List::of, "embedded");
        Commands commands = new Commands(cache, stats, report, "test");
        channel = new EmbeddedChannel();
        // The detector, and the handler that replaces it, run on handlerLoop, which takes tasks
        // from any thread (the channel's own loop must only be fed from the test's).
        channel.pipeline().addLast(handlerLoop, new ProtocolDetector(
                () -> new TextConnectionHandler(1, commands, stats),
                () -> new BinaryConnectionHandler(1, commands, stats)));
    }

    /**
     * Sends each chunk as one read batch and waits until every request is answered (one that read
     * the disk tier completes on the channel's event loop, whose tasks run here); returns every
     * reply byte the batches produced.
     */
    String exchange(byte[]... chunks) {
        return new String(exchangeBytes(chunks), StandardCharsets.ISO_8859_1);
    }

    /** As {@link #exchange(byte[]...)}, the replies as bytes. */
    byte[] exchangeBytes(byte[]... chunks) {
        for (byte[] chunk : chunks) {
            channel.writeInbound(Unpooled.wrappedBuffer(chunk));
            awaitAnswered();
        }
        return replyBytes();
    }

    /** Runs the event loop's tasks until the connection holds no request back. */
    void awaitAnswered() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1)).until(() -> {
            handlerLoop.runTasks();
            channel.runPendingTasks();
            ConnectionHandler handler = channel.pipeline().get(ConnectionHandler.class);
            return handler == null || handler.idle();
        });
    }

    String exchange(String request) {
        return exchange(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Everything written since the last call. */
    String replies() {
        return new String(replyBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Everything written since the last call, as bytes. */
    byte[] replyBytes() {
        awaitAnswered();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf reply = channel.readOutbound(); reply != null; reply = channel.readOutbound()) {
            byte[] bytes = new byte[reply.readableBytes()];
            reply.readBytes(bytes);
            out.writeBytes(bytes);
            reply.release();
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        replies();
        channel.finishAndReleaseAll();
        cache.close();
    }
}
