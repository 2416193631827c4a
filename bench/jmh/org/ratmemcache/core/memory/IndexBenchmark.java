package org.ratmemcache.core.memory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.compress.ValueCompression;

/**
 * A design alternative measured, not built: the memory tier's index as it is (a
 * {@link ConcurrentHashMap} from {@link Key} to {@link Entry}: table, node, key, key bytes, entry)
 * against an open-addressing table (hashes, key bytes and entries in parallel arrays: hash, key
 * bytes, entry). Read-only, single thread, random keys over a table far larger than the CPU's
 * caches, so that what is measured is the memory each lookup touches. The prototype has no
 * resizing, removal or concurrent writers, all of which a real one needs: it bounds what the
 * change could gain. {@code bench/jmh.sh Index}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IndexBenchmark {

    @Param({"1000000"})
    public int items;

    private final ConcurrentHashMap<Key, Entry> map = new ConcurrentHashMap<>();
    private OpenIndex open;
    private byte[][] keys;
    private final Key lookup = Key.lookup();
    private long next = 0x9E3779B97F4A7C15L;

    @Setup(Level.Trial)
    public void fill() {
        keys = new byte[items][];
        open = new OpenIndex(Integer.highestOneBit(items) * 4);
        for (int i = 0; i < items; i++) {
            keys[i] = String.format("key:%012d", i).getBytes(StandardCharsets.US_ASCII);
            Key key = Key.of(keys[i]);
            Entry entry = Entry.of(key, new byte[100], i, 0, i, 0, ValueCompression.OFF);
            map.put(key, entry);
            open.put(keys[i], key.hashCode(), entry);
        }
    }

    private byte[] randomKey() {
        next ^= next << 13;
        next ^= next >>> 7;
        next ^= next << 17;
        return keys[(int) ((next >>> 1) % items)];
    }

    @Benchmark
    public int concurrentHashMap() {
        byte[] key = randomKey();
        return map.get(lookup.set(key, 0, key.length)).flags();
    }

    @Benchmark
    public int openAddressing() {
        byte[] key = randomKey();
        Key probe = lookup.set(key, 0, key.length);
        return open.get(key, probe.hashCode()).flags();
    }

    /** Linear probing over parallel arrays, a quarter full; 0 marks an empty slot. */
    private static final class OpenIndex {
        private final int[] hashes;
        private final byte[][] keys;
        private final Entry[] entries;
        private final int mask;

        OpenIndex(int capacity) {
            hashes = new int[capacity];
            keys = new byte[capacity][];
            entries = new Entry[capacity];
            mask = capacity - 1;
        }

        void put(byte[] key, int hash, Entry entry) {
            int h = hash == 0 ? 1 : hash;
            int slot = h & mask;
            while (hashes[slot] != 0) {
                slot = (slot + 1) & mask;
            }
            hashes[slot] = h;
            keys[slot] = key;
            entries[slot] = entry;
        }

        Entry get(byte[] key, int hash) {
            int h = hash == 0 ? 1 : hash;
            for (int slot = h & mask; hashes[slot] != 0; slot = (slot + 1) & mask) {
                if (hashes[slot] == h && Arrays.equals(keys[slot], key)) {
                    return entries[slot];
                }
            }
            return null;
        }
    }
}
