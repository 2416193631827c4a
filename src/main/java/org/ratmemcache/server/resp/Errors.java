package org.ratmemcache.server.resp;

/** Redis's error replies, as it words them; each begins with its code. */
final class Errors {

    static final String SYNTAX = "ERR syntax error";
    static final String NOT_INTEGER = "ERR value is not an integer or out of range";
    static final String NOT_FLOAT = "ERR value is not a valid float";
    static final String NO_SUCH_KEY = "ERR no such key";
    static final String SAME_OBJECT = "ERR source and destination objects are the same";
    static final String DB_OUT_OF_RANGE = "ERR DB index is out of range";
    static final String OVERFLOW = "ERR increment or decrement would overflow";
    static final String DECREMENT_OVERFLOW = "ERR decrement would overflow";
    static final String TOO_LARGE = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
    static final String NO_AUTH = "NOAUTH Authentication required.";
    static final String WRONG_PASS = "WRONGPASS invalid username-password pair or user is disabled.";
    static final String EXEC_ABORT = "EXECABORT Transaction discarded because of previous errors.";
    static final String OUT_OF_MEMORY = "OOM command not allowed when used memory > 'maxmemory'.";

    private Errors() {
    }

    static String arity(RedisCommand command) {
        return "ERR wrong number of arguments for '" + command.fullName + "' command";
    }

    static String expireTime(RedisCommand command) {
        return "ERR invalid expire time in '" + command.fullName + "' command";
    }

    /** A key longer than the cache holds: a difference by design, Redis takes keys up to 512 MB. */
    static String keyTooLong(int length) {
        return "ERR key too long: " + length + " bytes, the longest a key may be is " + org.ratmemcache.core.Key.LONGEST;
    }
}
