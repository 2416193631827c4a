package org.ratmemcache.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;

import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.DiskTier;
import org.ratmemcache.core.TieredCache;
import org.ratmemcache.core.memory.Entry;
import org.ratmemcache.protocol.text.TextError;
import org.ratmemcache.protocol.text.TextReplies;
import org.ratmemcache.protocol.text.TextRequest;

import static org.ratmemcache.protocol.text.TextReplies.stat;

/**
 * memcached's {@code stats} command and its groups, with memcached 1.6's field names in
 * memcached's order, because exporters and dashboards parse them.
 *
 * <ul>
 *   <li>{@code stats}: every general field memcached 1.6.18 prints, in its order. Those that
 *       describe memcached's own machinery (slab mover, LRU maintainer, logger, read buffers)
 *       have no counterpart here and stay 0. Then RatMemCache's per-tier figures, prefixed
 *       {@code l1_} and {@code l2_}.</li>
 *   <li>{@code stats settings}: memcached's names for the settings that apply here.</li>
 *   <li>{@code stats items} and {@code stats slabs}: one pseudo slab class, 1, holds every item in
 *       memory (one chunk per item), as memcached's slabs hold its memory. As in memcached, the class appears in {@code stats items} while it
 *       holds items, and in {@code stats slabs} once it has ever held one.</li>
 *   <li>{@code stats conns}: the listener and each connection, numbered by connection id.</li>
 *   <li>{@code stats sizes}: size tracking is off, as by default in memcached.</li>
 *   <li>{@code stats reset}: counters back to zero.</li>
 * </ul>
 * Every group ends with {@code END}; an unknown group gets {@code ERROR}, as from memcached.
 */
final class StatsReport {

    /** memcached's MAX_VERBOSITY_LEVEL. */
    static final int MAX_VERBOSITY = 2;
    /** The pseudo slab class that holds every item. */
    private static final String SLAB = "1";

    private final TieredCache cache;
    private final ServerStats server;
    private final ServerSettings settings;
    private final ChannelGroup connections;
    private final Supplier<SocketAddress> listenAddress;
    private final String transport;
    private final long startedMillis;

    StatsReport(TieredCache cache, ServerStats server, ServerSettings settings, ChannelGroup connections,
            Supplier<SocketAddress> listenAddress, String transport) {
        this.cache = cache;
        this.server = server;
        this.settings = settings;
        this.connections = connections;
        this.listenAddress = listenAddress;
        this.transport = transport;
        this.startedMillis = cache.clock().millis();
    }

    /** Writes the reply to a stats request from connection {@code requester}. */
    void write(ByteBuf out, TextRequest request, long requester) {
        if (request.argumentCount() == 0) {
            general(out);
        } else {
            switch (request.argument(0)) {
                case "reset" -> {
                    cache.stats().reset();
                    server.reset();
                    out.writeBytes(TextReplies.RESET);
                    return;
                }
                case "settings" -> settings(out);
                case "items" -> items(out);
                case "slabs" -> slabs(out);
                case "conns" -> conns(out, requester);
                case "sizes" -> stat(out, "sizes_status", "disabled");
                default -> {
                    out.writeBytes(TextError.UNKNOWN_COMMAND.line());
                    return;
                }
            }
        }
        out.writeBytes(TextReplies.END);
    }

