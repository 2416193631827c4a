package org.ratmemcache.server.resp;

import org.ratmemcache.core.Item;
import org.ratmemcache.core.ValueForm;
import org.ratmemcache.protocol.resp.RespReplies;

/**
 * Redis's generic key commands over the same items: existence, expiry, type, renaming, copying
 * and moving between databases. Each runs inside a step of the cache on its keys' items. Expiry is
 * the item's own, to the millisecond, whichever protocol set it; RENAME, COPY and MOVE keep the
 * client flags memcached's clients stored.
 */
final class KeyCommands {

    private static final byte[] NONE = RespReplies.ascii("+none\r\n");
    private static final byte[] STRING = RespReplies.ascii("+string\r\n");

    private KeyCommands() {
    }

    static void run(KeyCall c) {
        switch (c.command) {
            case DEL, UNLINK -> delete(c);
            case EXISTS -> c.integer(count(c));
            case TOUCH -> c.integer(count(c));
            case EXPIRE -> expire(c, 1000, false);
            case PEXPIRE -> expire(c, 1, false);
            case EXPIREAT -> expire(c, 1000, true);
            case PEXPIREAT -> expire(c, 1, true);
            case TTL -> ttl(c, false, false);
            case PTTL -> ttl(c, true, false);
            case EXPIRETIME -> ttl(c, false, true);
            case PEXPIRETIME -> ttl(c, true, true);
            case PERSIST -> persist(c);
            case TYPE -> RespReplies.raw(c.out, c.item(0) == null ? NONE : STRING);
            case RENAME -> rename(c, false);
            case RENAMENX -> rename(c, true);
            case COPY -> copy(c);
            case MOVE -> move(c);
            case OBJECT_ENCODING -> encoding(c);
            default -> throw new IllegalArgumentException("not a key command: " + c.command);
        }
    }

    private static void delete(KeyCall c) {
        int deleted = 0;
        for (int i = 0; i < c.args.argc() - 1; i++) {
            if (c.item(i) != null) {
                c.keys.remove(i);
                deleted++;
            }
        }
        c.integer(deleted);
    }

    private static int count(KeyCall c) {
        int present = 0;
        for (int i = 0; i < c.args.argc() - 1; i++) {
            if (c.item(i) != null) {
                present++;
            }
        }
        return present;
    }

    private enum Condition { NX, XX, GT, LT }

