package org.ratmemcache.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.NetUtil;

import org.ratmemcache.core.CacheStats;
import org.ratmemcache.core.CacheView;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyPage;

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
 *   <li>{@code stats detail on|off|dump}: per-prefix counts ({@link PrefixStats}), handled by
 *       {@link Commands} since its outcomes are not a group of figures.</li>
 * </ul>
 * The protocols frame the figures: text lines ending with {@code END}, or binary packets ending
 * with an empty one.
 */
final class StatsReport {

    /** The pseudo slab class that holds every item. */
    private static final String SLAB = "1";

    private final CacheView cache;
    private final ServerStats server;
    private final ServerSettings settings;
    private final ChannelGroup connections;
    private final Supplier<List<SocketAddress>> boundAddresses;
    private final String transport;
    private final long startedMillis;
    private final PrefixStats prefixes;
    private final Optional<TlsContext> tls;
    private final Watchers watchers;

    StatsReport(CacheView cache, ServerStats server, ServerSettings settings, ChannelGroup connections,
            Supplier<List<SocketAddress>> boundAddresses, String transport) {
        this(cache, server, settings, connections, boundAddresses, transport, Optional.empty(), new Watchers(cache.clock()));
    }

    StatsReport(CacheView cache, ServerStats server, ServerSettings settings, ChannelGroup connections,
            Supplier<List<SocketAddress>> boundAddresses, String transport, Optional<TlsContext> tls, Watchers watchers) {
        this.tls = tls;
        this.watchers = watchers;
        this.cache = cache;
        this.server = server;
        this.settings = settings;
        this.connections = connections;
        this.boundAddresses = boundAddresses;
        this.transport = transport;
        this.startedMillis = cache.clock().millis();
        this.prefixes = new PrefixStats(settings.commands().statKeyPrefix());
    }

    /** The memcached port's TLS, when it is on. */
    Optional<TlsContext> tls() {
        return tls;
    }

    /** The memory tier's byte budget now. */
    long maxBytes() {
        return cache.memory().maxBytes();
    }

    ServerSettings settings() {
        return settings;
    }

    /** Whether expired items are swept in the background, memcached's lru_crawler. */
    boolean crawling() {
        return cache.sweeps();
    }

    /** A page of the live keys of both tiers, for the dumps. */
    CompletableFuture<KeyPage> keys(Key after, int limit) {
        return cache.keys(NO_PREFIX, after, limit);
    }

    private static final byte[] NO_PREFIX = new byte[0];

    /** The per-prefix counters of stats detail. */
    PrefixStats prefixes() {
        return prefixes;
    }

    /** Receives one statistic: a text line, or a binary packet. */
    @FunctionalInterface
    interface Sink {
        void stat(String name, Object value);
    }

    /** The groups {@link #report} knows; "" is the general one. */
    static final Set<String> GROUPS = Set.of("", "settings", "items", "slabs", "conns", "sizes");

    /**
     * Reports a group (one of {@link #GROUPS}) to {@code out}, for connection {@code requester};
     * returns false, reporting nothing, for an unknown group.
     */
    boolean report(String group, Sink out, long requester) {
        switch (group) {
            case "" -> general(out);
            case "settings" -> settings(out);
            case "items" -> items(out);
            case "slabs" -> slabs(out);
            case "conns" -> conns(out, requester);
            case "sizes" -> out.stat("sizes_status", "disabled");
            default -> {
                return false;
            }
        }
        return true;
    }

    /** memcached's stats reset: every counter back to zero, every prefix forgotten. */
    void reset() {
        cache.stats().reset();
        server.reset();
        prefixes.clear();
    }

    /** Seconds since the server started, as memcached's uptime. */
    long uptimeSeconds() {
        return (cache.clock().millis() - startedMillis) / 1000;
    }

