package org.ratmemcache.server;

import java.util.ArrayList;
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