    private void general(ByteBuf out) {
        CacheStats c = cache.stats();
        long now = cache.clock().millis();
        long[] cpu = cpuMicros();
        stat(out, "pid", ProcessHandle.current().pid());
        stat(out, "uptime", (now - startedMillis) / 1000);
        stat(out, "time", now / 1000);
        stat(out, "version", settings.version());
        stat(out, "libevent", transport);
        stat(out, "pointer_size", pointerSize());
        stat(out, "rusage_user", seconds(cpu[0]));
        stat(out, "rusage_system", seconds(cpu[1]));
        stat(out, "max_connections", settings.maxConnections());
        stat(out, "curr_connections", server.currConnections());
        stat(out, "total_connections", server.totalConnections());
        stat(out, "rejected_connections", server.rejectedConnections());
        stat(out, "connection_structures", server.peakConnections.get() + 1);
        zero(out, "response_obj_oom", "response_obj_count", "response_obj_bytes", "read_buf_count", "read_buf_bytes",
                "read_buf_bytes_free", "read_buf_oom", "reserved_fds");
        stat(out, "cmd_get", c.getHits.sum() + c.getMisses.sum());
        stat(out, "cmd_set", c.cmdSet.sum());
        stat(out, "cmd_flush", c.cmdFlush.sum());
        stat(out, "cmd_touch", c.touchHits.sum() + c.touchMisses.sum());
        stat(out, "cmd_meta", 0);
        stat(out, "get_hits", c.getHits.sum());
        stat(out, "get_misses", c.getMisses.sum());
        stat(out, "get_expired", c.getExpired.sum());
        stat(out, "get_flushed", c.getFlushed.sum());
        stat(out, "delete_misses", c.deleteMisses.sum());
        stat(out, "delete_hits", c.deleteHits.sum());
        stat(out, "incr_misses", c.incrMisses.sum());
        stat(out, "incr_hits", c.incrHits.sum());
        stat(out, "decr_misses", c.decrMisses.sum());
        stat(out, "decr_hits", c.decrHits.sum());
        stat(out, "cas_misses", c.casMisses.sum());
        stat(out, "cas_hits", c.casHits.sum());
        stat(out, "cas_badval", c.casBadval.sum());
        stat(out, "touch_hits", c.touchHits.sum());
        stat(out, "touch_misses", c.touchMisses.sum());
        stat(out, "store_too_large", c.storeTooLarge.sum());
        stat(out, "store_no_memory", c.storeNoMemory.sum());
        zero(out, "auth_cmds", "auth_errors");
        stat(out, "bytes_read", server.bytesRead());
        stat(out, "bytes_written", server.bytesWritten());
        stat(out, "limit_maxbytes", cache.maxBytes());
        stat(out, "accepting_conns", 1);
        zero(out, "listen_disabled_num", "time_in_listen_disabled_us");
        stat(out, "threads", settings.ioThreads());
        zero(out, "conn_yields", "hash_power_level", "hash_bytes", "hash_is_expanding", "slab_reassign_rescues",
                "slab_reassign_chunk_rescues", "slab_reassign_evictions_nomem", "slab_reassign_inline_reclaim",
                "slab_reassign_busy_items", "slab_reassign_busy_deletes", "slab_reassign_running", "slabs_moved",
                "lru_crawler_running");
        stat(out, "lru_crawler_starts", c.crawlerRuns.sum());
        zero(out, "lru_maintainer_juggles", "malloc_fails", "log_worker_dropped", "log_worker_written",
                "log_watcher_skipped", "log_watcher_sent", "log_watchers", "unexpected_napi_ids",
                "round_robin_fallback");
        stat(out, "bytes", cache.bytes());
        stat(out, "curr_items", cache.itemCount());
        stat(out, "total_items", c.totalItems.sum());
        stat(out, "slab_global_page_pool", 0);
        stat(out, "expired_unfetched", c.expiredUnfetched.sum());
        stat(out, "evicted_unfetched", c.evictedUnfetched.sum());
        stat(out, "evicted_active", 0);
        stat(out, "evictions", c.evictions.sum());
        stat(out, "reclaimed", c.reclaimed.sum());
        stat(out, "crawler_reclaimed", c.crawlerReclaimed.sum());
        stat(out, "crawler_items_checked", c.crawlerItemsChecked.sum());
        zero(out, "lrutail_reflocked", "moves_to_cold", "moves_to_warm", "moves_within_lru", "direct_reclaims");
        stat(out, "lru_bumps_dropped", cache.memory().droppedReads());
        tiers(out, c);
    }

