package org.ratmemcache.core.disk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

import org.ratmemcache.core.KeyScan;

/**
 * The {@code count} things with the lowest scan positions past a cursor, from one pass over
 * many ({@link KeyScan}): a page of SCAN, chosen holding no more than {@code count + 1} of them.
 */
public final class LowestPositions<T> {

    private record Held<T>(long position, T value) {
    }

    private final long cursor;
    private final int count;
    private final PriorityQueue<Held<T>> highestFirst =
            new PriorityQueue<>(Comparator.comparing(Held<T>::position, Long::compareUnsigned).reversed());

    public LowestPositions(long cursor, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a page of at least one: " + count);
        }
        this.cursor = cursor;
        this.count = count;
    }

    /** Whether a thing at {@code position} would be kept now: so that a caller need not make it otherwise. */
    public boolean accepts(long position) {
        return KeyScan.after(position, cursor)
                && (highestFirst.size() <= count || Long.compareUnsigned(position, highestFirst.peek().position()) < 0);
    }

    /** Considers {@code value} at {@code position}; ignored unless past the cursor. */
    public void offer(long position, T value) {
        if (!KeyScan.after(position, cursor)) {
            return;
        }
        highestFirst.add(new Held<>(position, value));
        if (highestFirst.size() > count + 1) {
            highestFirst.poll();
        }
    }

    /** Whether more than {@code count} were past the cursor. */
    public boolean more() {
        return highestFirst.size() > count;
    }

    /** The lowest {@code count}, lowest first. */
    public List<T> lowest() {
        List<Held<T>> sorted = new ArrayList<>(highestFirst);
        sorted.sort(Comparator.comparing(Held<T>::position, Long::compareUnsigned));
        return sorted.subList(0, Math.min(count, sorted.size())).stream().map(Held::value).toList();
    }
}
