package hitratio.reference;

import java.lang.management.ManagementFactory;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * What an item really costs the JVM heap, which is what the memory tier charges against its
 * budget: its {@link Entry}, its stored {@link org.ratmemcache.core.Key}, the key's and the
 * value's byte arrays, its {@link java.util.concurrent.ConcurrentHashMap} node and its share of
 * the map's table, each object rounded up to the JVM's 8-byte alignment.
 *
 * <p>The sizes follow from this JVM's object layout: compact object headers (JDK 24+, which the
 * launcher turns on) take a third off the fixed part. {@code EntryOverhead} in {@code bench/}
 * measures the real heap per item, and {@code ItemCostTest} keeps the field inventory below in
 * step with the classes.
 *
 * @param headerBytes      an object's header
 * @param referenceBytes   a reference
 * @param arrayHeaderBytes a byte array's header and length, before its first element
 */
record ItemCost(int headerBytes, int referenceBytes, int arrayHeaderBytes) {

    /** {@link Entry}: key, value, prev, next, bucket. */
    static final int ENTRY_REFERENCES = 5;
    /** {@link Entry}: rawLength, flags (int); expiresAt, version, accessedAt (long); marks, region, state, fetched. */
    static final int ENTRY_PRIMITIVE_BYTES = 2 * 4 + 3 * 8 + 4;
    /** A stored key: its bytes. */
    static final int KEY_REFERENCES = 1;
    /** A stored key: offset, hash (int), length (char), reusable. */
    static final int KEY_PRIMITIVE_BYTES = 2 * 4 + 2 + 1;
    /** The map's node: key, value, next; and its hash. */
    static final int NODE_REFERENCES = 3;
    static final int NODE_PRIMITIVE_BYTES = 4;
    /**
     * Table slots per entry: the map doubles its table at three quarters full, so an entry has
     * between 1.33 and 2.67 slots; 2 on average.
     */
    static final int TABLE_SLOTS_PER_ENTRY = 2;

    /** This JVM's layout: read from HotSpot's flags, or the common 64-bit layout without compact headers. */
    static final ItemCost JVM = ofThisJvm();

    /** The bytes an item with these key and value lengths costs. */
    long weigh(int keyLength, int valueLength) {
        return fixedBytes() + array(keyLength) + array(valueLength);
    }

    /** What every item costs whatever its lengths: entry, key object, node and table share. */
    long fixedBytes() {
        return object(ENTRY_REFERENCES, ENTRY_PRIMITIVE_BYTES) + object(KEY_REFERENCES, KEY_PRIMITIVE_BYTES)
                + object(NODE_REFERENCES, NODE_PRIMITIVE_BYTES) + (long) TABLE_SLOTS_PER_ENTRY * referenceBytes;
    }

    long object(int references, int primitiveBytes) {
        return align(headerBytes + (long) references * referenceBytes + primitiveBytes);
    }

    long array(int length) {
        return align(arrayHeaderBytes + (long) length);
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }

    static ItemCost of(boolean compactHeaders, boolean compressedReferences, boolean compressedClassPointers) {
        int header = compactHeaders ? 8 : compressedClassPointers ? 12 : 16;
        return new ItemCost(header, compressedReferences ? 4 : 8, header + 4);
    }

    private static ItemCost ofThisJvm() {
        try {
            HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return of(flag(hotSpot, "UseCompactObjectHeaders", false), flag(hotSpot, "UseCompressedOops", true),
                    flag(hotSpot, "UseCompressedClassPointers", true));
        } catch (RuntimeException | LinkageError notHotSpot) {
            // another VM, a native image, or no jdk.management: the usual 64-bit layout
            return of(false, true, true);
        }
    }

    private static boolean flag(HotSpotDiagnosticMXBean hotSpot, String name, boolean absent) {
        try {
            return Boolean.parseBoolean(hotSpot.getVMOption(name).getValue());
        } catch (IllegalArgumentException unknownFlag) {
            return absent;
        }
    }
}
