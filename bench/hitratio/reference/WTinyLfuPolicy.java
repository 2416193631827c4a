package hitratio.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * W-TinyLFU with an adaptive window: Caffeine's policy (Einziger, Friedman and Manes, "TinyLFU: A
 * Highly Efficient Cache Admission Policy", 2017; the window adapted by hill climbing as in
 * Caffeine), written here for the memory tier's byte-weighed entries.
 *
 * <h2>Regions</h2>
 * A new entry enters the <em>window</em>, a small LRU. What the window pushes out becomes a
 * <em>candidate</em> at the front of <em>probation</em>, the main space's LRU for entries read
 * once; a read there promotes an entry to <em>protected</em> (80 % of the main space), whose
 * overflow falls back to probation. So a burst of new keys passes through the window without
 * flushing what has proved popular.
 *
 * <h2>Admission</h2>
 * When the tier must evict, the newest candidate (or, when the window pushed out none, the
 * window's least recent entry) competes with probation's least recent entry: the one a
 * {@link FrequencySketch} has seen used less often lately goes. A candidate that is
 * warm (used more than 5 times) but loses is still admitted once in 128 times, at random, so that
 * a victim cannot be kept in by flooding the sketch with its hash. An item read back from the disk
 * tier enters memory the same way, through the window: whether it stays is this same decision.
 *
 * <h2>The window adapts</h2>
 * Recency-heavy traffic wants a large window, frequency-heavy traffic a small one. A hill climber
 * samples the hit rate (hits: reads of an entry held; misses: new entries), and after each sample
 * moves the window's share in the direction that improved it, by a step that shrinks by 2 % a time
 * and starts over at 6.25 % of the capacity when the hit rate jumps by 5 points.
 *
 * <h2>Sizes</h2>
 * Regions are measured in bytes. With an entry bound as well, an entry costs at least the byte
 * budget divided by that bound, so that whichever bound binds also shapes the regions.
 */
final class WTinyLfuPolicy implements EvictionPolicy {

    static final byte WINDOW = 1;
    static final byte PROBATION = 2;
    static final byte PROTECTED = 3;

    private static final double INITIAL_WINDOW = 0.01;
    private static final double PROTECTED_SHARE = 0.80;
    private static final double STEP = 0.0625;
    private static final double STEP_DECAY = 0.98;
    private static final double RESTART_THRESHOLD = 0.05;
    private static final int WARM = 5;

    private final EntryList window = new EntryList();
    private final EntryList probation = new EntryList();
    private final EntryList protectedList = new EntryList();
    private final FrequencySketch sketch = new FrequencySketch();

    private long maximum = Long.MAX_VALUE;
    private long costFloor;
    private long windowMax;
    private long protectedMax;
    private long windowSize;
    private long probationSize;
    private long protectedSize;
    private long entries;

    /** The newest candidate not yet judged, and how many older ones follow it; set by each insert. */
    private Entry candidate;
    private int candidates;

    private long hits;
    private long misses;
    private double previousHitRate;
    private double stepSize;
    /** A fixed seed: the same traffic evicts the same entries. */
    private long random = 0x2545F4914F6CDD1DL;

    @Override
    public void onBounds(long maxBytes, long maxEntries) {
        // a new budget keeps the window's share of it
        double windowShare = maximum == Long.MAX_VALUE ? INITIAL_WINDOW : (double) windowMax / maximum;
        if (maximum == Long.MAX_VALUE) {
            stepSize = -STEP * maxBytes;
        }
        maximum = maxBytes;
        costFloor = maxEntries == Long.MAX_VALUE ? 0 : Math.ceilDiv(maxBytes, maxEntries);
        windowMax = Math.max(1, (long) (maximum * windowShare));
        protectedMax = (long) ((maximum - windowMax) * PROTECTED_SHARE);
    }

    @Override
    public void onInsert(Entry entry) {
        sketch.ensureCapacity(++entries);
        sketch.increment(entry.key().hashCode());
        misses++;
        entry.region = WINDOW;
        window.addFirst(entry);
        windowSize += cost(entry);
        candidate = null;
        candidates = 0;
        while (windowSize > windowMax && window.last() != null) {
            Entry pushed = window.last();
            move(pushed, PROBATION);
            candidate = pushed;
            candidates++;
        }
        climb();
    }

    @Override
    public void onAccess(Entry entry) {
        sketch.increment(entry.key().hashCode());
        hits++;
        // candidates are judged by the evictions of the insert that made them, or not at all
        candidate = null;
        candidates = 0;
        switch (entry.region) {
            case WINDOW -> window.moveToFront(entry);
            case PROBATION -> {
                move(entry, PROTECTED);
                demoteProtectedOverflow();
            }
            default -> protectedList.moveToFront(entry);
        }
        climb();
    }

    @Override
    public void onRemove(Entry entry) {
        if (entry == candidate) {
            candidate = null;
            candidates = 0;
        }
        EntryList.unlink(entry);
        add(entry.region, -cost(entry));
        entry.region = 0;
        entries--;
    }

    @Override
    public Entry victim() {
        Entry oldest = probation.last();
        // without a fresh candidate, the window's oldest entry contends, as in Caffeine
        Entry contender = candidate != null ? candidate : window.last();
        if (contender != null && oldest != null && oldest != contender) {
            if (admit(contender, oldest)) {
                return oldest;
            }
            if (contender == candidate) {
                candidate = --candidates > 0 ? probation.after(contender) : null;
            }
            return contender;
        }
        if (oldest != null) {
            return oldest;
        }
        Entry protectedOldest = protectedList.last();
        return protectedOldest != null ? protectedOldest : window.last();
    }

    @Override
    public List<Entry> keptLongest(int limit) {
        List<Entry> kept = new ArrayList<>();
        protectedList.collect(kept, limit);
        window.collect(kept, limit);
        probation.collect(kept, limit);
        return kept;
    }

    /** Which region holds an entry, for tests. */
    static byte region(Entry entry) {
        return entry.region;
    }

    /** The window's byte share now, for tests. */
    long windowMax() {
        return windowMax;
    }

    /** TinyLFU's admission: the candidate stays if used more often lately than the victim. */
    private boolean admit(Entry candidate, Entry victim) {
        int candidateFrequency = sketch.frequency(candidate.key().hashCode());
        int victimFrequency = sketch.frequency(victim.key().hashCode());
        if (candidateFrequency > victimFrequency) {
            return true;
        }
        if (candidateFrequency <= WARM) {
            return false;
        }
        random ^= random << 13;
        random ^= random >>> 7;
        random ^= random << 17;
        return (random & 127) == 0;
    }

    /** Caffeine's hill climber: after each sample, move the window's share towards a better hit rate. */
    private void climb() {
        long sample = hits + misses;
        if (sample < sketch.sampleSize()) {
            return;
        }
        double hitRate = (double) hits / sample;
        double change = hitRate - previousHitRate;
        double amount = change >= 0 ? stepSize : -stepSize;
        stepSize = Math.abs(change) >= RESTART_THRESHOLD ? STEP * maximum * Math.signum(amount) : STEP_DECAY * amount;
        previousHitRate = hitRate;
        hits = 0;
        misses = 0;
        long quota = (long) amount;
        if (quota > 0) {
            growWindow(quota);
        } else if (quota < 0) {
            shrinkWindow(-quota);
        }
    }

    /** The window takes {@code quota} bytes from the protected share, and entries from probation to fill it. */
    private void growWindow(long quota) {
        quota = Math.min(quota, protectedMax);
        protectedMax -= quota;
        windowMax += quota;
        demoteProtectedOverflow();
        candidate = null;
        candidates = 0;
        while (windowSize < windowMax) {
            Entry moving = probation.last() != null ? probation.last() : protectedList.last();
            if (moving == null || windowSize + cost(moving) > windowMax) {
                break;
            }
            move(moving, WINDOW);
        }
    }

    /** The window gives {@code quota} bytes to the protected share; its overflow goes to probation. */
    private void shrinkWindow(long quota) {
        quota = Math.min(quota, windowMax - 1);
        windowMax -= quota;
        protectedMax += quota;
        while (windowSize > windowMax && window.last() != null) {
            move(window.last(), PROBATION);
        }
    }

    private void demoteProtectedOverflow() {
        while (protectedSize > protectedMax && protectedList.last() != null) {
            move(protectedList.last(), PROBATION);
        }
    }

    /** Moves an entry to the front of another region. */
    private void move(Entry entry, byte region) {
        long cost = cost(entry);
        EntryList.unlink(entry);
        add(entry.region, -cost);
        entry.region = region;
        add(region, cost);
        (region == WINDOW ? window : region == PROBATION ? probation : protectedList).addFirst(entry);
    }

    private void add(byte region, long cost) {
        switch (region) {
            case WINDOW -> windowSize += cost;
            case PROBATION -> probationSize += cost;
            case PROTECTED -> protectedSize += cost;
            default -> throw new IllegalStateException("entry in no region");
        }
    }

    private long cost(Entry entry) {
        return Math.max(entry.weight(), costFloor);
    }
}