    private void general(Sink out) {
        CacheStats c = cache.stats();
        long now = cache.clock().millis();
        long[] cpu = cpuMicros();
        out.stat("pid", ProcessHandle.current().pid());
        out.stat("uptime", uptimeSeconds());
        out.stat("time", now / 1000);
        out.stat("version", settings.version());
        out.stat("libevent", transport);
        out.stat("pointer_size", pointerSize());
        out.stat("rusage_user", seconds(cpu[0]));
        out.stat("rusage_system", seconds(cpu[1]));
        out.stat("max_connections", settings.maxConnections());
        out.stat("curr_connections", server.currConnections());
        out.stat("total_connections", server.totalConnections());
        out.stat("rejected_connections", server.rejectedConnections());
        out.stat("connection_structures", server.memcachedConnections.peak() + 1);
        zero(out, "response_obj_oom", "response_obj_count", "response_obj_bytes", "read_buf_count", "read_buf_bytes",
                "read_buf_bytes_free", "read_buf_oom", "reserved_fds");
        out.stat("cmd_get", c.getHits.sum() + c.getMisses.sum());
        out.stat("cmd_set", c.cmdSet.sum());
        out.stat("cmd_flush", c.cmdFlush.sum());
        out.stat("cmd_touch", c.touchHits.sum() + c.touchMisses.sum());
        out.stat("cmd_meta", server.metaCommands.sum());
        out.stat("get_hits", c.getHits.sum());
        out.stat("get_misses", c.getMisses.sum());
        out.stat("get_expired", c.getExpired.sum());
        out.stat("get_flushed", c.getFlushed.sum());
        out.stat("delete_misses", c.deleteMisses.sum());
        out.stat("delete_hits", c.deleteHits.sum());
        out.stat("incr_misses", c.incrMisses.sum());
        out.stat("incr_hits", c.incrHits.sum());
        out.stat("decr_misses", c.decrMisses.sum());
        out.stat("decr_hits", c.decrHits.sum());
        out.stat("cas_misses", c.casMisses.sum());
        out.stat("cas_hits", c.casHits.sum());
        out.stat("cas_badval", c.casBadval.sum());
        out.stat("touch_hits", c.touchHits.sum());
        out.stat("touch_misses", c.touchMisses.sum());
        out.stat("store_too_large", c.storeTooLarge.sum());
        out.stat("store_no_memory", c.storeNoMemory.sum());
        out.stat("auth_cmds", server.authCommands.sum());
        out.stat("auth_errors", server.authErrors.sum());
        tls.ifPresent(context -> {
            out.stat("ssl_handshake_errors", server.tlsHandshakeErrors.sum());
            out.stat("time_since_server_cert_refresh", context.secondsSinceRefresh());
        });
        out.stat("bytes_read", server.bytesRead());
        out.stat("bytes_written", server.bytesWritten());
        out.stat("limit_maxbytes", cache.memory().maxBytes());
        out.stat("accepting_conns", 1);
        zero(out, "listen_disabled_num", "time_in_listen_disabled_us");
        out.stat("threads", settings.ioThreads());
        zero(out, "conn_yields");
        out.stat("hash_power_level", 64 - Long.numberOfLeadingZeros(Math.max(1, cache.memory().indexSlots() - 1)));
        out.stat("hash_bytes", cache.memory().indexBytes());
        out.stat("hash_is_expanding", cache.memory().indexGrowing() ? 1 : 0);
        zero(out, "slab_reassign_rescues",
                "slab_reassign_chunk_rescues", "slab_reassign_evictions_nomem", "slab_reassign_inline_reclaim",
                "slab_reassign_busy_items", "slab_reassign_busy_deletes", "slab_reassign_running", "slabs_moved",
                "lru_crawler_running");
        out.stat("lru_crawler_starts", c.crawlerRuns.sum());
        zero(out, "lru_maintainer_juggles", "malloc_fails", "log_worker_dropped", "log_worker_written");
        out.stat("log_watcher_skipped", watchers.skipped.sum());
        out.stat("log_watcher_sent", watchers.sent.sum());
        out.stat("log_watchers", watchers.count());
        zero(out, "unexpected_napi_ids", "round_robin_fallback");
        out.stat("bytes", cache.memory().bytes());
        out.stat("curr_items", cache.itemCount());
        out.stat("total_items", c.totalItems.sum());
        out.stat("slab_global_page_pool", 0);
        out.stat("expired_unfetched", c.expiredUnfetched.sum());
        out.stat("evicted_unfetched", c.evictedUnfetched.sum());
        out.stat("evicted_active", 0);
        out.stat("evictions", c.evictions.sum());
        out.stat("reclaimed", c.reclaimed.sum());
        out.stat("crawler_reclaimed", c.crawlerReclaimed.sum());
        out.stat("crawler_items_checked", c.crawlerItemsChecked.sum());
        zero(out, "lrutail_reflocked", "moves_to_cold", "moves_to_warm", "moves_within_lru", "direct_reclaims");
        out.stat("lru_bumps_dropped", cache.memory().droppedReads());
        tiers(out, c);
    }

