package org.ratmemcache.core.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import org.ratmemcache.core.Key;

/**
 * The memory tier's index under a cache's churn: uniform requests over 1,000,000 keys through a
 * tier of a given budget (1,300,000 bytes hold about 10,000 items of a 7-to-10-byte key and a
 * 100-byte value), a miss storing the item, as bench/hitratio does. Prints, per round of 500,000
 * requests, the time per request and, read from the index's current table, its load and the
 * share of overflow lanes at 0 (a miss in such a lane stops at its home bucket).
 *
 * <p>In the memory tier's package, for the table's fields; run through bench/hitratio/build.sh's
 * class path: {@code java -cp "$cp" org.ratmemcache.core.memory.IndexChurn [budget] [policy]}.
 */
public final class IndexChurn {

    public static void main(String[] args) throws ReflectiveOperationException {
        long budget = args.length > 0 ? Long.parseLong(args[0]) : 1_300_000;
        Eviction eviction = Eviction.valueOf(args.length > 1 ? args[1] : "LFU");
        int keyCount = 1_000_000;
        Key[] keys = new Key[keyCount];
        for (int i = 0; i < keyCount; i++) {
            keys[i] = Key.of("key:" + i);
        }
        Epochs epochs = new Epochs();
        KeyStripes stripes = new KeyStripes();
        MemoryTier.Listener listener = MemoryTier.Listener.NONE;
        byte[] value = new byte[100];
        SplittableRandom random = new SplittableRandom(1);
        try (MemoryTier tier = new MemoryTier(eviction, budget, Long.MAX_VALUE, () -> 0L, epochs, stripes, listener, EvictorThread.WRITER)) {
            var indexField = MemoryTier.class.getDeclaredField("index");
            indexField.setAccessible(true);
            Index index = (Index) indexField.get(tier);
            var currentField = Index.class.getDeclaredField("current");
            currentField.setAccessible(true);
            long version = 0;
            for (int round = 0; round < 8; round++) {
                long started = System.nanoTime();
                for (int i = 0; i < 500_000; i++) {
                    Key key = keys[random.nextInt(keyCount)];
                    epochs.enter();
                    try {
                        if (tier.get(key, true) == null) {
                            version++;
                            tier.helpIndex();
                            synchronized (stripes.of(key.hash64())) {
                                tier.write(key, 0, 0, version, version, 0, 0, false, value, -1);
                            }
                        }
                    } finally {
                        epochs.exit();
                    }
                }
                long nanos = (System.nanoTime() - started) / 500_000;
                Object table = currentField.get(index);
                var memoryField = table.getClass().getDeclaredField("memory");
                memoryField.setAccessible(true);
                var bucketsField = table.getClass().getDeclaredField("buckets");
                bucketsField.setAccessible(true);
                MemorySegment memory = (MemorySegment) memoryField.get(table);
                int buckets = (int) bucketsField.get(table);
                long live = 0;
                long lanesAtZero = 0;
                for (int b = 0; b < buckets; b++) {
                    long counts = memory.get(ValueLayout.JAVA_LONG, (long) b * Index.BUCKET_BYTES);
                    for (int lane = 0; lane < 8; lane++) {
                        lanesAtZero += (counts >>> lane * 8 & 0xff) == 0 ? 1 : 0;
                    }
                    for (int s = 1; s <= Index.SLOTS; s++) {
                        live += memory.get(ValueLayout.JAVA_LONG, (long) b * Index.BUCKET_BYTES + 8L * s) != 0 ? 1 : 0;
                    }
                }
                System.out.printf("round %d: %d ns/request, %d items, %d buckets, load %.2f, lanes at 0: %.2f%n", round, nanos,
                        tier.items(), buckets, live / (double) (Index.SLOTS * (long) buckets), lanesAtZero / (8.0 * buckets));
            }
        }
    }
}