    /** RatMemCache's own figures, per tier, after memcached's fields. */
    private void tiers(ByteBuf out, CacheStats c) {
        stat(out, "l1_items", cache.memory().entries());
        stat(out, "l1_bytes", cache.memory().bytes());
        stat(out, "l1_value_bytes_raw", cache.memory().rawValueBytes());
        stat(out, "l1_value_bytes_stored", cache.memory().storedValueBytes());
        stat(out, "l1_hits", c.l1Hits.sum());
        stat(out, "l1_misses", c.l1Misses.sum());
        stat(out, "l1_evictions", c.evictions.sum());
        DiskTier disk = cache.disk();
        stat(out, "l2_enabled", disk == null ? 0 : 1);
        if (disk == null) {
            return;
        }
        stat(out, "l2_items", disk.itemCount());
        stat(out, "l2_bytes", disk.dataBytes());
        stat(out, "l2_hits", c.l2Hits.sum());
        stat(out, "l2_misses", c.l2Misses.sum());
        stat(out, "l2_promotions", c.promotions.sum());
        stat(out, "l2_evictions", c.l2Evictions.sum());
        stat(out, "l2_write_back_queue", cache.writeBackQueueDepth());
        stat(out, "l2_write_back_lag_ms", cache.writeBackLagMillis());
        disk.statistics().forEach((name, value) -> stat(out, "l2_" + name, value));
    }

    private void settings(ByteBuf out) {
        InetSocketAddress address = (InetSocketAddress) listenAddress.get();
        stat(out, "maxbytes", cache.maxBytes());
        stat(out, "maxconns", settings.maxConnections());
        stat(out, "tcpport", address == null ? settings.port() : address.getPort());
        stat(out, "udpport", 0);
        stat(out, "inter", settings.bind());
        stat(out, "verbosity", server.verbosity);
        stat(out, "evictions", "on");
        stat(out, "domain_socket", "NULL");
        stat(out, "shutdown_command", "no");
        stat(out, "num_threads", settings.ioThreads());
        stat(out, "detail_enabled", "no");
        stat(out, "cas_enabled", "yes");
        stat(out, "tcp_backlog", MemcachedServer.BACKLOG);
        stat(out, "binding_protocol", "ascii");
        stat(out, "auth_enabled_sasl", "no");
        stat(out, "auth_enabled_ascii", "no");
        stat(out, "item_size_max", cache.itemSizeMax());
        stat(out, "maxconns_fast", "yes");
        stat(out, "lru_crawler", cache.sweeps() ? "yes" : "no");
        stat(out, "flush_enabled", "yes");
        stat(out, "dump_enabled", "no");
        stat(out, "lru_segmented", "no");
        stat(out, "temp_lru", "no");
        stat(out, "idle_timeout", settings.idleTimeout().toSeconds());
        stat(out, "ssl_enabled", "no");
    }

    private void items(ByteBuf out) {
        long items = cache.memory().entries();
        if (items == 0) {
            return;
        }
        CacheStats c = cache.stats();
        Entry coldest = cache.memory().coldest();
        long age = coldest == null ? 0 : (cache.clock().millis() - coldest.accessedAt()) / 1000;
        item(out, "number", items);
        item(out, "number_hot", 0);
        item(out, "number_warm", 0);
        item(out, "number_cold", items);
        item(out, "age_hot", 0);
        item(out, "age_warm", 0);
        item(out, "age", age);
        item(out, "mem_requested", cache.bytes());
        item(out, "evicted", c.evictions.sum());
        item(out, "evicted_nonzero", 0);
        item(out, "evicted_time", 0);
        item(out, "outofmemory", c.storeNoMemory.sum());
        item(out, "tailrepairs", 0);
        item(out, "reclaimed", c.reclaimed.sum());
        item(out, "expired_unfetched", c.expiredUnfetched.sum());
        item(out, "evicted_unfetched", c.evictedUnfetched.sum());
        item(out, "evicted_active", 0);
        item(out, "crawler_reclaimed", c.crawlerReclaimed.sum());
        item(out, "crawler_items_checked", c.crawlerItemsChecked.sum());
        for (String name : new String[] {"lrutail_reflocked", "moves_to_cold", "moves_to_warm", "moves_within_lru",
                "direct_reclaims", "hits_to_hot", "hits_to_warm"}) {
            item(out, name, 0);
        }
        item(out, "hits_to_cold", c.getHits.sum());
        item(out, "hits_to_temp", 0);
    }