    /** RatMemCache's own figures, per protocol and per tier, after memcached's fields. */
    private void tiers(Sink out, CacheStats c) {
        out.stat("cmd_text", server.commands(CommandLatency.Protocol.TEXT));
        out.stat("cmd_binary", server.commands(CommandLatency.Protocol.BINARY));
        out.stat("cmd_resp", server.commands(CommandLatency.Protocol.RESP));
        out.stat("resp_curr_connections", server.respConnections.current());
        out.stat("resp_total_connections", server.respConnections.total());
        out.stat("resp_rejected_connections", server.respConnections.rejected());
        out.stat("l1_items", cache.memory().items());
        out.stat("l1_bytes", cache.memory().bytes());
        out.stat("l1_value_bytes_raw", cache.memory().rawValueBytes());
        out.stat("l1_value_bytes_stored", cache.memory().storedValueBytes());
        out.stat("l1_hits", c.l1Hits.sum());
        out.stat("l1_misses", c.l1Misses.sum());
        out.stat("l1_evictions", c.evictions.sum());
        out.stat("l2_enabled", cache.disk().isPresent() ? 1 : 0);
        cache.disk().ifPresent(disk -> {
            out.stat("l2_items", disk.items());
            out.stat("l2_bytes", disk.dataBytes());
            out.stat("l2_hits", c.l2Hits.sum());
            out.stat("l2_misses", c.l2Misses.sum());
            out.stat("l2_promotions", c.promotions.sum());
            out.stat("l2_evictions", c.l2Evictions.sum());
            out.stat("l2_write_back_queue", disk.writeBackQueue());
            out.stat("l2_write_back_lag_ms", disk.writeBackLagMillis());
            disk.statistics().forEach((name, value) -> out.stat("l2_" + name, value));
        });
    }

    private void settings(Sink out) {
        Optional<InetSocketAddress> tcp = boundAddresses.get().stream().filter(InetSocketAddress.class::isInstance)
                .map(InetSocketAddress.class::cast).findFirst();
        List<String> hosts = settings.listen().stream().filter(ListenAddress.Tcp.class::isInstance)
                .map(address -> ((ListenAddress.Tcp) address).host()).toList();
        Optional<ListenAddress.UnixSocket> socket = settings.listen().stream().filter(ListenAddress.UnixSocket.class::isInstance)
                .map(ListenAddress.UnixSocket.class::cast).findFirst();
        out.stat("maxbytes", cache.memory().maxBytes());
        out.stat("maxconns", settings.maxConnections());
        out.stat("tcpport", tcp.map(InetSocketAddress::getPort).orElse(0));
        out.stat("udpport", 0);
        out.stat("inter", hosts.isEmpty() ? "NULL" : String.join(",", hosts));
        out.stat("verbosity", server.verbosity);
        out.stat("evictions", "on");
        out.stat("domain_socket", socket.map(unix -> unix.path().toString()).orElse("NULL"));
        out.stat("umask", Integer.toOctalString(socket.map(ListenAddress.UnixSocket::mask).orElse(0700)));
        out.stat("shutdown_command", settings.commands().shutdown() ? "yes" : "no");
        out.stat("num_threads", settings.ioThreads());
        out.stat("stat_key_prefix", prefixes.delimiter());
        out.stat("detail_enabled", prefixes.enabled() ? "yes" : "no");
        out.stat("cas_enabled", "yes");
        out.stat("tcp_backlog", MemcachedServer.BACKLOG);
        Authentication auth = settings.authentication();
        out.stat("binding_protocol", !auth.servesText() ? "binary" : !auth.servesBinary() ? "ascii" : "auto-negotiate");
        out.stat("auth_enabled_sasl", auth.sasl().isPresent() ? "yes" : "no");
        out.stat("auth_enabled_ascii", auth.ascii().map(Credentials::source).orElse("no"));
        out.stat("item_size_max", cache.itemSizeMax());
        out.stat("maxconns_fast", "yes");
        out.stat("slab_automove", server.slabAutomove);
        out.stat("slab_automove_ratio", String.format(Locale.ROOT, "%.2f", server.slabAutomoveRatio));
        out.stat("lru_crawler", cache.sweeps() ? "yes" : "no");
        out.stat("lru_crawler_sleep", server.crawlerSleepMicros);
        out.stat("lru_crawler_tocrawl", server.crawlerToCrawl);
        out.stat("flush_enabled", settings.commands().flush() ? "yes" : "no");
        out.stat("dump_enabled", settings.commands().dumps() ? "yes" : "no");
        out.stat("lru_segmented", "no");
        out.stat("temp_lru", "no");
        out.stat("idle_timeout", settings.idleTimeout().toSeconds());
        out.stat("ssl_enabled", tls.isPresent() ? "yes" : "no");
        tls.ifPresent(context -> {
            TlsSettings t = context.settings();
            out.stat("ssl_chain_cert", t.certificateChain());
            out.stat("ssl_key", t.privateKey());
            out.stat("ssl_verify_mode", t.verify().code());
            out.stat("ssl_keyformat", 1);
            out.stat("ssl_ciphers", t.ciphers().isEmpty() ? "NULL" : String.join(":", t.ciphers()));
            out.stat("ssl_ca_cert", t.clientCa().map(Path::toString).orElse("NULL"));
            out.stat("ssl_session_cache", "no");
            out.stat("ssl_kernel_tls", "no");
            out.stat("ssl_min_version", t.minVersion().toLowerCase(Locale.ROOT));
        });
        // ours, after memcached's own lines
        out.stat("eviction_policy", cache.memory().eviction().name().toLowerCase(Locale.ROOT));
    }

