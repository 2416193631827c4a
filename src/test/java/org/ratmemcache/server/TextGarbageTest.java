package org.ratmemcache.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.testing.Reads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated requests: the connection answers or hangs up, but never throws, and never
 * touches a key it was not asked about.
 */
class TextGarbageTest {

    private static final String[] SEEDS = {
        "set k 0 0 3\r\nabc\r\n", "get k k2 k3\r\n", "gets k\r\n", "gat 10 k\r\n", "append k 0 0 1\r\nz\r\n",
        "cas k 0 0 1 5\r\nq\r\n", "incr n 7\r\n", "decr n 1 noreply\r\n", "delete k\r\n", "touch k 9\r\n",
        "flush_all 100\r\n", "stats\r\n", "stats items\r\n", "verbosity 1\r\n", "version\r\n",
    };

    @Test
    void mutatedRequestsNeverBreakTheServerOrOtherKeys() {
        Random random = new Random(20261125);
        for (int round = 0; round < 300; round++) {
            try (ConnectionHarness harness = new ConnectionHarness()) {
                harness.exchange("set guard 9 0 5\r\nsafe!\r\n");
                for (int i = 0; i < 20 && harness.channel.isOpen(); i++) {
                    byte[] request = mutate(SEEDS[random.nextInt(SEEDS.length)], random);
                    harness.exchange(request);
                }
                // The connection may be mid-value or closed; the guard is intact unless a mutation
                // turned into a flush_all, the one command that may remove it.
                Item guard = Reads.item(harness.cache, Key.of("guard"));
                if (harness.cache.view().stats().cmdFlush.sum() == 0) {
                    assertThat(guard).isNotNull();
                    assertThat(new String(guard.value(), StandardCharsets.US_ASCII)).isEqualTo("safe!");
                    assertThat(guard.flags()).isEqualTo(9);
                }
            }
        }
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            try (ConnectionHarness harness = new ConnectionHarness()) {
                for (int i = 0; i < 10 && harness.channel.isOpen(); i++) {
                    byte[] junk = new byte[random.nextInt(600)];
                    random.nextBytes(junk);
                    harness.exchange(junk);
                }
            }
        }
    }

    private static byte[] mutate(String seed, Random random) {
        byte[] bytes = seed.getBytes(StandardCharsets.ISO_8859_1);
        int mutations = random.nextInt(4);
        for (int m = 0; m < mutations; m++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(4)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes[at] = (byte) " \r\n0-9".charAt(random.nextInt(6));
                case 2 -> bytes = Arrays.copyOf(bytes, Math.max(1, at));
                default -> {
                    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    longer[at] = (byte) random.nextInt(256);
                    bytes = longer;
                }
            }
        }
        return bytes;
    }
}
