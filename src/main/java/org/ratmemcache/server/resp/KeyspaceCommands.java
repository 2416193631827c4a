package org.ratmemcache.server.resp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Key;
import org.ratmemcache.core.KeyScan;
import org.ratmemcache.protocol.resp.LongParser;
import org.ratmemcache.protocol.resp.RespReplies;
import org.ratmemcache.protocol.resp.RespRequest;

/**
 * The commands over a whole database: DBSIZE, KEYS, SCAN and RANDOMKEY, answered from every tier
 * (the disk's keys and the changes waiting for it included) through the cache's scans
 * ({@link KeyScan}). Keys come in the order of their scan position, not Redis's dictionary order:
 * Redis promises no order either.
 */
final class KeyspaceCommands {

    /** Keys a KEYS or RANDOMKEY page asks the cache for at once. */
    private static final int PAGE = 1000;
    private static final byte[] COUNT = RespReplies.ascii("COUNT");
    private static final byte[] MATCH = RespReplies.ascii("MATCH");
    private static final byte[] TYPE = RespReplies.ascii("TYPE");

    private final RespContext context;

    KeyspaceCommands(RespContext context) {
        this.context = context;
    }

    void run(RedisCommand command, RespRequest args, RespSession session, RespConnection conn) {
        int database = session.database;
        switch (command) {
            case DBSIZE -> conn.answer(context.cache().size(database), size -> RespReplies.integer(conn.out(), size.keys()));
            case KEYS -> {
                byte[] pattern = args.bytes(1);
                conn.answer(allKeys(database, 0, new ArrayList<>()), keys -> {
                    List<Key> matching = keys.stream().filter(key -> matches(pattern, key)).toList();
                    RespReplies.array(conn.out(), matching.size());
                    matching.forEach(key -> RespReplies.bulk(conn.out(), key.toBytes()));
                });
            }
            case SCAN -> scan(args, database, conn);
            case RANDOMKEY -> conn.answer(randomKey(database), key -> {
                if (key == null) {
                    RespReplies.nullBulk(conn.out(), session.version);
                } else {
                    RespReplies.bulk(conn.out(), key.toBytes());
                }
            });
            default -> throw new IllegalArgumentException("not a keyspace command: " + command);
        }
    }

    /** Every live key of the database, page after page. */
    private CompletableFuture<List<Key>> allKeys(int database, long cursor, List<Key> so) {
        return context.cache().scan(database, cursor, PAGE).thenCompose(page -> {
            so.addAll(page.keys());
            return page.cursor() == 0 ? CompletableFuture.completedFuture(so) : allKeys(database, page.cursor(), so);
        });
    }

    /** A live key from a random place in the keyspace, or null when the database has none. */
    private CompletableFuture<Key> randomKey(int database) {
        long start = ThreadLocalRandom.current().nextLong();
        return context.cache().scan(database, start, 1).thenCompose(page -> !page.keys().isEmpty()
                ? CompletableFuture.completedFuture(page.keys().getFirst())
                : context.cache().scan(database, 0, 1).thenApply(first -> first.keys().isEmpty() ? null : first.keys().getFirst()));
    }

    /** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type], options checked as Redis checks them. */
    private void scan(RespRequest args, int database, RespConnection conn) {
        Long cursor = cursor(args, 1);
        if (cursor == null) {
            RespReplies.error(conn.out(), "ERR invalid cursor");
            return;
        }
        long count = 10;
        byte[] pattern = null;
        boolean strings = true;
        for (int i = 2; i < args.argc(); i += 2) {
            boolean hasValue = args.argc() - i >= 2;
            if (args.is(i, COUNT) && hasValue) {
                LongParser number = new LongParser();
                if (!number.parse(args.arena(), args.index(i + 1), args.length(i + 1))) {
                    RespReplies.error(conn.out(), Errors.NOT_INTEGER);
                    return;
                }
                if (number.value() < 1) {
                    RespReplies.error(conn.out(), Errors.SYNTAX);
                    return;
                }
                count = number.value();
            } else if (args.is(i, MATCH) && hasValue) {
                pattern = args.bytes(i + 1);
            } else if (args.is(i, TYPE) && hasValue) {
                strings = args.string(i + 1).equalsIgnoreCase("string");
            } else {
                RespReplies.error(conn.out(), Errors.SYNTAX);
                return;
            }
        }
        byte[] match = pattern;
        boolean onlyNone = !strings;
        conn.answer(context.cache().scan(database, cursor, (int) Math.min(count, Integer.MAX_VALUE - 1)), page -> {
            List<Key> keys = page.keys().stream().filter(key -> !onlyNone && (match == null || matches(match, key))).toList();
            RespReplies.array(conn.out(), 2);
            RespReplies.bulk(conn.out(), Long.toUnsignedString(page.cursor()));
            RespReplies.array(conn.out(), keys.size());
            keys.forEach(key -> RespReplies.bulk(conn.out(), key.toBytes()));
        });
    }

    private static boolean matches(byte[] pattern, Key key) {
        return pattern.length == 1 && pattern[0] == '*' || Glob.matches(pattern, key.toBytes(), false);
    }

    /** Redis's parseScanCursorOrReply: C's strtoul over the whole argument; null when it is no cursor. */
    private static Long cursor(RespRequest args, int i) {
        String text = args.string(i);
        if (text.isEmpty()) {
            return 0L;
        }
        boolean negative = text.charAt(0) == '-';
        String digits = text.charAt(0) == '-' || text.charAt(0) == '+' ? text.substring(1) : text;
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            long value = Long.parseUnsignedLong(digits);
            return negative ? -value : value;
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }
}
