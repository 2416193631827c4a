package org.ratmemcache.server.resp;

import java.nio.charset.StandardCharsets;

import org.ratmemcache.protocol.resp.RespRequest;

/**
 * Finds a request's {@link RedisCommand} from its name, in any case, without allocating: an
 * open-addressing table keyed by the lower-cased name ({@code container|sub} for subcommands).
 */
final class CommandLookup {

    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int SIZE = 256; // a power of two, over twice the commands
    private static final RedisCommand[] TABLE = new RedisCommand[SIZE];
    private static final byte[][] NAMES = new byte[SIZE][];

    static {
        for (RedisCommand command : RedisCommand.values()) {
            byte[] name = command.fullName.getBytes(StandardCharsets.US_ASCII);
            int at = hash(name, 0, name.length, FNV_OFFSET) & (SIZE - 1);
            while (TABLE[at] != null) {
                at = (at + 1) & (SIZE - 1);
            }
            TABLE[at] = command;
            NAMES[at] = name;
        }
    }

    private CommandLookup() {
    }

    /** The command argument 0 names, or null. */
    static RedisCommand command(RespRequest request) {
        return find(request, false);
    }

    /** The subcommand arguments 0 and 1 name ({@code CLIENT ID}), or null. */
    static RedisCommand subcommand(RespRequest request) {
        return find(request, true);
    }

    private static RedisCommand find(RespRequest request, boolean sub) {
        if (request.oversized(0) || sub && request.oversized(1)) {
            return null;
        }
        int h = hashArg(request, 0, FNV_OFFSET);
        if (sub) {
            h = hashArg(request, 1, step(h, '|'));
        }
        for (int at = h & (SIZE - 1); TABLE[at] != null; at = (at + 1) & (SIZE - 1)) {
            if (matches(NAMES[at], request, sub)) {
                return TABLE[at];
            }
        }
        return null;
    }

    private static boolean matches(byte[] name, RespRequest request, boolean sub) {
        int first = request.length(0);
        int length = sub ? first + 1 + request.length(1) : first;
        if (name.length != length) {
            return false;
        }
        for (int i = 0; i < first; i++) {
            if (name[i] != lower(request.byteAt(0, i))) {
                return false;
            }
        }
        if (!sub) {
            return true;
        }
        if (name[first] != '|') {
            return false;
        }
        for (int i = 0; i < request.length(1); i++) {
            if (name[first + 1 + i] != lower(request.byteAt(1, i))) {
                return false;
            }
        }
        return true;
    }

    private static int hashArg(RespRequest request, int arg, int h) {
        for (int i = 0; i < request.length(arg); i++) {
            h = step(h, lower(request.byteAt(arg, i)));
        }
        return h;
    }

    private static int hash(byte[] bytes, int from, int to, int h) {
        for (int i = from; i < to; i++) {
            h = step(h, bytes[i]);
        }
        return h;
    }

    private static int step(int h, int b) {
        return (h ^ (b & 0xff)) * 0x01000193;
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }
}