    /** EXPIRE and its kin: {@code unit} milliseconds a unit, {@code absolute} for the AT forms. */
    private static void expire(KeyCall c, long unit, boolean absolute) {
        java.util.EnumSet<Condition> conditions = java.util.EnumSet.noneOf(Condition.class);
        for (int j = 3; j < c.args.argc(); j++) {
            Condition condition = condition(c, j);
            if (condition == null) {
                c.error("ERR Unsupported option " + c.args.string(j));
                return;
            }
            conditions.add(condition);
        }
        if (conditions.contains(Condition.NX) && conditions.size() > 1) {
            c.error("ERR NX and XX, GT or LT options at the same time are not compatible");
            return;
        }
        if (conditions.contains(Condition.GT) && conditions.contains(Condition.LT)) {
            c.error("ERR GT and LT options at the same time are not compatible");
            return;
        }
        Long given = c.longArg(2);
        if (given == null) {
            c.error(Errors.NOT_INTEGER);
            return;
        }
        long when = given;
        if (unit == 1000) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                c.error(Errors.expireTime(c.command));
                return;
            }
            when *= 1000;
        }
        long base = absolute ? 0 : c.now();
        if (when > Long.MAX_VALUE - base) {
            c.error(Errors.expireTime(c.command));
            return;
        }
        when += base;
        Item item = c.item(0);
        if (item == null) {
            c.integer(0);
            return;
        }
        long current = item.expiresAt();
        boolean expires = current != 0;
        if (conditions.contains(Condition.NX) && expires
                || conditions.contains(Condition.XX) && !expires
                || conditions.contains(Condition.GT) && (!expires || when <= current)
                || conditions.contains(Condition.LT) && expires && when >= current) {
            c.integer(0);
            return;
        }
        if (when <= c.now()) {
            c.keys.remove(0);
        } else {
            c.keys.expire(0, when);
        }
        c.integer(1);
    }

    private static Condition condition(KeyCall c, int j) {
        for (Condition condition : Condition.values()) {
            if (c.args.is(j, RespReplies.ascii(condition.name()))) {
                return condition;
            }
        }
        return null;
    }

    /** TTL, PTTL, EXPIRETIME, PEXPIRETIME: seconds rounded as Redis rounds them. */
    private static void ttl(KeyCall c, boolean millis, boolean absolute) {
        Item item = c.item(0);
        if (item == null) {
            c.integer(-2);
            return;
        }
        if (item.expiresAt() == 0) {
            c.integer(-1);
            return;
        }
        long ttl = Math.max(absolute ? item.expiresAt() : item.expiresAt() - c.now(), 0);
        c.integer(millis ? ttl : (ttl + 500) / 1000);
    }

    private static void persist(KeyCall c) {
        Item item = c.item(0);
        if (item == null || item.expiresAt() == 0) {
            c.integer(0);
            return;
        }
        c.keys.expire(0, 0);
        c.integer(1);
    }

    /** RENAME and RENAMENX: keys 0 (the source) and 1 (the destination). */
    private static void rename(KeyCall c, boolean onlyNew) {
        Item source = c.item(0);
        if (source == null) {
            c.error(Errors.NO_SUCH_KEY);
            return;
        }
        if (c.keys.key(0).equals(c.keys.key(1))) {
            if (onlyNew) {
                c.integer(0);
            } else {
                c.ok();
            }
            return;
        }
        if (onlyNew && c.item(1) != null) {
            c.integer(0);
            return;
        }
        if (!carry(c, source, 1)) {
            return;
        }
        c.keys.remove(0);
        if (onlyNew) {
            c.integer(1);
        } else {
            c.ok();
        }
    }

    /** COPY source destination [DB n] [REPLACE]: keys 0 and 1, the destination in the DB option's database. */
    private static void copy(KeyCall c) {
        boolean replace = false;
        int database = c.database;
        for (int j = 3; j < c.args.argc(); j++) {
            if (c.args.is(j, REPLACE)) {
                replace = true;
            } else if (c.args.is(j, DB) && j + 1 < c.args.argc()) {
                Integer target = database(c, j + 1);
                if (target == null) {
                    return;
                }
                database = target;
                j++;
            } else {
                c.error(Errors.SYNTAX);
                return;
            }
        }
        if (database == c.database && c.keys.key(0).equals(c.keys.key(1))) {
            c.error(Errors.SAME_OBJECT);
            return;
        }
        Item source = c.item(0);
        if (source == null || c.item(1) != null && !replace) {
            c.integer(0);
            return;
        }
        if (carry(c, source, 1)) {
            c.integer(1);
        }
    }

    /** MOVE key db: keys 0 and 1 are the same bytes in this database and in the target one. */
    private static void move(KeyCall c) {
        Integer target = database(c, 2);
        if (target == null) {
            return;
        }
        if (target == c.database) {
            c.error(Errors.SAME_OBJECT);
            return;
        }
        Item source = c.item(0);
        if (source == null || c.item(1) != null) {
            c.integer(0);
            return;
        }
        if (carry(c, source, 1)) {
            c.keys.remove(0);
            c.integer(1);
        }
    }

    /** The database argument {@code i} names, or null after replying why it names none. */
    static Integer database(KeyCall c, int i) {
        Long number = c.longArg(i);
        if (number == null || number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
            c.error(Errors.NOT_INTEGER);
            return null;
        }
        if (number < 0 || number >= c.context.databases()) {
            c.error(Errors.DB_OUT_OF_RANGE);
            return null;
        }
        return number.intValue();
    }

    /** Writes {@code source}'s value, flags, expiry and form under key {@code to}; false after replying OOM. */
    private static boolean carry(KeyCall c, Item source, int to) {
        return c.put(to, source.value(), source.flags(), source.expiresAt(), source.form());
    }

    /** OBJECT ENCODING: how Redis would hold the value, made the way it was. */
    private static void encoding(KeyCall c) {
        Item item = c.item(0);
        if (item == null) {
            c.nullBulk();
            return;
        }
        RespReplies.bulk(c.out, Encoding.of(item, c).name);
    }

    private static final byte[] REPLACE = RespReplies.ascii("REPLACE");
    private static final byte[] DB = RespReplies.ascii("DB");

    /** Redis's encodings of a string. */
    enum Encoding {
        INT("int"), EMBSTR("embstr"), RAW("raw");

        /** The longest value Redis keeps embedded in its object (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
        static final int EMBSTR_LIMIT = 44;

        final String name;

        Encoding(String name) {
            this.name = name;
        }

        /**
         * How Redis would encode the item's value: a value stored whole is int when it is a 64-bit
         * decimal of at most 20 characters, else by its length, as is the text of a computed
         * number; a value changed in place is raw.
         */
        static Encoding of(Item item, KeyCall c) {
            int length = item.valueLength();
            return switch (item.form()) {
                case EDITED -> RAW;
                case WHOLE -> length <= 20 && c.longValue(item.value()) != null ? INT : byLength(length);
                case NUMBER_TEXT -> byLength(length);
            };
        }

        private static Encoding byLength(int length) {
            return length <= EMBSTR_LIMIT ? EMBSTR : RAW;
        }
    }
}
