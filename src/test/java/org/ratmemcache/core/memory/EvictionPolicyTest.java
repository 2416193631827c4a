package org.ratmemcache.core.memory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ratmemcache.core.Key;
import org.ratmemcache.testing.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each policy's order on small sequences, checked by hand. The tier holds at most three items
 * and evicts on the writer's thread, so every eviction happens at a known point. The items lie in
 * a segment; when a fourth arrives the evictor goes through the oldest segment's items, oldest
 * first: the policy drops some, and keeps others by copying them on (behind the newest), until
 * three are left; the rest stay in place for the next eviction. So lru, as CLOCK, evicts in
 * LRU's order on these sequences; lfu judges new items in a probation queue, and hybrid is S3-FIFO.
 */
class EvictionPolicyTest {

    private final ManualClock clock = new ManualClock();
    private final List<String> dropped = new ArrayList<>();
    private MemoryTier tier;
    private long version;

    private void open(Eviction eviction) {
        tier = new MemoryTier(eviction, 1 << 20, 3, clock, new Epochs(), new KeyStripes(), new MemoryTier.Listener() {
            @Override
            public boolean isDead(ItemView item) {
                return false;
            }

            @Override
            public void dropped(ItemView item, boolean dead) {
                dropped.add(new String(item.key().toBytes(), StandardCharsets.US_ASCII));
            }
        }, EvictorThread.WRITER);
    }

    @AfterEach
    void close() {
        if (tier != null) {
            tier.close();
        }
    }

    private void set(String... keys) {
        for (String key : keys) {
            ++version;
            tier.write(Key.of(key), 0, 0, version, version, 0, 0, false, new byte[10], -1);
        }
    }

    private void read(String... keys) {
        for (String key : keys) {
            assertThat(tier.get(Key.of(key), true)).as("%s is there to read", key).isNotNull();
        }
    }

    private List<String> held() {
        List<String> keys = new ArrayList<>();
        tier.forEachItem(item -> keys.add(new String(item.key().toBytes(), StandardCharsets.US_ASCII)));
        keys.sort(null);
        return keys;
    }

    @Test
    void fifoDropsTheFirstInWhateverWasRead() {
        open(Eviction.FIFO);
        set("a", "b", "c");
        read("a", "a");
        set("d");
        assertThat(dropped).containsExactly("a");
        read("b");
        set("e");
        assertThat(dropped).containsExactly("a", "b");
        assertThat(held()).containsExactly("c", "d", "e");
    }

    @Test
    void lruAsClockGivesWhatWasReadASecondChance() {
        open(Eviction.LRU);
        set("a", "b", "c");
        read("a");
        set("d");
        // a was read: kept, moved behind d, its bit cleared; b, the oldest unread, goes
        assertThat(dropped).containsExactly("b");
        set("e");
        // c is the oldest now (as in LRU: c, d, a, e)
        assertThat(dropped).containsExactly("b", "c");
        read("d");
        set("f");
        // d was read: kept, moved on; a, not read since its second chance, goes (LRU: a, e, d, f)
        assertThat(dropped).containsExactly("b", "c", "a");
        assertThat(held()).containsExactly("d", "e", "f");
    }

    @Test
    void lfuJudgesNewItemsInProbationAndKeepsTheUsedWithTheirCounts() {
        open(Eviction.LFU);
        set("a", "b", "c");
        read("a", "a", "a", "a", "b");
        set("d");
        // all three are in probation: a (4 uses) and b (1) move to the main queue with their
        // counts; c, never read, goes
        assertThat(dropped).containsExactly("c");
        read("d");
        set("e");
        // probation is over its share: d, read, moves on; e, new and unread, goes; the main
        // queue's items stay, although none was read since
        assertThat(dropped).containsExactly("c", "e");
        set("f");
        assertThat(dropped).containsExactly("c", "e", "f");
        assertThat(held()).containsExactly("a", "b", "d");
    }