    private void items(Sink out) {
        long items = cache.memory().items();
        if (items == 0) {
            return;
        }
        CacheStats c = cache.stats();
        OptionalLong coldest = cache.memory().coldestAccessedAt();
        long age = coldest.isPresent() ? (cache.clock().millis() - coldest.getAsLong()) / 1000 : 0;
        item(out, "number", items);
        item(out, "number_hot", 0);
        item(out, "number_warm", 0);
        item(out, "number_cold", items);
        item(out, "age_hot", 0);
        item(out, "age_warm", 0);
        item(out, "age", age);
        item(out, "mem_requested", cache.memory().bytes());
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

    private void slabs(Sink out) {
        long items = cache.memory().items();
        boolean allocated = cache.memory().everHeldItems();
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
        out.stat("active_slabs", allocated ? 1 : 0);
        out.stat("total_malloced", cache.memory().bytes());
    }

    private void conns(Sink out, long requester) {
        long now = cache.clock().millis();
        List<SocketAddress> listen = boundAddresses.get();
        for (int i = 0; i < listen.size(); i++) {
            out.stat(i + ":addr", address(listen.get(i)));
            out.stat(i + ":state", "conn_listening");
            out.stat(i + ":secs_since_last_cmd", (now - startedMillis) / 1000);
        }
        for (Channel channel : connections) {
            ConnectionHandler handler = channel.pipeline().get(ConnectionHandler.class);
            if (handler == null) {
                continue;
            }
            String id = Long.toString(handler.id());
            out.stat(id + ":addr", address(channel.remoteAddress()));
            out.stat(id + ":listen_addr", address(channel.parent() == null ? null : channel.parent().localAddress()));
            out.stat(id + ":state", handler.id() == requester ? "conn_parse_cmd" : "conn_waiting");
            out.stat(id + ":secs_since_last_cmd", (now - handler.lastCommandMillis()) / 1000);
        }
    }

    /** memcached's form: tcp:ADDR:PORT, tcp6:[ADDR]:PORT, unix:PATH. */
    private static String address(SocketAddress address) {
        return switch (address) {
            case InetSocketAddress inet when inet.getAddress() instanceof Inet6Address v6 ->
                    "tcp6:[" + NetUtil.toAddressString(v6) + "]:" + inet.getPort();
            case InetSocketAddress inet -> "tcp:" + inet.getAddress().getHostAddress() + ":" + inet.getPort();
            case UnixDomainSocketAddress unix -> "unix:" + unix.getPath();
            case DomainSocketAddress unix -> "unix:" + unix.path();
            case null -> "unix:";
            default -> String.valueOf(address);
        };
    }

    private static void item(Sink out, String name, long value) {
        out.stat("items:" + SLAB + ":" + name, value);
    }

    private static void slab(Sink out, String name, long value) {
        out.stat(SLAB + ":" + name, value);
    }

    private static void zero(Sink out, String... names) {
        for (String name : names) {
            out.stat(name, 0);
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
