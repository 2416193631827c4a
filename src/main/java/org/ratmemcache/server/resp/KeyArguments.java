package org.ratmemcache.server.resp;

import java.util.ArrayList;
import java.util.List;

import org.ratmemcache.core.Atomic;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.ValueForm;
import org.ratmemcache.protocol.resp.LongParser;
import org.ratmemcache.protocol.resp.RespRequest;

/** The keys a command names, in order, as stored keys of their databases: what its step runs on. */
final class KeyArguments {

    private KeyArguments() {
    }

    /** The first key argument the cache cannot hold (longer than {@link Key#LONGEST}, or skipped as too long), or -1. */
    static int invalidKey(RedisCommand command, RespRequest args) {
        for (int i : positions(command, args)) {
            if (args.oversized(i) || args.length(i) > Key.LONGEST) {
                return i;
            }
        }
        return -1;
    }

    /** {@code command}'s keys, in database {@code database}; every key argument must be valid ({@link #invalidKey}). */
    static List<Key> of(RedisCommand command, RespRequest args, int database, int databases) {
        int[] positions = positions(command, args);
        List<Key> keys = new ArrayList<>(positions.length);
        for (int i : positions) {
            keys.add(Key.of(database, args.bytes(i)));
        }
        switch (command.keys) {
            case COPY -> keys.set(1, keys.get(1).inDatabase(copyTarget(args, database, databases)));
            case MOVE -> keys.set(1, keys.get(1).inDatabase(target(args, 2, database, databases)));
            default -> {
            }
        }
        return keys;
    }

    /** Where the key arguments are. */
    static int[] positions(RedisCommand command, RespRequest args) {
        int argc = args.argc();
        return switch (command.keys) {
            case NONE -> new int[0];
            case FIRST -> new int[] {1};
            case SECOND -> new int[] {2};
            case FIRST_TWO, COPY -> new int[] {1, 2};
            case MOVE -> new int[] {1, 1};
            case ALL -> every(1, argc, 1);
            case PAIRS -> every(1, argc, 2);
        };
    }

    /** {@code from}, then every {@code step}-th position below {@code end}. */
    private static int[] every(int from, int end, int step) {
        int[] positions = new int[Math.max(0, (end - from + step - 1) / step)];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = from + i * step;
        }
        return positions;
    }

    /** COPY's DB option's database when it names a valid one (the command checks it), else {@code database}. */
    private static int copyTarget(RespRequest args, int database, int databases) {
        int target = database;
        for (int j = 3; j < args.argc() - 1; j++) {
            if (args.is(j, DB)) {
                target = target(args, j + 1, target, databases);
            }
        }
        return target;
    }

    private static int target(RespRequest args, int i, int otherwise, int databases) {
        LongParser parser = new LongParser();
        if (args.oversized(i) || !parser.parse(args.arena(), args.index(i), args.length(i))) {
            return otherwise;
        }
        long number = parser.value();
        return number >= 0 && number < databases ? (int) number : otherwise;
    }

    private static final byte[] DB = {'D', 'B'};

    /** A step's keys seen from one command's: its key 0 is the step's key {@code base}. */
    record Shifted(Atomic.Keys keys, int base) implements Atomic.Keys {

        @Override
        public long now() {
            return keys.now();
        }

        @Override
        public Key key(int i) {
            return keys.key(base + i);
        }

        @Override
        public Item get(int i) {
            return keys.get(base + i);
        }

        @Override
        public boolean put(int i, byte[] value, int flags, long expiresAt, ValueForm form) {
            return keys.put(base + i, value, flags, expiresAt, form);
        }

        @Override
        public void remove(int i) {
            keys.remove(base + i);
        }

        @Override
        public void expire(int i, long expiresAt) {
            keys.expire(base + i, expiresAt);
        }
    }
}
