package org.ratmemcache.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.DiskTierProvider;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.core.engine.TieredCacheBuilder;
import org.ratmemcache.core.memory.Eviction;

/**
 * The cache as a Java library: memory (L1) and optionally a persistent disk tier (L2), without
 * Quarkus or a network. Keys are strings (their UTF-8 bytes, at most 250); values are bytes.
 *
 * <pre>{@code
 * try (RatMemCache cache = RatMemCache.builder()
 *         .l1(64 << 20)                      // bytes of memory
 *         .l2(Path.of("data/l2"))            // RocksDB, survives restarts
 *         .ttl(Duration.ofHours(1), Duration.ofDays(1))
 *         .build()) {
 *     cache.set("greeting", "hello".getBytes(UTF_8));
 * }
 * }</pre>
 *
 * <p>Every operation is atomic per key across both tiers, with memcached's semantics. The
 * synchronous methods may wait for a disk read or write; each has an {@code …Async} twin that
 * returns at once. Expiry: {@link #set} gives an item the default time to live
 * ({@code ttl(default, …)}, never by default); a time to live longer than the maximum is clamped
 * to it.
 */
public final class RatMemCache implements AutoCloseable {

    /** Keys a {@link #keys} stream fetches at a time. */
    private static final int KEYS_PAGE = 1000;

    private final TieredCache cache;
    private final Duration defaultTtl;
    private final Duration maxTtl;

