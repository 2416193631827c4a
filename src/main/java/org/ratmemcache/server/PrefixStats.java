package org.ratmemcache.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.commons.codec.digest.MurmurHash3;

import org.ratmemcache.core.Key;

/**
 * memcached's {@code stats detail}: gets, hits, sets and deletes counted per key prefix, the part
 * of a key before its first delimiter ({@code -D}, {@code :} by default). Keys without the
 * delimiter are not counted; a key that starts with it counts under the empty prefix.
 *
 * <p>Off until {@code stats detail on}, so the hot path pays one volatile read. While on, a lock
 * guards the table, as memcached's does: it is a diagnostic, turned on for a while and off again.
 * The table is memcached's, 256 buckets by MurmurHash3 with new prefixes at the head of a bucket,
 * so that a dump lists prefixes in memcached's order. At most {@value #MAX_PREFIXES} prefixes are
 * tracked; past that, new ones are not (memcached has no bound, and a client could grow it without
 * end).
 */
final class PrefixStats {

    static final int MAX_PREFIXES = 65_536;
    private static final int BUCKETS = 256;

    private static final class Prefix {
        final byte[] name;
        final Prefix next;
        long gets;
        long hits;
        long sets;
        long deletes;

        Prefix(byte[] name, Prefix next) {
            this.name = name;
            this.next = next;
        }
    }

    private final byte delimiter;
    private volatile boolean enabled;
    /** Guarded by this. */
    private final Prefix[] buckets = new Prefix[BUCKETS];
    private int count;

    PrefixStats(char delimiter) {
        if (delimiter > 0xff) {
            throw new IllegalArgumentException("the prefix delimiter must be one byte: " + delimiter);
        }
        this.delimiter = (byte) delimiter;
    }

    char delimiter() {
        return (char) (delimiter & 0xff);
    }

    boolean enabled() {
        return enabled;
    }

    void enable(boolean on) {
        enabled = on;
    }

    void recordGet(Key key, boolean hit) {
        if (enabled) {
            record(key, 1, hit ? 1 : 0, 0, 0);
        }
    }

    void recordSet(Key key) {
        if (enabled) {
            record(key, 0, 0, 1, 0);
        }
    }

    void recordDelete(Key key) {
        if (enabled) {
            record(key, 0, 0, 0, 1);
        }
    }

    /** stats reset: every prefix forgotten. */
    synchronized void clear() {
        Arrays.fill(buckets, null);
        count = 0;
    }

    /** stats detail dump: one PREFIX line per prefix, then END, as memcached writes them. */
    synchronized String dump() {
        StringBuilder out = new StringBuilder();
        for (Prefix head : buckets) {
            for (Prefix p = head; p != null; p = p.next) {
                out.append("PREFIX ").append(new String(p.name, StandardCharsets.ISO_8859_1))
                        .append(" get ").append(p.gets).append(" hit ").append(p.hits)
                        .append(" set ").append(p.sets).append(" del ").append(p.deletes).append("\r\n");
            }
        }
        return out.append("END\r\n").toString();
    }

    private synchronized void record(Key key, int gets, int hits, int sets, int deletes) {
        byte[] bytes = key.array();
        int from = key.offset();
        int length = -1;
        for (int i = 0; i < key.length(); i++) {
            if (bytes[from + i] == delimiter) {
                length = i;
                break;
            }
        }
        if (length < 0) {
            return;
        }
        Prefix prefix = find(bytes, from, length);
        if (prefix != null) {
            prefix.gets += gets;
            prefix.hits += hits;
            prefix.sets += sets;
            prefix.deletes += deletes;
        }
    }

    /** The prefix's counters, added if new and there is room; null when the table is full. */
    private Prefix find(byte[] bytes, int from, int length) {
        int bucket = Integer.remainderUnsigned(MurmurHash3.hash32x86(bytes, from, length, 0), BUCKETS);
        for (Prefix p = buckets[bucket]; p != null; p = p.next) {
            if (Arrays.equals(p.name, 0, p.name.length, bytes, from, from + length)) {
                return p;
            }
        }
        if (count == MAX_PREFIXES) {
            return null;
        }
        count++;
        buckets[bucket] = new Prefix(Arrays.copyOfRange(bytes, from, from + length), buckets[bucket]);
        return buckets[bucket];
    }
}
