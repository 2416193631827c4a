package org.ratmemcache.server;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * How long commands take, by protocol: a histogram that event loops record into with no lock, no
 * shared write, no allocation and no clock read of its own, summed only when it is read (a
 * Prometheus scrape, the console's history).
 *
 * <h2>Why not a Micrometer timer</h2>
 * A timer updates counters every thread shares and reads the wall clock twice per record (for its
 * rotating maximum and histogram). With two event loops recording, that was 40 % of a pipelined
 * PING's server time (BENCHMARKS.md). Here each recording thread has its own {@link Recorder},
 * written by it alone; readers sum them.
 *
 * <h2>Buckets</h2>
 * Two per power of two, bounded at 2<sup>k</sup> and 1.5 × 2<sup>k</sup> ns, from 1,024 ns to
 * 2<sup>34</sup> ns (17.2 s), and one above: a percentile read off them is at most half an octave
 * high. A bucket holds the commands that took more than the previous bound and at most its own,
 * as Prometheus's {@code le} says.
 *
 * <h2>Maximum</h2>
 * The longest command of the current window of 2<sup>36</sup> ns (69 s) and of the one before, as
 * Micrometer's decaying maximum reports one of the last minutes.
 */
public final class CommandLatency {

    /** The protocols latencies are reported for. */
    public enum Protocol {
        /** The text protocol and the meta commands on the same connection. */
        TEXT,
        BINARY,
        /** Redis's protocol, RESP2 or RESP3. */
        RESP
    }

    private static final int PROTOCOLS = Protocol.values().length;
    /** The first bucket's bound; everything faster counts there. */
    private static final int FIRST_POWER = 10;
    /** The last finite bound is 2^LAST_POWER ns. */
    private static final int LAST_POWER = 34;
    /** Finite bounds: the first, then two per power of two up to the last. */
    static final int BOUNDS = 1 + 2 * (LAST_POWER - FIRST_POWER);
    /** The finite buckets and the one above the last bound. */
    static final int BUCKETS = BOUNDS + 1;
    private static final int WINDOW_SHIFT = 36;

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final ThreadLocal<Recorder> recorders = ThreadLocal.withInitial(this::newRecorder);
    private final CopyOnWriteArrayList<Recorder> all = new CopyOnWriteArrayList<>();
    private volatile boolean recording;

    /** Starts recording, for good: until a reader asks for it, connections do not read the clock for it. */
    public void startRecording() {
        recording = true;
    }

    /** The calling thread's recorder, or null when nothing is recorded. */
    public Recorder recorder() {
        return recording ? recorders.get() : null;
    }

    private Recorder newRecorder() {
        Recorder recorder = new Recorder();
        all.add(recorder);
        return recorder;
    }

    /** Each finite bucket's upper bound, in nanoseconds, ascending. */
    public static long[] boundsNanos() {
        long[] bounds = new long[BOUNDS];
        bounds[0] = 1L << FIRST_POWER;
        for (int i = 1; i < BOUNDS; i++) {
            int power = FIRST_POWER + (i - 1) / 2;
            bounds[i] = (i - 1) % 2 == 0 ? 3L << (power - 1) : 1L << (power + 1);
        }
        return bounds;
    }

    /** The bucket of a command that took {@code nanos}: the first whose bound is at least that. */
    static int bucketOf(long nanos) {
        if (nanos <= 1L << FIRST_POWER) {
            return 0;
        }
        long below = nanos - 1;
        int power = 63 - Long.numberOfLeadingZeros(below);
        if (power >= LAST_POWER) {
            return BOUNDS;
        }
        int upperHalf = (int) (below >>> (power - 1)) & 1;
        return 1 + 2 * (power - FIRST_POWER) + upperHalf;
    }

    /**
     * {@code protocol}'s histogram now, summed over every recorder: a thread's latest few
     * commands may be missing, none is counted twice.
     */
    public Snapshot snapshot(Protocol protocol) {
        return snapshot(protocol, System.nanoTime());
    }

    /** The same, its maximum taken as of {@code nowNanos} ({@link System#nanoTime()}). */
    Snapshot snapshot(Protocol protocol, long nowNanos) {
        long[] counts = new long[BUCKETS];
        long sum = 0;
        long max = 0;
        long window = nowNanos >> WINDOW_SHIFT;
        for (Recorder recorder : all) {
            int base = protocol.ordinal() * BUCKETS;
            for (int i = 0; i < BUCKETS; i++) {
                counts[i] += (long) LONGS.getOpaque(recorder.counts, base + i);
            }
            sum += (long) LONGS.getOpaque(recorder.sums, protocol.ordinal());
            max = Math.max(max, recorder.max(protocol.ordinal(), window));
        }
        return new Snapshot(counts, sum, max);
    }

    /**
     * One protocol's histogram at one moment.
     *
     * @param counts   the commands in each bucket ({@link #boundsNanos()}, then the one above)
     * @param sumNanos the time of every command
     * @param maxNanos the longest command of the last minute or two
     */
    public record Snapshot(long[] counts, long sumNanos, long maxNanos) {

        public long count() {
            long count = 0;
            for (long bucket : counts) {
                count += bucket;
            }
            return count;
        }
    }

    /** One thread's counts; only that thread records into it. */
    public static final class Recorder {

        private final long[] counts = new long[PROTOCOLS * BUCKETS];
        private final long[] sums = new long[PROTOCOLS];
        /** Per protocol: the window of the current maximum, that maximum, and the previous window's. */
        private final long[] maxima = new long[PROTOCOLS * 3];

        private Recorder() {
        }

        /** A command of {@code protocol} took {@code nanos}, ending at {@code nowNanos} ({@link System#nanoTime()}). */
        public void record(Protocol protocol, long nanos, long nowNanos) {
            int p = protocol.ordinal();
            int bucket = p * BUCKETS + bucketOf(nanos);
            LONGS.setOpaque(counts, bucket, counts[bucket] + 1);
            LONGS.setOpaque(sums, p, sums[p] + nanos);
            long window = nowNanos >> WINDOW_SHIFT;
            int m = p * 3;
            if (maxima[m] != window) {
                LONGS.setOpaque(maxima, m + 2, maxima[m] == window - 1 ? maxima[m + 1] : 0);
                LONGS.setOpaque(maxima, m + 1, 0L);
                LONGS.setOpaque(maxima, m, window);
            }
            if (nanos > maxima[m + 1]) {
                LONGS.setOpaque(maxima, m + 1, nanos);
            }
        }

        /** The longest of the current window and the one before, as of {@code window}. */
        private long max(int protocol, long window) {
            int m = protocol * 3;
            long at = (long) LONGS.getOpaque(maxima, m);
            long current = (long) LONGS.getOpaque(maxima, m + 1);
            long previous = (long) LONGS.getOpaque(maxima, m + 2);
            if (at == window) {
                return Math.max(current, previous);
            }
            return at == window - 1 ? current : 0;
        }
    }
}
