package org.ratmemcache.core.memory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.Key;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each policy's order on small sequences checked by hand: the policy alone, driven as the memory
 * tier drives it (insert, reads, remove its victim).
 */
class EvictionPolicyTest {

    /** A policy and the entries it holds, by key. */
    private static final class Driven {
        final EvictionPolicy policy;
        final Map<String, Entry> entries = new HashMap<>();

        Driven(Eviction eviction) {
            policy = eviction.newPolicy();
            // at most 100 items, so that each (a short key, one byte) costs a hundredth: W-TinyLFU's window holds one
            policy.onBounds(100 * MemoryTier.weigh(8, 1), 100);
        }

        Driven insert(String... keys) {
            for (String key : keys) {
                Entry entry = new Entry(Key.of(key), new byte[1], 0, 0, entries.size() + 1, 0);
                entries.put(key, entry);
                policy.onInsert(entry);
            }
            return this;
        }

        Driven read(String... keys) {
            for (String key : keys) {
                policy.onAccess(entries.get(key));
            }
            return this;
        }

        Driven remove(String key) {
            policy.onRemove(entries.remove(key));
            return this;
        }

        /** Evicts {@code n} victims, in order. */
        List<String> evict(int n) {
            List<String> victims = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                Entry victim = policy.victim();
                victims.add(victim.key().toString());
                remove(victim.key().toString());
            }
            return victims;
        }

        List<String> keptLongest() {
            return policy.keptLongest(100).stream().map(e -> e.key().toString()).toList();
        }
    }

    @Test
    void lruEvictsTheLeastRecentlyUsed() {
        Driven lru = new Driven(Eviction.LRU).insert("a", "b", "c", "d").read("a", "c");
        assertThat(lru.keptLongest()).containsExactly("c", "a", "d", "b");
        assertThat(lru.evict(3)).containsExactly("b", "d", "a");
    }

    @Test
    void fifoIgnoresReads() {
        Driven fifo = new Driven(Eviction.FIFO).insert("a", "b", "c").read("a", "a", "b");
        assertThat(fifo.keptLongest()).containsExactly("c", "b", "a");
        assertThat(fifo.remove("b").insert("d").evict(3)).containsExactly("a", "c", "d");
        assertThat(fifo.policy.victim()).isNull();
    }

    @Test
    void lfuEvictsTheLeastUsedAndAmongEqualsTheLeastRecent() {
        Driven lfu = new Driven(Eviction.LFU).insert("a", "b", "c", "d").read("a", "a", "b", "c", "d", "c");
        // uses: a 3, b 2, c 3, d 2; among equals the more recent is kept longer
        assertThat(lfu.keptLongest()).containsExactly("c", "a", "d", "b");
        assertThat(lfu.evict(2)).containsExactly("b", "d");
        assertThat(lfu.insert("e").evict(1)).as("a new entry has one use").containsExactly("e");
        assertThat(lfu.read("a").keptLongest()).containsExactly("a", "c");
    }

    @Test
    void lfuHalvesEveryCountSoThatOldPopularityFades() {
        Driven lfu = new Driven(Eviction.LFU).insert("old");
        for (int i = 0; i < 9; i++) {
            lfu.read("old");
        }
        Entry old = lfu.entries.get("old");
        assertThat(LfuPolicy.count(old)).isEqualTo(10);
        // one entry held: the 10th read since the last aging halves the counts
        lfu.read("old");
        assertThat(LfuPolicy.count(old)).isEqualTo(5);
        lfu.insert("x", "y", "z").read("z", "z", "z");
        assertThat(lfu.keptLongest()).containsExactly("old", "z", "y", "x");
        // four entries: the next aging comes with the 40th read
        for (int i = 0; i < 36; i++) {
            lfu.read("y");
        }
        assertThat(LfuPolicy.count(lfu.entries.get("y"))).isEqualTo(37);
        lfu.read("y");
        assertThat(LfuPolicy.count(lfu.entries.get("y"))).isEqualTo(19);
        assertThat(LfuPolicy.count(old)).isEqualTo(2);
        assertThat(LfuPolicy.count(lfu.entries.get("z"))).as("4 and 5 both became 2").isEqualTo(2);
        assertThat(LfuPolicy.count(lfu.entries.get("x"))).isEqualTo(1);
        // runs that met are one, the formerly higher kept longer
        assertThat(lfu.evict(4)).containsExactly("x", "z", "old", "y");
    }

    @Test
    void hybridKeepsAPopularItemThroughAScanOfNewKeys() {
        Driven hybrid = new Driven(Eviction.HYBRID).insert("hot").read("hot", "hot", "hot", "hot", "hot");
        // each new key pushes the window's last into probation, as a candidate against its oldest
        hybrid.insert("s1", "s2");
        assertThat(WTinyLfuPolicy.region(hybrid.entries.get("hot"))).isEqualTo(WTinyLfuPolicy.PROBATION);
        assertThat(hybrid.evict(1)).as("used once, against one used six times").containsExactly("s1");
        assertThat(hybrid.insert("s3").evict(1)).containsExactly("s2");
        assertThat(hybrid.insert("s4").evict(1)).containsExactly("s3");
        assertThat(hybrid.entries).containsOnlyKeys("hot", "s4");
        // LRU, the same way, loses it
        Driven lru = new Driven(Eviction.LRU).insert("hot").read("hot", "hot", "hot", "hot", "hot").insert("s1", "s2");
        assertThat(lru.evict(1)).containsExactly("hot");
    }

    @Test
    void hybridAdmitsACandidateUsedMoreOftenThanTheVictim() {
        Driven hybrid = new Driven(Eviction.HYBRID).insert("cold", "warm").read("warm", "warm", "warm").insert("new");
        assertThat(hybrid.evict(1)).containsExactly("cold");
        // a read in probation promotes to protected, which probation's victims never touch
        hybrid.read("warm");
        assertThat(WTinyLfuPolicy.region(hybrid.entries.get("warm"))).isEqualTo(WTinyLfuPolicy.PROTECTED);
        assertThat(hybrid.keptLongest()).containsExactly("warm", "new");
        assertThat(hybrid.insert("other").evict(2)).as("probation first, then protected").containsExactly("new", "warm");
        assertThat(hybrid.evict(1)).as("the window last").containsExactly("other");
        assertThat(hybrid.policy.victim()).isNull();
    }

    @Test
    void lfuRunsAreReusedAndEmptiedOnRemove() {
        Driven lfu = new Driven(Eviction.LFU).insert("a").read("a", "a").insert("b").read("b");
        assertThat(lfu.remove("a").remove("b").policy.victim()).isNull();
        assertThat(lfu.insert("c").read("c").evict(1)).containsExactly("c");
    }
}
