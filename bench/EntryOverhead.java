import java.time.Duration;

import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.core.memory.MemoryTier;

/**
 * Measures what an item really costs the JVM heap beyond its key and value bytes, to check the
 * memory tier's accounted per-item overhead (MemoryTier.ENTRY_OVERHEAD).
 *
 * Run after `./mvnw compile`, as a single-file program, with lz4-java beside the classes:
 *   java -XX:+UseSerialGC -Xmx4g -cp target/classes:$HOME/.m2/repository/at/yawk/lz4/lz4-java/1.14.0/lz4-java-1.14.0.jar \
 *       bench/EntryOverhead.java 1000000 10 10
 * (items, key length, value length).
 */
public class EntryOverhead {

    public static void main(String[] args) {
        int items = Integer.parseInt(args[0]);
        int keyLength = Integer.parseInt(args[1]);
        int valueLength = Integer.parseInt(args[2]);
        try (TieredCache cache = TieredCache.builder().maxMemory(Long.MAX_VALUE / 4).sweepInterval(Duration.ZERO).build()) {
            long before = heapUsed();
            for (int i = 0; i < items; i++) {
                cache.store(StoreMode.SET, Key.of(String.format("%0" + keyLength + "d", i)), 0, 0, new byte[valueLength], 0);
            }
            double perItem = (heapUsed() - before) / (double) items;
            System.out.printf("%d items, %d-byte keys, %d-byte values: %.1f heap bytes per item, overhead %.1f (accounted %d)%n",
                    cache.view().itemCount(), keyLength, valueLength, perItem, perItem - keyLength - valueLength,
                    MemoryTier.ENTRY_OVERHEAD);
        }
    }

    private static long heapUsed() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
