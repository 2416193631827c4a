package org.ratmemcache.server;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.Cache;
import org.ratmemcache.core.Clock;
import org.ratmemcache.core.Decimal;
import org.ratmemcache.core.DeleteResult;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyPage;
import org.ratmemcache.core.Lookup;
import org.ratmemcache.core.MetaDelete;
import org.ratmemcache.core.MetaGet;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.core.memory.Reservation;

/**
 * memcached's commands in the terms all three protocols share: the one layer between a decoded
 * request and the cache. The text, meta and binary front ends decode a request, call one method
 * here, and encode what it answers; none of them talks to the cache directly.
 *
 * <p>What lives here is what memcached does the same whatever the wire format: an exptime
 * (relative or absolute seconds) becomes an absolute time ({@link #expiresAt}, which every
 * method here takes), a flush takes an optional delay, verbosity is clamped, {@code stats}
 * groups are dispatched and reset, {@code me} counts as a meta command. One instance serves
 * every connection; it keeps no state of its own.
 */
final class Commands {

    /** memcached's MAX_VERBOSITY_LEVEL. */
    static final int MAX_VERBOSITY = 2;

    /** What a stats request did. */
    enum StatsOutcome {
        /** The group's figures went to the sink. */
        REPORTED,
        /** {@code stats reset}: the counters are back to zero. */
        RESET,
        /** No such group: nothing was reported. */
        UNKNOWN_GROUP
    }

    private final Cache cache;
    private final ServerStats serverStats;
    private final StatsReport statsReport;
    private final String version;
    private final long startingMaxBytes;
    private final Watchers watchers;
    private volatile Consumer<Boolean> shutdown = graceful -> { };

    Commands(Cache cache, ServerStats serverStats, StatsReport statsReport, String version) {
        this(cache, serverStats, statsReport, version, new Watchers(cache.clock()));
    }

    Commands(Cache cache, ServerStats serverStats, StatsReport statsReport, String version, Watchers watchers) {
        this.watchers = watchers;
        this.cache = cache;
        this.serverStats = serverStats;
        this.statsReport = statsReport;
        this.version = version;
        this.startingMaxBytes = statsReport.maxBytes();
    }

    Clock clock() {
        return cache.clock();
    }

    /** The largest item accepted, for the parsers. */
    long itemSizeMax() {
        return cache.itemSizeMax();
    }

    /** The absolute expiry of a memcached exptime received now; a command converts its exptime once. */
    long expiresAt(long exptime) {
        return Expiry.fromExptime(exptime, cache.clock().millis());
    }

    Lookup get(Key key) {
        return cache.get(key);
    }

    CompletableFuture<Item> getAndTouch(Key key, long expiresAt) {
        cache.makeRoom(key.length(), 0);
        return cache.getAndTouch(key, expiresAt);
    }

    CompletableFuture<MetaGet.Result> metaGet(Key key, MetaGet read) {
        return cache.metaGet(key, read);
    }

    /** me: counted as memcached counts it, in cmd_meta. */
    CompletableFuture<Item> metaDebug(Key key) {
        serverStats.metaCommands.increment();
        return cache.peek(key);
    }

    CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, byte[] value, long cas,
            long newCas, Consumer<? super Item> stored) {
        return cache.store(mode, key, flags, expiresAt, value, cas, newCas, stored);
    }

    CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, Reservation value, long cas,
            long newCas, Consumer<? super Item> stored) {
        return cache.store(mode, key, flags, expiresAt, value, cas, newCas, stored);
    }

    /**
     * Room in item memory for a value about to be read; see {@link Cache#reserve}. Called between
     * the requests of a batch, when it holds nothing: so it may wait for room ({@link Cache#makeRoom}).
     */
    boolean reserve(Reservation into, Key key, int flags, long expiresAt, long newCas, int valueLength, boolean acrossBatches) {
        cache.makeRoom(key.length(), valueLength);
        return cache.reserve(into, key, flags, expiresAt, newCas, valueLength, acrossBatches);
    }

    void discard(Reservation reserved) {
        cache.discard(reserved);
    }

    /** Values longer than this are read into room of their own as they arrive. */
    int longValueThreshold() {
        return cache.longValueThreshold();
    }

    /** Protects the items this thread gets, until {@link #release}: a connection's batch of requests. */
    void protect() {
        cache.protect();
    }

    void release() {
        cache.release();
    }

    CompletableFuture<Void> storeTooLarge(StoreMode mode, Key key) {
        return cache.storeTooLarge(mode, key);
    }

    CompletableFuture<DeleteResult> delete(Key key, long cas) {
        return cache.delete(key, cas);
    }

    CompletableFuture<DeleteResult> metaDelete(Key key, MetaDelete request) {
        return cache.metaDelete(key, request);
    }

    CompletableFuture<DeltaResult> delta(Key key, Arithmetic arithmetic) {
        cache.makeRoom(key.length(), Decimal.MAX_UNSIGNED_64_DIGITS);
        return cache.delta(key, arithmetic);
    }

    /** Plain incr or decr, as the text protocol has them. */
    CompletableFuture<DeltaResult> delta(Key key, Arithmetic.Direction direction, long delta) {
        cache.makeRoom(key.length(), Decimal.MAX_UNSIGNED_64_DIGITS);
        return cache.delta(key, direction, delta);
    }

    CompletableFuture<Boolean> touch(Key key, long expiresAt) {
        cache.makeRoom(key.length(), 0);
        return cache.touch(key, expiresAt);
    }

    /** flush_all, now or after {@code delay} (an exptime; 0 or less for now). */
    CompletableFuture<Void> flushAll(long delay) {
        long now = cache.clock().millis();
        return cache.flushAll(delay > 0 ? Expiry.fromExptime(delay, now) : now);
    }

    /** verbosity: the level is kept, capped as memcached caps it, for stats settings. */
    void verbosity(long level) {
        serverStats.verbosity = (int) Math.min(level, MAX_VERBOSITY);
    }

    /** stats [group]: reports it to {@code sink} for connection {@code requester}, or resets the counters. */
    StatsOutcome stats(String group, StatsReport.Sink sink, long requester) {
        if (group.equals("reset")) {
            statsReport.reset();
            return StatsOutcome.RESET;
        }
        return statsReport.report(group, sink, requester) ? StatsOutcome.REPORTED : StatsOutcome.UNKNOWN_GROUP;
    }

    /** stats detail's per-prefix counters, which the front ends feed as memcached's do. */
    PrefixStats prefixes() {
        return statsReport.prefixes();
    }

    /** lru_crawler crawl: a sweep now; false when the crawler is off. */
    boolean crawlNow() {
        return cache.crawlNow();
    }

    /** lru_crawler enable|disable; false when it already is so, or cannot run. */
    boolean crawl(boolean on) {
        return cache.sweepInBackground(on);
    }

    /** Whether the background sweeps (memcached's LRU crawler) run. */
    boolean crawling() {
        return statsReport.crawling();
    }

    /** cache_memlimit: L1's budget from now on. */
    void resizeMemory(long maxBytes) {
        cache.resizeMemory(maxBytes);
    }

    /** stats cachedump: L1's items, those it keeps longest first. */
    List<? extends Item> memoryItems(int limit) {
        return cache.memoryItems(limit);
    }

    /** One page of the live keys of both tiers, after {@code after}, for lru_crawler's dumps. */
    CompletableFuture<KeyPage> keys(Key after, int limit) {
        return statsReport.keys(after, limit);
    }

    /** An item without counting it as read, for the dumps. */
    CompletableFuture<Item> peek(Key key) {
        return cache.peek(key);
    }

    /**
     * refresh_certs: the TLS certificates read again. Empty when they loaded, else memcached's
     * error line's text.
     */
    Optional<String> refreshCertificates() {
        return statsReport.tls().map(TlsContext::refresh).orElse(Optional.of("TLS not enabled"));
    }

    /** The connections that watch the log streams (memcached's watch). */
    Watchers watchers() {
        return watchers;
    }

    /** Who may use the memcached port. */
    Authentication authentication() {
        return statsReport.settings().authentication();
    }

    /** Whether memcached's -A lets the shutdown command stop the server. */
    boolean shutdownEnabled() {
        return statsReport.settings().commands().shutdown();
    }

    /** The administrative commands served. */
    CommandPolicy policy() {
        return statsReport.settings().commands();
    }

    /** Whether the dump commands may list keys (memcached's -X turns them off). */
    boolean dumpsEnabled() {
        return statsReport.settings().commands().dumps();
    }

    /** The memory tier's budget when the server started, the most cache_memlimit may set. */
    long startingMaxBytes() {
        return startingMaxBytes;
    }

    /** The shutdown command: what {@link #onShutdown} set, or nothing. */
    void shutdown(boolean graceful) {
        shutdown.accept(graceful);
    }

    /** What the shutdown command does, when memcached's -A allows it (the application exits). */
    void onShutdown(Consumer<Boolean> action) {
        this.shutdown = action;
    }

    /** What version reports. */
    String version() {
        return version;
    }

    /** Whether connections that write should be held back until {@link #whenWritable}. */
    boolean writesBackedUp() {
        return cache.writesBackedUp();
    }

    void whenWritable(Runnable action) {
        cache.whenWritable(action);
    }
}
