package org.ratmemcache.core.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Epoch protection: when memory that a reader may still be reading can be given to someone else.
 *
 * <h2>How it works</h2>
 * A thread that reads item memory without a lock first {@link #enter}s: it claims an entry of a
 * small table and writes the current epoch there, and it clears the entry when it
 * {@link #exit}s. Whoever takes memory out of use (an evicted segment, an index table that has
 * been migrated) has first made it unreachable (no index slot points there any more), then
 * {@link #retire}s it with the action that reuses or frees it: the global epoch moves on, and the
 * action runs once no thread that entered before that is still inside. A thread that enters later
 * can no longer reach the memory, so the action cannot hurt it. This is the scheme of Tsavorite's
 * {@code LightEpoch}, with entries claimed per protected section rather than per thread, so any
 * number of threads (the library's callers) can use it.
 *
 * <h2>Cost</h2>
 * Entering is one compare-and-set on a cache line of the thread's own (it doubles as the fence
 * that makes the entry visible before the thread reads a slot), exiting one store; a thread that
 * enters while already inside only counts. The server enters once per batch of requests, so a
 * multi-get of a hundred keys pays once. Retired actions run on the next exit, or on the next
 * {@link #reclaim}, once safe: a scan of the table, done only while something waits.
 *
 * <h2>Rules</h2>
 * A protected thread must not wait for a retired action to run (its own entry holds it back); the
 * memory tier never does, since allocation falls back to memory beyond its budget instead of
 * waiting. Sections are short: the server's batches, one library call, one disk task.
 */
public final class Epochs {

    /** Longs per entry: each on a cache line of its own. */
    private static final int STRIDE = 8;
    private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] table;
    private final int entries;
    private final AtomicLong current = new AtomicLong(1);
    private final ConcurrentLinkedQueue<Retired> retired = new ConcurrentLinkedQueue<>();
    /** Held by the one thread that runs retired actions at a time. */
    private final AtomicBoolean reclaiming = new AtomicBoolean();
    private final ThreadLocal<Section> sections = ThreadLocal.withInitial(Section::new);

    /** A retired action and the epoch it waits out. */
    private record Retired(long epoch, Runnable action) {
    }

    /** A thread's protection: the entry it holds, and how deeply it has entered. */
    private static final class Section {
        int entry = -1;
        int depth;
    }

    public Epochs() {
        this(Math.max(256, 8 * Runtime.getRuntime().availableProcessors()));
    }

    Epochs(int entries) {
        this.entries = entries;
        this.table = new long[entries * STRIDE];
    }

    /** Protects this thread's reads of item memory until the matching {@link #exit}; may nest. */
    public void enter() {
        Section section = sections.get();
        if (section.depth++ > 0) {
            return;
        }
        claim(section);
    }

    /**
     * Enters if this thread is not protected yet, and says whether it did: then the caller exits
     * when done, and copies what it hands out, since its own caller was not protected.
     */
    public boolean enterIfOutside() {
        Section section = sections.get();
        if (section.depth > 0) {
            return false;
        }
        section.depth = 1;
        claim(section);
        return true;
    }

    private void claim(Section section) {
        int start = section.entry >= 0 ? section.entry : (int) ((Thread.currentThread().threadId() * 0x9E3779B9L >>> 1) % entries);
        for (int tried = 0; ; tried++) {
            int i = (start + tried) % entries;
            // the compare-and-set is also the fence: the entry is seen before any slot is read
            if ((long) ENTRY.getVolatile(table, i * STRIDE) == 0 && ENTRY.compareAndSet(table, i * STRIDE, 0L, current.get())) {
                section.entry = i;
                return;
            }
            if (tried % entries == entries - 1) {
                Thread.onSpinWait(); // every entry taken: they are held for microseconds
            }
        }
    }

    /** Ends the protection begun by the matching {@link #enter}; runs retired actions that are now safe. */
    public void exit() {
        Section section = sections.get();
        if (--section.depth > 0) {
            return;
        }
        if (section.depth < 0) {
            section.depth = 0;
            throw new IllegalStateException("exit without enter");
        }
        ENTRY.setRelease(table, section.entry * STRIDE, 0L);
        if (!retired.isEmpty()) {
            reclaim();
        }
    }

    /**
     * Leaves this thread's protection however deeply it entered, and returns how deeply, for
     * {@link #resume}: for a thread that holds nothing under its protection now and must wait for
     * memory that its entry would hold back (Tsavorite's suspend).
     */
    public int suspend() {
        Section section = sections.get();
        int depth = section.depth;
        if (depth > 0) {
            section.depth = 1;
            exit();
        }
        return depth;
    }

    /** Enters again as deeply as {@link #suspend} left. */
    public void resume(int depth) {
        if (depth > 0) {
            enter();
            sections.get().depth = depth;
        }
    }

    /** Whether this thread is protected. */
    public boolean isProtected() {
        return sections.get().depth > 0;
    }

    /**
     * Runs {@code action} once every thread protected now has exited: for memory made
     * unreachable just before. Runs it on whichever thread finds it safe.
     */
    public void retire(Runnable action) {
        retired.add(new Retired(advance(), action));
        reclaim();
    }

    /**
     * Moves the epoch on and returns the one before: a thread protected now has entered at or
     * before it, and once {@link #isSafe} says so, every such thread has exited.
     */
    public long advance() {
        return current.getAndIncrement();
    }

    /** Whether every thread that entered at or before {@code epoch} has exited. */
    public boolean isSafe(long epoch) {
        return epoch <= safeEpoch();
    }

    /** Runs the retired actions that no protected thread can still be affected by; returns how many ran. */
    public int reclaim() {
        if (retired.isEmpty()) {
            return 0;
        }
        if (!reclaiming.compareAndSet(false, true)) {
            return 0; // another thread reclaims now
        }
        int ran = 0;
        try {
            long safe = safeEpoch();
            for (Retired next; (next = retired.peek()) != null && next.epoch() <= safe; ran++) {
                retired.poll();
                next.action().run();
            }
        } finally {
            reclaiming.set(false);
        }
        return ran;
    }

    /** Actions retired and not yet run. */
    public int pending() {
        return retired.size();
    }

    /** The newest epoch whose retired actions are safe: one below the oldest entered epoch. */
    long safeEpoch() {
        long oldest = current.get();
        for (int i = 0; i < entries; i++) {
            long epoch = (long) ENTRY.getVolatile(table, i * STRIDE);
            if (epoch != 0 && epoch < oldest) {
                oldest = epoch;
            }
        }
        return oldest - 1;
    }
}
