package org.ratmemcache.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.netty.buffer.Unpooled;

import org.junit.jupiter.api.Test;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.testing.Reads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole connection (protocol detection, parser, handler, cache) fed random batches: nothing is
 * thrown out of the pipeline, every request read is answered or the connection is closed, and a
 * key stored before the garbage is untouched by it. Seeded; ConnectionFuzzTest searches further.
 */
class ConnectionRandomTest {

    @Test
    void binaryGarbage() {
        Random random = new Random(31);
        for (int i = 0; i < 300; i++) {
            feed((byte) 0x80, batches(random));
        }
    }

    @Test
    void textGarbage() {
        Random random = new Random(32);
        for (int i = 0; i < 300; i++) {
            feed((byte) 'm', batches(random));
        }
    }

    /**
     * The administrative commands, arguments drawn from their own words, numbers at the edges and
     * junk (no flush_all, which would empty the guarded key).
     */
    @Test
    void adminCommandsWithDrawnArguments() {
        String[] commands = {"slabs", "lru_crawler", "cache_memlimit", "stats", "watch", "refresh_certs", "shutdown", "cas",
                "verbosity"};
        String[] words = {"reassign", "automove", "ratio", "crawl", "metadump", "mgdump", "tocrawl", "sleep", "enable",
                "disable", "detail", "on", "off", "dump", "cachedump", "all", "hash", "1", "1,2", ",", "1,,", "0", "-1", "+1",
                "39", "40", "63", "64", "4294967297", "99999999999999999999", "0.5", "nan", "noreply", "fetchers",
                "mutations", "evictions", "connevents", "graceful", "k", "x"};
        Random random = new Random(33);
        for (int i = 0; i < 300; i++) {
            List<byte[]> batches = new ArrayList<>();
            for (int b = random.nextInt(4) + 1; b > 0; b--) {
                StringBuilder batch = new StringBuilder();
                for (int line = random.nextInt(5) + 1; line > 0; line--) {
                    batch.append(commands[random.nextInt(commands.length)]);
                    for (int t = random.nextInt(5); t > 0; t--) {
                        batch.append(' ').append(random.nextInt(10) == 0 ? junk(random) : words[random.nextInt(words.length)]);
                    }
                    batch.append(random.nextInt(8) == 0 ? "\n" : "\r\n");
                }
                batches.add(batch.toString().getBytes(StandardCharsets.ISO_8859_1));
            }
            byte[] first = batches.getFirst();
            batches.set(0, Arrays.copyOfRange(first, 1, first.length));
            feed(first[0], batches);
        }
    }

    private static String junk(Random random) {
        char[] junk = new char[random.nextInt(6) + 1];
        for (int i = 0; i < junk.length; i++) {
            junk[i] = (char) (33 + random.nextInt(94));
        }
        return new String(junk);
    }

    private static List<byte[]> batches(Random random) {
        List<byte[]> batches = new ArrayList<>();
        for (int b = random.nextInt(7); b > 0; b--) {
            byte[] batch = new byte[random.nextInt(513)];
            random.nextBytes(batch);
            batches.add(batch);
        }
        return batches;
    }

    /** Feeds {@code first} and then the batches, and checks what the class comment promises. */
    static void feed(byte first, List<byte[]> batches) {
        try (ConnectionHarness c = new ConnectionHarness()) {
            Key guard = Key.of("a-key-garbage-does-not-name");
            c.cache.store(StoreMode.SET, guard, 7, 0, new byte[] {'g'}, 0).join();
            c.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {first}));
            for (byte[] batch : batches) {
                if (!c.channel.isOpen()) {
                    break;
                }
                c.channel.writeInbound(Unpooled.wrappedBuffer(batch));
                c.awaitAnswered();
                c.channel.checkException();
            }
            c.replyBytes();
            Item kept = Reads.item(c.cache, guard);
            assertThat(kept.value()).containsExactly('g');
            assertThat(kept.flags()).isEqualTo(7);
        }
    }
}
