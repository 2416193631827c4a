package org.ratmemcache.server;

import java.util.List;

import io.netty.buffer.Unpooled;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.testing.Reads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole connection (protocol detection, parser, handler, cache) fed random batches: nothing is
 * thrown out of the pipeline, every request read is answered or the connection is closed, and a
 * key stored before the garbage is untouched by it.
 */
class ConnectionProperties {

    @Property(tries = 300)
    void binaryGarbage(@ForAll @Size(max = 6) List<@Size(max = 512) byte[]> batches) {
        feed((byte) 0x80, batches);
    }

    @Property(tries = 300)
    void textGarbage(@ForAll @Size(max = 6) List<@Size(max = 512) byte[]> batches) {
        feed((byte) 'm', batches);
    }

    private static void feed(byte first, List<byte[]> batches) {
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
