package org.ratmemcache.server;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ratmemcache.core.engine.TieredCache;
import org.ratmemcache.core.memory.Eviction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What clients see of eviction, under each policy, in a memory-only cache of 8 entries: the meta
 * commands store and find items as the policy leaves them, and {@code stats} (memcached's
 * {@code evictions}, {@code curr_items}, {@code get_hits}, and our {@code l1_*}) agrees with what
 * the client saw. Which keys a policy keeps is {@code EvictionPolicyTest}'s.
 */
class EvictionStatsTest {

    private static final int CAPACITY = 8;
    private static final int KEYS = 40;
    private static final Pattern STAT = Pattern.compile("STAT (\\S+) (\\S+)\r\n");

    @ParameterizedTest
    @EnumSource(Eviction.class)
    void theBooksAgreeWithWhatTheClientSaw(Eviction eviction) {
        try (ConnectionHarness c = new ConnectionHarness(TieredCache.builder().eviction(eviction).maxEntries(CAPACITY))) {
            for (int i = 0; i < KEYS; i++) {
                assertThat(c.exchange("ms key:" + i + " 5 F" + i + "\r\nvalue\r\n")).isEqualTo("HD\r\n");
                // a read of every third key, so that the recency and frequency policies have something to weigh
                if (i % 3 == 0) {
                    c.exchange("mg key:" + i + " v\r\n");
                }
            }
            Map<String, String> before = stats(c.exchange("stats\r\n"));
            int found = 0;
            for (int i = 0; i < KEYS; i++) {
                String reply = c.exchange("mg key:" + i + " v f\r\n");
                if (reply.equals("EN\r\n")) {
                    continue;
                }
                assertThat(reply).as("key:%d", i).isEqualTo("VA 5 f" + i + "\r\nvalue\r\n");
                found++;
            }
            Map<String, String> after = stats(c.exchange("stats\r\n"));

            assertThat(found).isEqualTo(CAPACITY);
            assertThat(before).containsEntry("curr_items", "" + CAPACITY).containsEntry("l1_items", "" + CAPACITY)
                    .containsEntry("total_items", "" + KEYS)
                    .containsEntry("evictions", "" + (KEYS - CAPACITY)).containsEntry("l1_evictions", "" + (KEYS - CAPACITY));
            assertThat(Long.parseLong(after.get("get_hits")) - Long.parseLong(before.get("get_hits"))).isEqualTo(found);
            assertThat(Long.parseLong(after.get("get_misses")) - Long.parseLong(before.get("get_misses"))).isEqualTo(KEYS - found);
            assertThat(after.get("evictions")).as("reads evict nothing").isEqualTo(before.get("evictions"));
            assertThat(stats(c.exchange("stats settings\r\n"))).containsEntry("eviction_policy", eviction.name().toLowerCase());
        }
    }

    private static Map<String, String> stats(String reply) {
        assertThat(reply).endsWith("END\r\n");
        Map<String, String> stats = new HashMap<>();
        Matcher stat = STAT.matcher(reply);
        while (stat.find()) {
            stats.put(stat.group(1), stat.group(2));
        }
        return stats;
    }
}
