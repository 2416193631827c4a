package org.ratmemcache.server.resp;

import java.util.Locale;

/**
 * The Redis commands served, with Redis 7.0's arity (positive: exactly that many arguments with
 * the name; negative: at least that many) and where their keys are. A container command's
 * subcommands ({@code CLIENT ID}) are entries of their own, named {@code container|sub} as Redis
 * names them in errors.
 */
enum RedisCommand {

    // strings
    GET("get", 2, Keys.FIRST),
    SET("set", -3, Keys.FIRST),
    SETNX("setnx", 3, Keys.FIRST),
    SETEX("setex", 4, Keys.FIRST),
    PSETEX("psetex", 4, Keys.FIRST),
    GETSET("getset", 3, Keys.FIRST),
    GETDEL("getdel", 2, Keys.FIRST),
    GETEX("getex", -2, Keys.FIRST),
    MGET("mget", -2, Keys.ALL),
    MSET("mset", -3, Keys.PAIRS),
    MSETNX("msetnx", -3, Keys.PAIRS),
    APPEND("append", 3, Keys.FIRST),
    STRLEN("strlen", 2, Keys.FIRST),
    GETRANGE("getrange", 4, Keys.FIRST),
    SUBSTR("substr", 4, Keys.FIRST),
    SETRANGE("setrange", 4, Keys.FIRST),
    INCR("incr", 2, Keys.FIRST),
    DECR("decr", 2, Keys.FIRST),
    INCRBY("incrby", 3, Keys.FIRST),
    DECRBY("decrby", 3, Keys.FIRST),
    INCRBYFLOAT("incrbyfloat", 3, Keys.FIRST),

    // keys
    DEL("del", -2, Keys.ALL),
    UNLINK("unlink", -2, Keys.ALL),
    EXISTS("exists", -2, Keys.ALL),
    TOUCH("touch", -2, Keys.ALL),
    EXPIRE("expire", -3, Keys.FIRST),
    PEXPIRE("pexpire", -3, Keys.FIRST),
    EXPIREAT("expireat", -3, Keys.FIRST),
    PEXPIREAT("pexpireat", -3, Keys.FIRST),
    TTL("ttl", 2, Keys.FIRST),
    PTTL("pttl", 2, Keys.FIRST),
    EXPIRETIME("expiretime", 2, Keys.FIRST),
    PEXPIRETIME("pexpiretime", 2, Keys.FIRST),
    PERSIST("persist", 2, Keys.FIRST),
    TYPE("type", 2, Keys.FIRST),
    KEYS("keys", 2, Keys.NONE),
    SCAN("scan", -2, Keys.NONE),
    DBSIZE("dbsize", 1, Keys.NONE),
    RANDOMKEY("randomkey", 1, Keys.NONE),
    RENAME("rename", 3, Keys.FIRST_TWO),
    RENAMENX("renamenx", 3, Keys.FIRST_TWO),
    COPY("copy", -3, Keys.COPY),
    MOVE("move", 3, Keys.MOVE),
    FLUSHDB("flushdb", -1, Keys.NONE),
    FLUSHALL("flushall", -1, Keys.NONE),
    OBJECT("object", -2, Keys.NONE, true),
    OBJECT_ENCODING("object|encoding", 3, Keys.SECOND),

    // transactions
    MULTI("multi", 1, Keys.NONE),
    EXEC("exec", 1, Keys.NONE),
    DISCARD("discard", 1, Keys.NONE),
    WATCH("watch", -2, Keys.ALL),
    UNWATCH("unwatch", 1, Keys.NONE),

    // connection and server
    AUTH("auth", -2, Keys.NONE),
    HELLO("hello", -1, Keys.NONE),
    PING("ping", -1, Keys.NONE),
    ECHO("echo", 2, Keys.NONE),
    QUIT("quit", -1, Keys.NONE),
    RESET("reset", 1, Keys.NONE),
    SELECT("select", 2, Keys.NONE),
    CLIENT("client", -2, Keys.NONE, true),
    CLIENT_ID("client|id", 2, Keys.NONE),
    CLIENT_SETNAME("client|setname", 3, Keys.NONE),
    CLIENT_GETNAME("client|getname", 2, Keys.NONE),
    CLIENT_INFO("client|info", 2, Keys.NONE),
    CLIENT_LIST("client|list", -2, Keys.NONE),
    CLIENT_SETINFO("client|setinfo", 4, Keys.NONE),
    COMMAND("command", -1, Keys.NONE, true),
    COMMAND_COUNT("command|count", 2, Keys.NONE),
    COMMAND_DOCS("command|docs", -2, Keys.NONE),
    COMMAND_INFO("command|info", -2, Keys.NONE),
    CONFIG("config", -2, Keys.NONE, true),
    CONFIG_GET("config|get", -3, Keys.NONE),
    CONFIG_SET("config|set", -4, Keys.NONE),
    INFO("info", -1, Keys.NONE),
    TIME("time", 1, Keys.NONE),
    WAIT("wait", 3, Keys.NONE),
    FUNCTION("function", -2, Keys.NONE, true),
    FUNCTION_FLUSH("function|flush", -2, Keys.NONE);

    /** Where a command's keys are among its arguments. */
    enum Keys {
        NONE,
        /** The first argument. */
        FIRST,
        /** The second argument (OBJECT ENCODING's). */
        SECOND,
        /** The first two arguments: a source and a destination. */
        FIRST_TWO,
        /** Every argument. */
        ALL,
        /** Every other argument, from the first: MSET's keys before their values. */
        PAIRS,
        /** COPY: the source, and the destination in the database its DB option names. */
        COPY,
        /** MOVE: the key, and the same key in the database its last argument names. */
        MOVE
    }

    /** The name as Redis spells it in errors: lower case, {@code container|sub} for a subcommand. */
    final String fullName;
    final int arity;
    final Keys keys;
    /** Whether the command only names a group of subcommands. */
    final boolean container;

    RedisCommand(String fullName, int arity, Keys keys) {
        this(fullName, arity, keys, false);
    }

    RedisCommand(String fullName, int arity, Keys keys, boolean container) {
        this.fullName = fullName;
        this.arity = arity;
        this.keys = keys;
        this.container = container;
    }

    /** Whether {@code argc} arguments (the name included) suit the command's arity. */
    boolean arityHolds(int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }

    /** Whether a client that has not authenticated may run it. */
    boolean allowedUnauthenticated() {
        return this == AUTH || this == HELLO || this == QUIT || this == RESET;
    }

    /** Whether it runs at once inside MULTI instead of being queued, as in Redis. */
    boolean runsInsideMulti() {
        return this == EXEC || this == DISCARD || this == MULTI || this == WATCH || this == QUIT || this == RESET;
    }

    /** The container's name upper-cased, for {@code Try CLIENT HELP.} */
    String upperName() {
        return fullName.toUpperCase(Locale.ROOT);
    }
}
