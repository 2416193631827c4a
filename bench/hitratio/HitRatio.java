import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.memory.Epochs;
import org.ratmemcache.core.memory.Eviction;
import org.ratmemcache.core.memory.EvictorThread;
import org.ratmemcache.core.memory.ItemView;
import org.ratmemcache.core.memory.KeyStripes;
import org.ratmemcache.core.memory.MemoryTier;

import hitratio.reference.Entry;

/**
 * Hit ratios of the memory tier's eviction policies, of the same policies as they were before items
 * became bytes ({@code hitratio.reference}: entries on the heap in a map, the textbook LRU, LFU,
 * FIFO and W-TinyLFU), and of Caffeine, on traces replayed cache-aside: a read that misses stores
 * the item. Each policy runs in the real tier (the new one's blocks, index and evictor, inline; the
 * reference's map, read buffer and eviction loop), not a model of it.
 *
 * <h2>Traces</h2>
 * Generated from fixed seeds (the same trace for every policy and size), over a key space of
 * {@code keys} keys, {@code requests} requests each:
 * <ul>
 *   <li>{@code zipf-0.7}, {@code zipf-0.9}, {@code zipf-0.99}: Zipf-distributed keys;</li>
 *   <li>{@code scan}: Zipf 0.9 over the key space, interrupted after every 100,000 requests by a
 *       scan of 20,000 keys never seen before or after (one-hit wonders);</li>
 *   <li>{@code loop}: the whole key space in order, again and again (larger than any cache here);</li>
 *   <li>{@code shift}: Zipf 0.9 whose hot keys move to other keys every tenth of the trace;</li>
 *   <li>{@code sizes}: Zipf 0.9 with values of 100 B to 100 KB, log-uniform per key (the others
 *       use 100 B).</li>
 * </ul>
 * A trace file in the same terms (one request per line: a key, optionally its value size) is
 * read with {@code --file PATH}; {@code --watch PATH} reads what memcached's {@code watch
 * fetchers} prints ({@code key=K}, and {@code size=N} on a hit).
 *
 * <h2>Sizes</h2>
 * A cache of P % holds P % of the key space's bytes as each tier counts them: the memory tier its
 * items' bytes ({@link MemoryTier#weigh}), the reference and Caffeine the objects on the heap
 * ({@link hitratio.reference.MemoryTier#weigh}). Each thus holds about P % of the keys, so
 * the columns compare policies, not item sizes ({@code bench/cacheaside.sh} compares those).
 *
 * <p>Usage: {@code HitRatio [--keys N] [--requests N] [--traces a,b] [--policies "lfu,lfu ref"] [--cache 1,5,10]
 * [--file PATH | --watch PATH]}, {@code --cache} in percent of the key space's bytes.
 */
public final class HitRatio {

    /** The columns: each policy of ours, then its reference, by name; then Caffeine. */
    private static final List<String> POLICIES = List.of("lru", "lru ref", "lfu", "lfu ref", "fifo", "fifo ref", "hybrid",
            "hybrid ref", "caffeine");
    private static final String SIZES = "1,5,10";
    private static final int SMALL_VALUE = 100;

    /** A replayable trace: key ids and each key's value size. */
    record Trace(String name, int[] requests, int keySpace, int[] valueSizes, Key[] keys) {

        /** The key space's bytes as the memory tier weighs items ({@code reference}: as the heap tier did). */
        long keySpaceBytes(boolean reference) {
            long total = 0;
            for (int id = 0; id < keySpace; id++) {
                total += reference ? hitratio.reference.MemoryTier.weigh(keys[id].length(), valueSizes[id])
                        : MemoryTier.weigh(keys[id].length(), valueSizes[id]);
            }
            return total;
        }
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = options(args);
        int keys = Integer.parseInt(options.getOrDefault("keys", "1000000"));
        int requests = Integer.parseInt(options.getOrDefault("requests", "4000000"));
        List<Trace> traces = new ArrayList<>();
        if (options.containsKey("file") || options.containsKey("watch")) {
            boolean watch = options.containsKey("watch");
            traces.add(read(Path.of(options.get(watch ? "watch" : "file")), watch));
        } else {
            for (String name : options.getOrDefault("traces", "zipf-0.7,zipf-0.9,zipf-0.99,scan,loop,shift,sizes").split(",")) {
                traces.add(generate(name, keys, requests));
            }
        }
        List<String> columns = options.containsKey("policies") ? List.of(options.get("policies").split(",")) : POLICIES;
        System.out.println("| trace | cache | " + String.join(" | ", columns) + " |");
        System.out.println("|---|---|" + "---|".repeat(columns.size()));
        for (Trace trace : traces) {
            long space = trace.keySpaceBytes(false);
            long referenceSpace = trace.keySpaceBytes(true);
            for (String percent : options.getOrDefault("cache", SIZES).split(",")) {
                double share = Double.parseDouble(percent) / 100;
                StringBuilder row = new StringBuilder("| " + trace.name() + " | " + percent + " % |");
                for (String column : columns) {
                    long referenceBudget = (long) (referenceSpace * share);
                    double ratio = switch (column) {
                        case "caffeine" -> caffeine(trace, referenceBudget);
                        case String ref when ref.endsWith(" ref") -> reference(trace, referenceBudget,
                                hitratio.reference.Eviction.valueOf(ref.substring(0, ref.length() - 4).toUpperCase(Locale.ROOT)));
                        default -> ours(trace, (long) (space * share), Eviction.valueOf(column.toUpperCase(Locale.ROOT)));
                    };
                    row.append(String.format(Locale.ROOT, " %.2f |", 100 * ratio));
                }
                System.out.println(row);
            }
        }
    }

