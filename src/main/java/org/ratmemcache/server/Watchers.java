package org.ratmemcache.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import org.ratmemcache.core.Clock;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;

/**
 * memcached's {@code watch}: connections that asked for a log stream get one line per event, in
 * memcached's {@code key=value} format, {@code ts=} and {@code gid=} first, keys URI-encoded.
 *
 * <p>With no watcher, an event costs one volatile read. A line goes to a watcher's channel from
 * whatever thread had the event; a watcher that does not keep up (its channel unwritable) loses
 * lines, counted as memcached's {@code log_watcher_skipped}, rather than slowing the cache.
 */
final class Watchers {

    /** The streams a watcher can ask for, by memcached's names. */
    enum Stream {
        FETCHERS, MUTATIONS, EVICTIONS, CONNEVENTS,
        /** memcached's proxy streams: accepted, and silent, as there is no proxy here. */
        PROXYREQS, PROXYEVENTS, PROXYUSER;

        final int bit = 1 << ordinal();

        static Optional<Stream> named(String name) {
            for (Stream stream : values()) {
                if (stream.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return Optional.of(stream);
                }
            }
            return Optional.empty();
        }
    }

    private record Watcher(Channel channel, int streams) {
    }

    private final Clock clock;
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    /** The union of what the watchers asked for. */
    private volatile int streams;
    private final AtomicLong gid = new AtomicLong();
    final LongAdder sent = new LongAdder();
    final LongAdder skipped = new LongAdder();

    Watchers(Clock clock) {
        this.clock = clock;
    }

    /** Connections watching now. */
    int count() {
        return watchers.size();
    }

    boolean watching(Stream stream) {
        return (streams & stream.bit) != 0;
    }

    /** Turns {@code channel} into a watcher of {@code asked} (a bit set of streams) until it closes. */
    void add(Channel channel, int asked) {
        Watcher watcher = new Watcher(channel, asked);
        watchers.add(watcher);
        recompute();
        channel.closeFuture().addListener(closed -> {
            watchers.remove(watcher);
            recompute();
        });
    }

    private synchronized void recompute() {
        int union = 0;
        for (Watcher watcher : watchers) {
            union |= watcher.streams();
        }
        streams = union;
    }

    /** item_get: a retrieval found the item, or did not. */
    void fetched(Key key, Item item, long connection) {
        StringBuilder line = start("item_get", key)
                .append(item != null ? " status=found clsid=1" : " status=not_found clsid=0")
                .append(" cfd=").append(connection).append(" size=").append(item != null ? item.valueLength() : 0);
        emit(Stream.FETCHERS, line);
    }

    /** memcached's name for a store's outcome in an item_store line. */
    static String status(StoreResult result) {
        return switch (result) {
            case STORED -> "stored";
            case NOT_STORED -> "not_stored";
            case EXISTS -> "exists";
            case NOT_FOUND -> "not_found";
            case TOO_LARGE -> "too_large";
            case NO_MEMORY -> "no_memory";
        };
    }

    /** memcached's name for a store mode's command. */
    static String command(StoreMode mode) {
        return switch (mode) {
            case SET -> "set";
            case ADD -> "add";
            case REPLACE -> "replace";
            case APPEND, APPEND_OR_ADD -> "append";
            case PREPEND, PREPEND_OR_ADD -> "prepend";
            case CAS, CAS_OR_STALE -> "cas";
        };
    }

    /** item_store: a storage command's outcome. */
    void stored(Key key, String command, String status, long expiresAt, int size, long connection) {
        StringBuilder line = start("item_store", key).append(" status=").append(status).append(" cmd=").append(command)
                .append(" ttl=").append(ttl(expiresAt, 0)).append(" clsid=1 cfd=").append(connection).append(" size=").append(size);
        emit(Stream.MUTATIONS, line);
    }

    /** eviction: the memory tier gave up a live item. */
    void evicted(Item item) {
        StringBuilder line = start("eviction", item.key()).append(" fetch=").append(item.fetched() ? "yes" : "no")
                .append(" ttl=").append(ttl(item.expiresAt(), -1))
                .append(" la=").append(Math.max(clock.millis() - item.accessedAt(), 0) / 1000)
                .append(" clsid=1 size=").append(item.valueLength());
        emit(Stream.EVICTIONS, line);
    }

    /** conn_new and conn_close. */
    void connection(String type, Channel channel, long connection, String reason) {
        StringBuilder line = new StringBuilder(96).append("type=").append(type).append(' ').append(remote(channel))
                .append(" transport=").append(channel.remoteAddress() instanceof java.net.InetSocketAddress ? "tcp" : "local");
        if (reason != null) {
            line.append(" reason=").append(reason);
        }
        emit(Stream.CONNEVENTS, line.append(" cfd=").append(connection));
    }

    private static String remote(Channel channel) {
        return channel.remoteAddress() instanceof java.net.InetSocketAddress address
                ? "rip=" + address.getAddress().getHostAddress() + " rport=" + address.getPort()
                : "rip=unix rport=0";
    }

    private long ttl(long expiresAt, long never) {
        return expiresAt == Expiry.NEVER ? never : Math.max((expiresAt - clock.millis()) / 1000, 0);
    }

    private static StringBuilder start(String type, Key key) {
        StringBuilder line = new StringBuilder(128).append("type=").append(type).append(" key=");
        ItemDump.uriEncode(key, line);
        return line;
    }

    private void emit(Stream stream, CharSequence body) {
        long now = clock.millis();
        // memcached prints the microseconds unpadded ("%d.%d")
        String line = "ts=" + now / 1000 + "." + now % 1000 * 1000 + " gid=" + gid.incrementAndGet() + " " + body + "\n";
        for (Watcher watcher : watchers) {
            if ((watcher.streams() & stream.bit) == 0) {
                continue;
            }
            if (watcher.channel().isWritable()) {
                watcher.channel().writeAndFlush(Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII));
                sent.increment();
            } else {
                skipped.increment();
            }
        }
    }
}