    @Test
    void lfuCostsAnItemInTheMainQueueOneUsePerPass() {
        EvictionPolicy lfu = EvictionPolicy.of(Eviction.LFU);
        int bits = lfu.bitsOfNew();
        for (int read = 0; read < 3; read++) {
            bits = lfu.onRead(bits);
        }
        int decision = lfu.decide(LfuPolicy.PROBATION, bits, 10);
        assertThat(EvictionPolicy.keptQueue(decision)).isEqualTo(LfuPolicy.MAIN);
        bits = EvictionPolicy.keptBits(decision);
        int passes = 0;
        while ((decision = lfu.decide(LfuPolicy.MAIN, bits, 10)) != EvictionPolicy.DROP) {
            bits = EvictionPolicy.keptBits(decision);
            passes++;
        }
        // read three times: three passes unread, then it goes
        assertThat(passes).isEqualTo(3);
        assertThat(lfu.decide(LfuPolicy.PROBATION, lfu.bitsOfNew(), 10)).isEqualTo(EvictionPolicy.DROP);
        // probation is evicted while it holds more than a quarter of the bytes
        assertThat(lfu.victimQueue(new long[] {26, 74})).isEqualTo(LfuPolicy.PROBATION);
        assertThat(lfu.victimQueue(new long[] {25, 75})).isEqualTo(LfuPolicy.MAIN);
        assertThat(lfu.victimQueue(new long[] {5, 0})).isEqualTo(LfuPolicy.PROBATION);
    }

    @Test
    void hybridLetsOneHitWondersPassThroughItsSmallQueue() {
        open(Eviction.HYBRID);
        set("a", "b", "c");
        read("a");
        set("d");
        // from the small queue: a, read there, moves on to the main queue; b, never read, goes
        assertThat(dropped).containsExactly("b");
        set("e");
        // the small queue holds more than a tenth: its oldest unread, c, goes; a, in main, stays
        assertThat(dropped).containsExactly("b", "c");
        set("b");
        // b comes back: its ghost sends it to the main queue, beside a; d, in the small queue, goes
        assertThat(dropped).containsExactly("b", "c", "d");
        set("f");
        assertThat(dropped).containsExactly("b", "c", "d", "e");
        assertThat(held()).containsExactly("a", "b", "f");
    }

    @Test
    void hybridAsksMoreReadsOfALargeItemAndKeepsNoGhostOfIt() {
        S3FifoPolicy hybrid = new S3FifoPolicy();
        hybrid.held(10, 1000); // a mean of 100 bytes
        int once = hybrid.onRead(hybrid.bitsOfNew());
        int twice = hybrid.onRead(once);
        int thrice = hybrid.onRead(twice);
        // up to twice the mean, one read moves an item on, as in S3-FIFO
        assertThat(EvictionPolicy.keptQueue(hybrid.decide(S3FifoPolicy.SMALL, once, 199))).isEqualTo(S3FifoPolicy.MAIN);
        // from twice to four times the mean, two
        assertThat(hybrid.decide(S3FifoPolicy.SMALL, once, 200)).isEqualTo(EvictionPolicy.DROP);
        assertThat(EvictionPolicy.keptQueue(hybrid.decide(S3FifoPolicy.SMALL, twice, 399))).isEqualTo(S3FifoPolicy.MAIN);
        // beyond, three
        assertThat(hybrid.decide(S3FifoPolicy.SMALL, twice, 400)).isEqualTo(EvictionPolicy.DROP);
        assertThat(EvictionPolicy.keptQueue(hybrid.decide(S3FifoPolicy.SMALL, thrice, 100_000))).isEqualTo(S3FifoPolicy.MAIN);
        // in the main queue, size does not matter
        assertThat(hybrid.decide(S3FifoPolicy.MAIN, once, 100_000)).isEqualTo(EvictionPolicy.keepIn(S3FifoPolicy.MAIN, 0));
        // a small item dropped leaves a ghost that sends it to the main queue; a large one does not
        hybrid.dropped(S3FifoPolicy.SMALL, 0x1234_5678_9abc_def0L, 100);
        hybrid.dropped(S3FifoPolicy.SMALL, 0x0fed_cba9_8765_4321L, 200);
        assertThat(hybrid.queueOfNew(0x1234_5678_9abc_def0L)).isEqualTo(S3FifoPolicy.MAIN);
        assertThat(hybrid.queueOfNew(0x0fed_cba9_8765_4321L)).isEqualTo(S3FifoPolicy.SMALL);
    }

    @Test
    void hybridMakesALargeItemEarnItsPlaceInTheMainQueue() {
        open(Eviction.HYBRID);
        set("a");
        ++version;
        tier.write(Key.of("big"), 0, 0, version, version, 0, 0, false, new byte[200], -1);
        set("b");
        read("a", "big");
        set("d");
        // from the small queue: a, read once, moves on; big, read once too but more than twice
        // the mean size (about 220 bytes against 75), goes
        assertThat(dropped).containsExactly("big");
        assertThat(held()).containsExactly("a", "b", "d");
    }
}