    private RatMemCache(TieredCache cache, Duration defaultTtl, Duration maxTtl) {
        this.cache = cache;
        this.defaultTtl = defaultTtl;
        this.maxTtl = maxTtl;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A value and the CAS unique that {@link #cas} compares against. */
    public record CasValue(byte[] value, long cas) {
    }

    /** The cache's counters. */
    public record Stats(long items, long bytes, long hits, long misses, long l1Hits, long l2Hits, long evictions,
            long l2Evictions, long promotions) {

        /** Hits per read; 0 before the first read. */
        public double hitRate() {
            return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
        }
    }

    // ---- reads

    /** The value under {@code key}, or {@code null}. */
    public byte[] get(String key) {
        return join(getAsync(key));
    }

    public CompletableFuture<byte[]> getAsync(String key) {
        return item(key).thenApply(item -> item == null ? null : item.value());
    }

    /** The value and its CAS unique, or {@code null}. */
    public CasValue gets(String key) {
        return join(getsAsync(key));
    }

    public CompletableFuture<CasValue> getsAsync(String key) {
        return item(key).thenApply(item -> item == null ? null : new CasValue(item.value(), item.cas()));
    }

    /** Whether {@code key} holds a live item; does not count as a read. */
    public boolean containsKey(String key) {
        return join(containsKeyAsync(key));
    }

    public CompletableFuture<Boolean> containsKeyAsync(String key) {
        return cache.view().locate(key(key)).thenApply(Optional::isPresent);
    }

    // ---- writes

    /** Stores {@code value} under {@code key} with the default time to live. */
    public void set(String key, byte[] value) {
        join(setAsync(key, value));
    }

    public CompletableFuture<Void> setAsync(String key, byte[] value) {
        return setWithTtlAsync(key, value, defaultTtl);
    }

    /** Stores {@code value} under {@code key} for {@code ttl} (zero: never expires), clamped to the maximum. */
    public void setWithTtl(String key, byte[] value, Duration ttl) {
        join(setWithTtlAsync(key, value, ttl));
    }

    public CompletableFuture<Void> setWithTtlAsync(String key, byte[] value, Duration ttl) {
        return store(StoreMode.SET, key, value, ttl, 0).thenAccept(RatMemCache::requireStored);
    }

    /** Stores only if {@code key} holds nothing; returns whether it stored. */
    public boolean add(String key, byte[] value) {
        return join(addAsync(key, value));
    }

    public CompletableFuture<Boolean> addAsync(String key, byte[] value) {
        return store(StoreMode.ADD, key, value, defaultTtl, 0).thenApply(RatMemCache::stored);
    }

    /**
     * Stores only if the item's CAS is still {@code cas} (from {@link #gets}); returns whether it
     * stored. False when the item changed or is gone.
     */
    public boolean cas(String key, byte[] value, long cas) {
        return join(casAsync(key, value, cas));
    }

    public CompletableFuture<Boolean> casAsync(String key, byte[] value, long cas) {
        return store(StoreMode.CAS, key, value, defaultTtl, cas).thenApply(RatMemCache::stored);
    }

    /** Removes {@code key}; returns whether it held an item. */
    public boolean delete(String key) {
        return join(deleteAsync(key));
    }

    public CompletableFuture<Boolean> deleteAsync(String key) {
        return cache.delete(key(key), 0).thenApply(result -> result == DeleteResult.DELETED);
    }

    /** Gives the item a new time to live; returns whether there was one. */
    public boolean touch(String key, Duration ttl) {
        return join(touchAsync(key, ttl));
    }

    public CompletableFuture<Boolean> touchAsync(String key, Duration ttl) {
        return cache.touch(key(key), expiresAt(ttl));
    }

    /**
     * Adds {@code delta} to the decimal number under {@code key} (wrapping at 2^64, as memcached);
     * empty when there is no item.
     *
     * @throws IllegalStateException when the value is not a decimal number
     */
    public OptionalLong incr(String key, long delta) {
        return join(incrAsync(key, delta));
    }

    public CompletableFuture<OptionalLong> incrAsync(String key, long delta) {
        return delta(key, Arithmetic.Direction.INCR, delta);
    }

    /** Subtracts {@code delta}, stopping at 0, as memcached. */
    public OptionalLong decr(String key, long delta) {
        return join(delta(key, Arithmetic.Direction.DECR, delta));
    }

    /** Removes every item, from both tiers. */
    public void flush() {
        join(cache.flushAll(cache.clock().millis()));
    }

    // ---- listing and figures

    /**
     * The live keys that start with {@code prefix}, in byte order, fetched a page at a time as the
     * stream is consumed: it never holds every key. Weakly consistent: a key written meanwhile may
     * or may not appear.
     */
    public Stream<String> keys(String prefix) {
        byte[] prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
        Iterator<String> pages = new Iterator<>() {
            private final ArrayDeque<Key> page = new ArrayDeque<>();
            private Key after;
            private boolean last;

            @Override
            public boolean hasNext() {
                while (page.isEmpty() && !last) {
                    KeyPage next = join(cache.view().keys(prefixBytes, after, KEYS_PAGE));
                    page.addAll(next.keys());
                    after = next.next();
                    last = after == null;
                }
                return !page.isEmpty();
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return new String(page.poll().toBytes(), StandardCharsets.UTF_8);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    public Stats stats() {
        CacheView view = cache.view();
        CacheStats s = view.stats();
        return new Stats(view.itemCount(), view.memory().bytes(), s.getHits.sum(), s.getMisses.sum(), s.l1Hits.sum(), s.l2Hits.sum(),
                s.evictions.sum(), s.l2Evictions.sum(), s.promotions.sum());
    }

    /** Hits per read since the start; 0 before the first read. */
    public double hitRate() {
        return stats().hitRate();
    }

    /** Writes what is pending to disk, then closes both tiers. */
    @Override
    public void close() {
        cache.close();
    }

    // ---- the mapping onto the engine

    private CompletableFuture<Item> item(String key) {
        return Lookup.asFuture(cache.get(key(key)));
    }

    private CompletableFuture<StoreResult> store(StoreMode mode, String key, byte[] value, Duration ttl, long cas) {
        return cache.store(mode, key(key), 0, expiresAt(ttl), value, cas);
    }

    private CompletableFuture<OptionalLong> delta(String key, Arithmetic.Direction direction, long delta) {
        return cache.delta(key(key), Arithmetic.of(direction, delta)).thenApply(result -> switch (result) {
            case DeltaResult.Applied applied -> OptionalLong.of(applied.value());
            case DeltaResult.NotFound missing -> OptionalLong.empty();
            case DeltaResult.NonNumeric nonNumeric -> throw new IllegalStateException("the value under '" + key + "' is not a decimal number");
            case DeltaResult.CasMismatch mismatch -> throw new IllegalStateException("unreachable: no CAS was given");
        });
    }

    /** The absolute expiry for a time to live: clamped to the maximum; zero is never (unless a maximum applies). */
    long expiresAt(Duration ttl) {
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("a time to live cannot be negative: " + ttl);
        }
        Duration effective = !maxTtl.isZero() && (ttl.isZero() || ttl.compareTo(maxTtl) > 0) ? maxTtl : ttl;
        return effective.isZero() ? Expiry.NEVER : cache.clock().millis() + effective.toMillis();
    }

    private static Key key(String key) {
        return Key.of(key);
    }

    private static boolean stored(StoreResult result) {
        return switch (result) {
            case STORED -> true;
            case NOT_STORED, EXISTS, NOT_FOUND -> false;
            case TOO_LARGE, NO_MEMORY -> throw new IllegalArgumentException("the value does not fit: " + result);
        };
    }

    private static void requireStored(StoreResult result) {
        stored(result);
    }

    private static <T> T join(CompletableFuture<T> result) {
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Builds a {@link RatMemCache}; every setting has the service's default. */
    public static final class Builder {

        private final TieredCacheBuilder engine = TieredCache.builder();
        private Path dataDir;
        private DiskTier disk;
        private Duration defaultTtl = Duration.ZERO;
        private Duration maxTtl = Duration.ZERO;

        private Builder() {
            engine.maxMemory(64L << 20);
        }

        /** The memory tier's byte budget: keys, values and per-item overhead. */
        public Builder l1(long maxMemoryBytes) {
            engine.maxMemory(maxMemoryBytes);
            return this;
        }

        /** The memory tier's byte budget, an entry bound and its eviction policy. */
        public Builder l1(long maxMemoryBytes, long maxEntries, Eviction eviction) {
            engine.maxMemory(maxMemoryBytes).maxEntries(maxEntries).eviction(eviction);
            return this;
        }

        /** A persistent tier in {@code dataDir}, opened by the disk tier provider on the class path (RocksDB). */
        public Builder l2(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** A disk tier opened by the caller; closed with the cache. */
        public Builder l2(DiskTier disk) {
            this.disk = disk;
            return this;
        }

        /** Acknowledge writes only once they are on disk, rather than in batches shortly after. */
        public Builder writeThrough(boolean writeThrough) {
            engine.writeThrough(writeThrough);
            return this;
        }

        /** The time to live of {@link #set} (zero: never), and the longest any item gets (zero: no limit). */
        public Builder ttl(Duration defaultTtl, Duration maxTtl) {
            if (defaultTtl.isNegative() || maxTtl.isNegative()) {
                throw new IllegalArgumentException("times to live cannot be negative");
            }
            this.defaultTtl = defaultTtl;
            this.maxTtl = maxTtl;
            return this;
        }

        /** How often expired items are swept from memory; zero sweeps only on access. */
        public Builder cleanupInterval(Duration interval) {
            engine.sweepInterval(interval);
            return this;
        }

        /** The clock expiry reads; tests pass one they move by hand. */
        public Builder clock(Clock clock) {
            engine.clock(clock);
            return this;
        }

        /**
         * Opens the tiers.
         *
         * @throws IllegalStateException when the disk tier cannot be opened, or no provider for
         *         {@link #l2(Path)} is on the class path
         */
        public RatMemCache build() {
            DiskTier tier = disk != null ? disk : dataDir != null ? open(dataDir) : null;
            if (tier != null) {
                engine.disk(tier);
            }
            return new RatMemCache(engine.build(), defaultTtl, maxTtl);
        }

        private static DiskTier open(Path dataDir) {
            DiskTierProvider provider = ServiceLoader.load(DiskTierProvider.class).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no disk tier on the class path: add rocksdbjni"));
            try {
                return provider.open(dataDir);
            } catch (DiskTierException e) {
                throw new IllegalStateException(e.getMessage(), e);
            } catch (NoClassDefFoundError e) {
                throw new IllegalStateException("an L2 tier needs RocksDB: add org.rocksdb:rocksdbjni to the class path", e);
            }
        }
    }
}
