package org.ratmemcache.core.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.ratmemcache.core.CacheView;
import org.ratmemcache.core.Found;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.disk.DiskItem;
import org.ratmemcache.core.disk.DiskTier;
import org.ratmemcache.core.disk.DiskTierException;
import org.ratmemcache.core.disk.FlushLimits;
import org.ratmemcache.core.disk.Prior;

/**
 * A disk tier below memory, with what the engine needs around it: the {@link WriteBack} queue
 * that carries changes to it on one writer thread (which also runs the {@link DiskUpkeep}), the
 * disk threads that read it for commands memory cannot answer, and the {@link KeySerializer} that
 * queues those commands per key.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>{@code ratmemcache-l2-N}: the disk threads (a fixed pool); they read, and run the
 *       inspections and state writes.</li>
 *   <li>{@code ratmemcache-l2-writer}: the only thread that writes items, in batches.</li>
 * </ul>
 * {@link #drain} stops both in order: the writer once every change is written, then the pool.
 */
final class DiskL2 implements L2, CacheView.DiskFigures {

    /** How long a closing cache waits for the disk threads' last tasks. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    private final DiskTier disk;
    private final ExecutorService threads;
    private final KeySerializer serializer;
    private final WriteBack writeBack;
    private final DiskUpkeep upkeep;
    private final boolean writeThrough;

    DiskL2(DiskTier disk, ExecutorService threads, WriteBack writeBack, DiskUpkeep upkeep, boolean writeThrough) {
        this.disk = disk;
        this.threads = threads;
        this.serializer = new KeySerializer(threads);
        this.writeBack = writeBack;
        this.upkeep = upkeep;
        this.writeThrough = writeThrough;
    }

    /** The disk threads: a fixed pool of daemon threads, {@code ratmemcache-l2-1} and on. */
    static ExecutorService threads(int count) {
        AtomicInteger started = new AtomicInteger();
        return new ThreadPoolExecutor(count, count, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, "ratmemcache-l2-" + started.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public Found pending(Key key) {
        return writeBack.pending(key);
    }

    @Override
    public boolean mayHold(Key key) {
        return serializer.isBusy(key) || disk.mayContain(key);
    }

    @Override
    public boolean mayContain(Key key) {
        return disk.mayContain(key);
    }

    @Override
    public boolean isBusy(Key key) {
        return serializer.isBusy(key);
    }

    @Override
    public DiskItem read(Key key) throws DiskTierException {
        return disk.read(key);
    }

    @Override
    public <T> CompletableFuture<T> enqueue(Key key, DiskTask<T> task) {
        return serializer.enqueue(key, task);
    }

    @Override
    public <T> CompletableFuture<T> enqueueAll(List<Key> keys, DiskTask<T> task) {
        return serializer.enqueueAll(keys, task);
    }

    @Override
    public boolean holdsEveryKey() {
        return true;
    }

    @Override
    public void forEachPending(java.util.function.BiConsumer<Key, Item> action) {
        writeBack.forEachPending(action);
    }

    @Override
    public DiskTier.ScannedKeys scan(int database, long cursor, int count, long nowMillis, FlushLimits flushed)
            throws DiskTierException {
        return disk.scan(database, cursor, count, nowMillis, flushed);
    }

    @Override
    public org.ratmemcache.core.DatabaseSize size(int database, long nowMillis, FlushLimits flushed, java.util.Set<Key> decidedElsewhere)
            throws DiskTierException {
        return disk.size(database, nowMillis, flushed, decidedElsewhere);
    }

    @Override
    public <T> CompletableFuture<T> inspect(DiskTask<T> task) {
        return CompletableFuture.supplyAsync(() -> KeySerializer.unchecked(task), threads);
    }

    @Override
    public CompletableFuture<Void> put(Item item, Item displaced) {
        return writeBack.put(Detached.item(item), priorOf(displaced));
    }

    @Override
    public CompletableFuture<Void> delete(Key key, Item displaced) {
        return writeBack.delete(key, priorOf(displaced));
    }

    @Override
    public long removals() {
        return writeBack.removals();
    }

    private static Prior priorOf(Item displaced) {
        return displaced == null ? Prior.UNKNOWN : Prior.Held.of(displaced);
    }

    @Override
    public Optional<Throwable> writeFailure() {
        return Optional.ofNullable(writeBack.failure());
    }

    @Override
    public boolean keepsItemsMemoryCannot() {
        return true;
    }

    @Override
    public boolean writesThrough() {
        return writeThrough;
    }

    @Override
    public int databases() {
        return disk.databases();
    }

    @Override
    public boolean backedUp() {
        return writeBack.isFull();
    }

    @Override
    public void whenDrained(Runnable action) {
        writeBack.whenDrained(action);
    }

    @Override
    public List<Key> keysAfter(byte[] prefix, Key after, int max) throws DiskTierException {
        return disk.keysAfter(prefix, after, max);
    }

    @Override
    public void reclaimSoon() {
        upkeep.reclaimSoon();
    }

    @Override
    public Optional<CacheView.DiskFigures> figures() {
        return Optional.of(this);
    }

    @Override
    public void drain() {
        writeBack.close();
        threads.shutdown();
        try {
            threads.awaitTermination(DRAIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        disk.close();
    }

    // ---- figures

    @Override
    public long items() {
        return disk.itemCount();
    }

    @Override
    public long dataBytes() {
        return disk.dataBytes();
    }

    @Override
    public long diskUsage() {
        return disk.diskUsage();
    }

    @Override
    public Map<String, Long> statistics() {
        return disk.statistics();
    }

    @Override
    public int writeBackQueue() {
        return writeBack.pendingChanges();
    }

    @Override
    public long writeBackLagMillis() {
        return writeBack.lagMillis();
    }

    @Override
    public long writeFailures() {
        return writeBack.failedAttempts();
    }
}
