package org.ratmemcache.server;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Cache;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.core.memory.Reservation;
import org.ratmemcache.protocol.ItemBytes;
import org.ratmemcache.protocol.RequestValue;
import org.ratmemcache.protocol.ValueTarget;

/**
 * The room a connection's store takes in item memory, so that the value goes from the input
 * straight into its item: taken as a long value's command line arrives (the parser then copies
 * the value into it as it comes), or, for a value that arrived whole, when its store executes.
 * One per connection, reused: a store allocates nothing.
 */
final class ValueRoom implements ValueTarget {

    /** The store whose command line the parser has just read: what the room is taken for. */
    interface Announced {

        /** Whether the request is a store whose value may go into room taken now (not a refusal, not authentication). */
        boolean storesValue();

        Key key();

        int flags();

        long expiresAt();

        /** The CAS the client chose, or {@link Cache#NEXT_CAS}. */
        default long newCas() {
            return Cache.NEXT_CAS;
        }
    }

    private final Commands commands;
    private final Announced announced;
    private final Reservation reservation = new Reservation();

    ValueRoom(Commands commands, Announced announced) {
        this.commands = commands;
        this.announced = announced;
    }

    @Override
    public boolean open(int length) {
        return length > commands.longValueThreshold() && announced.storesValue()
                && commands.reserve(reservation, announced.key(), announced.flags(), announced.expiresAt(), announced.newCas(), length, true);
    }

    @Override
    public void write(ByteBuf in, int index, int offset, int length) {
        ItemBytes.copy(in, index, reservation.memory(), reservation.valueOffset() + offset, length);
    }

    @Override
    public void abandon() {
        if (reservation.isHeld()) {
            commands.discard(reservation);
        }
    }

    /**
     * Stores {@code value} as {@code mode} says: from the room it was read into, or copied into
     * room taken now; on the heap only when memory has no room now (the cache then answers, as
     * memcached does, that it is out of memory, or keeps the item on disk).
     */
    CompletableFuture<StoreResult> store(StoreMode mode, Key key, int flags, long expiresAt, RequestValue value, long cas,
            long newCas, Consumer<? super Item> stored) {
        if (value.streamed()) {
            return commands.store(mode, key, flags, expiresAt, reservation, cas, newCas, stored);
        }
        if (commands.reserve(reservation, key, flags, expiresAt, newCas, value.length(), false)) {
            ItemBytes.copy(value.input(), value.index(), reservation.memory(), reservation.valueOffset(), value.length());
            return commands.store(mode, key, flags, expiresAt, reservation, cas, newCas, stored);
        }
        return commands.store(mode, key, flags, expiresAt, value.toArray(), cas, newCas, stored);
    }
}
