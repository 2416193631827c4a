import java.time.Duration;

import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.core.memory.Eviction;
import org.ratmemcache.core.memory.MemoryTier;

/**
 * Measures what an item really costs the JVM heap, to check what the memory tier charges for it
 * (MemoryTier.weigh, from the JVM's object layout: run it with and without -XX:+UseCompactObjectHeaders).
 *
 * Run after `./mvnw compile`, as a single-file program, with lz4-java beside the classes:
 *   java -XX:+UseSerialGC -Xmx4g -cp target/classes:$HOME/.m2/repository/at/yawk/lz4/lz4-java/1.14.0/lz4-java-1.14.0.jar \
 *       bench/EntryOverhead.java 1000000 10 10
 * (items, key length, value length[, eviction policy, default hybrid]).
 */
public class EntryOverhead {

    public static void main(String[] args) {
        int items = Integer.parseInt(args[0]);
        int keyLength = Integer.parseInt(args[1]);
        int valueLength = Integer.parseInt(args[2]);
        Eviction eviction = args.length > 3 ? Eviction.valueOf(args[3].toUpperCase(java.util.Locale.ROOT)) : Eviction.HYBRID;
        try (TieredCache cache = TieredCache.builder().eviction(eviction).maxMemory(Long.MAX_VALUE / 4).sweepInterval(Duration.ZERO).build()) {
            long before = heapUsed();
            for (int i = 0; i < items; i++) {
                cache.store(StoreMode.SET, Key.of(String.format("%0" + keyLength + "d", i)), 0, 0, new byte[valueLength], 0);
            }
            double perItem = (heapUsed() - before) / (double) items;
            System.out.printf("%s, %d items, %d-byte keys, %d-byte values: %.1f heap bytes per item (accounted %d), overhead %.1f%n",
                    eviction, cache.view().itemCount(), keyLength, valueLength, perItem, MemoryTier.weigh(keyLength, valueLength),
                    perItem - keyLength - valueLength);
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