    private void slabs(ByteBuf out) {
        long items = cache.memory().entries();
        boolean allocated = cache.memory().everHeldEntries();
        if (allocated) {
            CacheStats c = cache.stats();
            slab(out, "chunk_size", cache.itemSizeMax());
            slab(out, "chunks_per_page", 1);
            slab(out, "total_pages", items);
            slab(out, "total_chunks", items);
            slab(out, "used_chunks", items);
            slab(out, "free_chunks", 0);
            slab(out, "free_chunks_end", 0);
            slab(out, "get_hits", c.getHits.sum());
            slab(out, "cmd_set", c.cmdSet.sum());
            slab(out, "delete_hits", c.deleteHits.sum());
            slab(out, "incr_hits", c.incrHits.sum());
            slab(out, "decr_hits", c.decrHits.sum());
            slab(out, "cas_hits", c.casHits.sum());
            slab(out, "cas_badval", c.casBadval.sum());
            slab(out, "touch_hits", c.touchHits.sum());
        }
        stat(out, "active_slabs", allocated ? 1 : 0);
        stat(out, "total_malloced", cache.bytes());
    }

    private void conns(ByteBuf out, long requester) {
        long now = cache.clock().millis();
        SocketAddress listen = listenAddress.get();
        stat(out, "0:addr", address(listen));
        stat(out, "0:state", "conn_listening");
        stat(out, "0:secs_since_last_cmd", (now - startedMillis) / 1000);
        for (Channel channel : connections) {
            TextConnectionHandler handler = channel.pipeline().get(TextConnectionHandler.class);
            if (handler == null) {
                continue;
            }
            String id = Long.toString(handler.id());
            stat(out, id + ":addr", address(channel.remoteAddress()));
            stat(out, id + ":listen_addr", address(listen));
            stat(out, id + ":state", handler.id() == requester ? "conn_parse_cmd" : "conn_waiting");
            stat(out, id + ":secs_since_last_cmd", (now - handler.lastCommandMillis()) / 1000);
        }
    }

    private static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return "tcp:" + inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    private static void item(ByteBuf out, String name, long value) {
        stat(out, "items:" + SLAB + ":" + name, value);
    }

    private static void slab(ByteBuf out, String name, long value) {
        stat(out, SLAB + ":" + name, value);
    }

    private static void zero(ByteBuf out, String... names) {
        for (String name : names) {
            stat(out, name, 0);
        }
    }

    private static int pointerSize() {
        return "32".equals(System.getProperty("sun.arch.data.model")) ? 32 : 64;
    }

    /** memcached prints rusage as seconds.microseconds. */
    private static String seconds(long micros) {
        return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }

    /**
     * User and system CPU time of this process, in microseconds: from /proc on Linux (clock
     * ticks of 1/100 s), else the JVM's process CPU time, all counted as user time.
     */
    private static long[] cpuMicros() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After "pid (comm) ", utime and stime are the 12th and 13th fields.
            return new long[] {Long.parseLong(fields[11]) * 10_000, Long.parseLong(fields[12]) * 10_000};
        } catch (IOException | RuntimeException notLinux) {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return new long[] {os.getProcessCpuTime() / 1000, 0};
            }
            return new long[] {0, 0};
        }
    }
}