    /**
     * The trace through the memory tier, evicting on the caller's thread (the same order in every
     * run): a hit is recorded as the cache records it (a bump in the index), a miss stores.
     */
    static double ours(Trace trace, long budget, Eviction eviction) {
        Epochs epochs = new Epochs();
        MemoryTier.Listener listener = MemoryTier.Listener.NONE;
        byte[][] values = new byte[1 << 10][];
        long hits = 0;
        long version = 0;
        KeyStripes stripes = new KeyStripes();
        try (MemoryTier tier = new MemoryTier(eviction, budget, Long.MAX_VALUE, () -> 0L, epochs, stripes, listener, EvictorThread.WRITER)) {
            for (int id : trace.requests()) {
                Key key = trace.keys()[id];
                epochs.enter();
                try {
                    if (tier.get(key, true) != null) {
                        hits++;
                    } else {
                        version++;
                        tier.helpIndex(); // as the engine does: before the store, holding no lock
                        synchronized (stripes.of(key.hash64())) {
                            tier.write(key, 0, Expiry.NEVER, version, version, 0, 0, false, value(values, trace.valueSizes()[id]), -1);
                        }
                    }
                } finally {
                    epochs.exit();
                }
            }
        }
        return (double) hits / trace.requests().length;
    }

    /** The trace through the reference (the heap tier before this one), as {@link #ours}. */
    static double reference(Trace trace, long budget, hitratio.reference.Eviction eviction) {
        hitratio.reference.MemoryTier tier = new hitratio.reference.MemoryTier(eviction, budget, Long.MAX_VALUE, evicted -> { });
        byte[][] values = new byte[1 << 10][];
        long hits = 0;
        long version = 0;
        for (int id : trace.requests()) {
            Key key = trace.keys()[id];
            Entry entry = tier.get(key);
            if (entry != null) {
                tier.recordAccess(entry);
                hits++;
            } else {
                tier.put(new Entry(key, value(values, trace.valueSizes()[id]), 0, 0, ++version, 0));
            }
        }
        return (double) hits / trace.requests().length;
    }

    /** The same through Caffeine, weighed as the reference weighs, maintenance on the caller's thread. */
    static double caffeine(Trace trace, long budget) {
        int[] sizes = trace.valueSizes();
        Key[] keys = trace.keys();
        Cache<Integer, Boolean> cache = Caffeine.newBuilder().maximumWeight(budget).executor(Runnable::run)
                .<Integer, Boolean>weigher((id, present) -> (int) Math.min(Integer.MAX_VALUE, hitratio.reference.MemoryTier.weigh(keys[id].length(), sizes[id])))
                .build();
        long hits = 0;
        for (int id : trace.requests()) {
            if (cache.getIfPresent(id) != null) {
                hits++;
            } else {
                cache.put(id, Boolean.TRUE);
            }
        }
        return (double) hits / trace.requests().length;
    }

    /** Values are shared between keys of one size: only their lengths matter here. */
    private static byte[] value(byte[][] bySize, int size) {
        int slot = Math.floorMod(Integer.hashCode(size) * 0x9E3779B1, bySize.length);
        byte[] value = bySize[slot];
        if (value == null || value.length != size) {
            value = new byte[size];
            bySize[slot] = value;
        }
        return value;
    }

    // ---- generated traces

