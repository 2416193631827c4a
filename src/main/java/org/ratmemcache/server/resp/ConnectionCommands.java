package org.ratmemcache.server.resp;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.protocol.resp.LongParser;
import org.ratmemcache.protocol.resp.RespReplies;
import org.ratmemcache.protocol.resp.RespRequest;
import org.ratmemcache.protocol.resp.RespVersion;
import org.ratmemcache.server.Credentials;

/**
 * The commands about the connection itself: PING, ECHO, SELECT, QUIT, RESET, AUTH, HELLO and
 * CLIENT's subcommands, as Redis 7.0.15 answers them (CLIENT SETINFO as 7.2 does).
 */
final class ConnectionCommands {

    private static final byte[] RESET = RespReplies.ascii("+RESET\r\n");
    private static final byte[] AUTH = RespReplies.ascii("AUTH");
    private static final byte[] SETNAME = RespReplies.ascii("SETNAME");
    private static final byte[] DEFAULT_USER = "default".getBytes(StandardCharsets.US_ASCII);

    private final RespContext context;

    ConnectionCommands(RespContext context) {
        this.context = context;
    }

    /** Runs {@code command} if it is one of these; false if it is not. */
    boolean run(RedisCommand command, RespRequest args, RespConnection conn) {
        ByteBuf out = conn.out();
        RespSession session = conn.session();
        switch (command) {
            case PING -> ping(args, out);
            case ECHO -> bulkArgument(args, 1, out);
            case SELECT -> select(args, out, session);
            case QUIT -> {
                RespReplies.raw(out, RespReplies.OK);
                conn.closeAfterReplies();
            }
            case RESET -> reset(out, session);
            case AUTH -> auth(args, out, session);
            case HELLO -> hello(args, out, session);
            case CLIENT_ID -> RespReplies.integer(out, session.id());
            case CLIENT_SETNAME -> setName(args, out, session);
            case CLIENT_GETNAME -> {
                if (session.name.isEmpty()) {
                    RespReplies.nullBulk(out, session.version);
                } else {
                    RespReplies.bulk(out, session.name);
                }
            }
            case CLIENT_INFO -> RespReplies.verbatim(out, ClientInfo.line(session, context) + "\n", session.version);
            case CLIENT_LIST -> clientList(args, out, session);
            case CLIENT_SETINFO -> setInfo(args, out, session);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void ping(RespRequest args, ByteBuf out) {
        if (args.argc() > 2) {
            RespReplies.error(out, Errors.arity(RedisCommand.PING));
        } else if (args.argc() == 1) {
            RespReplies.raw(out, RespReplies.PONG);
        } else {
            bulkArgument(args, 1, out);
        }
    }

    private static void bulkArgument(RespRequest args, int i, ByteBuf out) {
        if (args.oversized(i)) {
            RespReplies.error(out, Errors.TOO_LARGE);
        } else {
            RespReplies.bulk(out, args.arena(), args.index(i), args.length(i));
        }
    }

    private void select(RespRequest args, ByteBuf out, RespSession session) {
        LongParser number = new LongParser();
        if (args.oversized(1) || !number.parse(args.arena(), args.index(1), args.length(1))
                || number.value() < Integer.MIN_VALUE || number.value() > Integer.MAX_VALUE) {
            RespReplies.error(out, Errors.NOT_INTEGER);
        } else if (number.value() < 0 || number.value() >= context.databases()) {
            RespReplies.error(out, Errors.DB_OUT_OF_RANGE);
        } else {
            session.database = (int) number.value();
            RespReplies.raw(out, RespReplies.OK);
        }
    }

    /** The database a queued SELECT will choose, for the keys of the commands after it in a transaction. */
    static int selected(RespRequest args, int current, int databases) {
        LongParser number = new LongParser();
        if (args.oversized(1) || !number.parse(args.arena(), args.index(1), args.length(1))) {
            return current;
        }
        return number.value() >= 0 && number.value() < databases ? (int) number.value() : current;
    }

    /** RESET: the connection as new, unauthenticated again where a password is set. */
    private void reset(ByteBuf out, RespSession session) {
        session.database = 0;
        session.version = RespVersion.RESP2;
        session.user = context.settings().requiresAuthentication() ? null : "default";
        session.endTransaction();
        session.name = "";
        RespReplies.raw(out, RESET);
    }

    private void auth(RespRequest args, ByteBuf out, RespSession session) {
        if (args.argc() > 3) {
            RespReplies.error(out, Errors.SYNTAX);
            return;
        }
        if (args.argc() == 2 && context.settings().password().isEmpty()) {
            RespReplies.error(out, "ERR AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?");
            return;
        }
        byte[] user = args.argc() == 2 ? DEFAULT_USER : args.bytes(1);
        if (authenticate(session, user, args.bytes(args.argc() - 1))) {
            RespReplies.raw(out, RespReplies.OK);
        } else {
            RespReplies.error(out, Errors.WRONG_PASS);
        }
    }

    /**
     * Checks {@code user}'s password: {@code default} against the password setting (any password
     * when no one must authenticate, as Redis's nopass default user; none when only a users file
     * is set), any other user against the users file.
     */
    private boolean authenticate(RespSession session, byte[] user, byte[] password) {
        boolean isDefault = java.util.Arrays.equals(user, DEFAULT_USER);
        boolean valid = isDefault
                ? context.settings().password().map(p -> p.verify(DEFAULT_USER, password))
                        .orElse(!context.settings().requiresAuthentication())
                : context.settings().users().map(users -> users.verify(user, password)).orElse(false);
        if (valid) {
            session.user = new String(user, StandardCharsets.UTF_8);
        }
        return valid;
    }

    private void hello(RespRequest args, ByteBuf out, RespSession session) {
        RespVersion version = null;
        int next = 1;
        if (args.argc() >= 2) {
            LongParser number = new LongParser();
            if (args.oversized(1) || !number.parse(args.arena(), args.index(1), args.length(1))) {
                RespReplies.error(out, "ERR Protocol version is not an integer or out of range");
                return;
            }
            if (number.value() < 2 || number.value() > 3) {
                RespReplies.error(out, "NOPROTO unsupported protocol version");
                return;
            }
            version = number.value() == 2 ? RespVersion.RESP2 : RespVersion.RESP3;
            next = 2;
        }
        for (int j = next; j < args.argc(); j++) {
            int more = args.argc() - 1 - j;
            if (args.is(j, AUTH) && more >= 2) {
                if (!authenticate(session, args.bytes(j + 1), args.bytes(j + 2))) {
                    RespReplies.error(out, Errors.WRONG_PASS);
                    return;
                }
                j += 2;
            } else if (args.is(j, SETNAME) && more >= 1) {
                if (!setName(args.string(j + 1), out, session)) {
                    return;
                }
                j++;
            } else {
                RespReplies.error(out, "ERR Syntax error in HELLO option '" + args.string(j) + "'");
                return;
            }
        }
        if (!session.authenticated()) {
            RespReplies.error(out, "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
                    + "<user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return;
        }
        if (version != null) {
            session.version = version;
        }
        RespReplies.map(out, 7, session.version);
        RespReplies.bulk(out, "server");
        RespReplies.bulk(out, "redis");
        RespReplies.bulk(out, "version");
        RespReplies.bulk(out, RespContext.REDIS_VERSION);
        RespReplies.bulk(out, "proto");
        RespReplies.integer(out, session.version.number());
        RespReplies.bulk(out, "id");
        RespReplies.integer(out, session.id());
        RespReplies.bulk(out, "mode");
        RespReplies.bulk(out, "standalone");
        RespReplies.bulk(out, "role");
        RespReplies.bulk(out, "master");
        RespReplies.bulk(out, "modules");
        RespReplies.raw(out, RespReplies.EMPTY_ARRAY);
    }

    private static void setName(RespRequest args, ByteBuf out, RespSession session) {
        if (setName(args.string(2), out, session)) {
            RespReplies.raw(out, RespReplies.OK);
        }
    }

    /** Sets the name if it holds only printable ASCII without spaces (empty clears it); else replies why not. */
    private static boolean setName(String name, ByteBuf out, RespSession session) {
        if (!printable(name)) {
            RespReplies.error(out, "ERR Client names cannot contain spaces, newlines or special characters.");
            return false;
        }
        session.name = name;
        return true;
    }

    private static boolean printable(String text) {
        return text.chars().allMatch(ch -> ch >= '!' && ch <= '~');
    }

    /** CLIENT SETINFO LIB-NAME|LIB-VER value, as Redis 7.2 has it (7.0.15 knows no such subcommand). */
    private static void setInfo(RespRequest args, ByteBuf out, RespSession session) {
        String attribute = args.string(2);
        String value = args.string(3);
        boolean name = attribute.equalsIgnoreCase("lib-name");
        if (!name && !attribute.equalsIgnoreCase("lib-ver")) {
            RespReplies.error(out, "ERR Unrecognized option '" + attribute + "'");
            return;
        }
        if (!printable(value)) {
            RespReplies.error(out, "ERR " + attribute + " cannot contain spaces, newlines or special characters.");
            return;
        }
        if (name) {
            session.libraryName = value;
        } else {
            session.libraryVersion = value;
        }
        RespReplies.raw(out, RespReplies.OK);
    }

    /** CLIENT LIST [TYPE normal] [ID id ...]: every Redis connection is a normal one. */
    private void clientList(RespRequest args, ByteBuf out, RespSession session) {
        java.util.Set<Long> ids = null;
        boolean none = false;
        for (int j = 2; j < args.argc(); j++) {
            if (args.string(j).equalsIgnoreCase("type") && j + 1 < args.argc()) {
                String type = args.string(j + 1).toLowerCase(java.util.Locale.ROOT);
                switch (type) {
                    case "normal" -> {
                    }
                    case "master", "replica", "slave", "pubsub" -> none = true;
                    default -> {
                        RespReplies.error(out, "ERR Unknown client type '" + args.string(j + 1) + "'");
                        return;
                    }
                }
                j++;
            } else if (args.string(j).equalsIgnoreCase("id") && j + 1 < args.argc()) {
                ids = new java.util.HashSet<>();
                for (j++; j < args.argc(); j++) {
                    LongParser number = new LongParser();
                    if (!number.parse(args.arena(), args.index(j), args.length(j)) || number.value() <= 0) {
                        RespReplies.error(out, "ERR Invalid client ID");
                        return;
                    }
                    ids.add(number.value());
                }
            } else {
                RespReplies.error(out, Errors.SYNTAX);
                return;
            }
        }
        StringBuilder lines = new StringBuilder();
        if (!none) {
            for (RespSession other : context.server().sessions()) {
                if (ids == null || ids.contains(other.id())) {
                    lines.append(ClientInfo.line(other, context)).append('\n');
                }
            }
        }
        RespReplies.verbatim(out, lines.toString(), session.version);
    }
}