    static Trace generate(String name, int keySpace, int length) {
        SplittableRandom random = new SplittableRandom(name.hashCode());
        int[] requests = new int[length];
        int[] sizes = new int[keySpace + (name.equals("scan") ? length : 0)];
        Arrays.fill(sizes, SMALL_VALUE);
        switch (name) {
            case "zipf-0.7", "zipf-0.9", "zipf-0.99" -> {
                Zipf zipf = new Zipf(keySpace, Double.parseDouble(name.substring(5)));
                for (int i = 0; i < length; i++) {
                    requests[i] = scatter(zipf.next(random), keySpace);
                }
            }
            case "scan" -> {
                Zipf zipf = new Zipf(keySpace, 0.9);
                int fresh = keySpace;
                for (int i = 0; i < length; i++) {
                    boolean scanning = i % 120_000 >= 100_000;
                    requests[i] = scanning ? fresh++ : scatter(zipf.next(random), keySpace);
                }
                sizes = Arrays.copyOf(sizes, fresh);
            }
            case "loop" -> {
                for (int i = 0; i < length; i++) {
                    requests[i] = i % keySpace;
                }
            }
            case "shift" -> {
                Zipf zipf = new Zipf(keySpace, 0.9);
                int phase = Math.max(1, length / 10);
                for (int i = 0; i < length; i++) {
                    int offset = (i / phase) * (keySpace / 7);
                    requests[i] = scatter((zipf.next(random) + offset) % keySpace, keySpace);
                }
            }
            case "sizes" -> {
                Zipf zipf = new Zipf(keySpace, 0.9);
                for (int id = 0; id < keySpace; id++) {
                    sizes[id] = (int) Math.round(Math.exp(Math.log(100) + random.nextDouble() * (Math.log(100_000) - Math.log(100))));
                }
                for (int i = 0; i < length; i++) {
                    requests[i] = scatter(zipf.next(random), keySpace);
                }
            }
            default -> throw new IllegalArgumentException("no trace " + name);
        }
        return new Trace(name, requests, keySpace, sizes, keyObjects(sizes.length));
    }

    /** Rank to key id: popular keys spread over the key space, as real ones are. */
    private static int scatter(int rank, int keySpace) {
        return (int) ((rank * 0x9E3779B97F4A7C15L >>> 1) % keySpace);
    }

    private static Key[] keyObjects(int count) {
        Key[] keys = new Key[count];
        for (int id = 0; id < count; id++) {
            keys[id] = Key.of("key:" + id);
        }
        return keys;
    }

    /** Zipf ranks 0..n-1 with exponent s, by inverting the cumulative distribution. */
    static final class Zipf {
        private final double[] cumulative;

        Zipf(int n, double s) {
            cumulative = new double[n];
            double sum = 0;
            for (int k = 0; k < n; k++) {
                sum += 1 / Math.pow(k + 1, s);
                cumulative[k] = sum;
            }
            for (int k = 0; k < n; k++) {
                cumulative[k] /= sum;
            }
        }

        int next(SplittableRandom random) {
            int rank = Arrays.binarySearch(cumulative, random.nextDouble());
            return Math.min(cumulative.length - 1, rank < 0 ? -rank - 1 : rank);
        }
    }

    // ---- trace files

    /** One request per line: a key and optionally its size; or memcached's watch fetchers lines. */
    static Trace read(Path file, boolean watch) throws IOException {
        Map<String, Integer> ids = new HashMap<>();
        List<Integer> sizes = new ArrayList<>();
        int[] requests = new int[1024];
        int count = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            for (String line; (line = in.readLine()) != null; ) {
                String key;
                int size = SMALL_VALUE;
                if (watch) {
                    key = field(line, "key=");
                    String found = field(line, "size=");
                    if (key == null || !line.contains("type=item_get")) {
                        continue;
                    }
                    if (found != null) {
                        size = Integer.parseInt(found);
                    }
                } else {
                    String[] words = line.trim().split("\\s+");
                    if (words[0].isEmpty()) {
                        continue;
                    }
                    key = words[0];
                    if (words.length > 1) {
                        size = Integer.parseInt(words[1]);
                    }
                }
                Integer id = ids.get(key);
                if (id == null) {
                    id = ids.size();
                    ids.put(key, id);
                    sizes.add(size);
                } else if (size != SMALL_VALUE) {
                    sizes.set(id, size);
                }
                if (count == requests.length) {
                    requests = Arrays.copyOf(requests, count * 2);
                }
                requests[count++] = id;
            }
        }
        Key[] keys = new Key[ids.size()];
        ids.forEach((key, id) -> keys[id] = Key.of(key));
        return new Trace(file.getFileName().toString(), Arrays.copyOf(requests, count), ids.size(),
                sizes.stream().mapToInt(Integer::intValue).toArray(), keys);
    }

    private static String field(String line, String name) {
        int at = line.indexOf(name);
        if (at < 0) {
            return null;
        }
        int end = line.indexOf(' ', at);
        return line.substring(at + name.length(), end < 0 ? line.length() : end);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return options;
    }

    private HitRatio() {
    }
}
