package org.ratmemcache.server.resp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.protocol.resp.RespReplies;
import org.ratmemcache.protocol.resp.RespRequest;

/**
 * COMMAND and its COUNT, INFO and DOCS: the commands served here, each described by Redis 7.0's
 * reply shape with its name, arity and key positions. The flags, ACL categories, tips, key specs
 * and documentation Redis adds are left empty: a difference by design, as is the count.
 */
final class CommandDocs {

    private CommandDocs() {
    }

    static void run(RedisCommand command, RespRequest args, ByteBuf out, RespSession session) {
        switch (command) {
            case COMMAND -> all(out, session);
            case COMMAND_COUNT -> RespReplies.integer(out, topLevel().size());
            case COMMAND_INFO -> {
                if (args.argc() == 2) {
                    all(out, session);
                    return;
                }
                RespReplies.array(out, args.argc() - 2);
                for (int i = 2; i < args.argc(); i++) {
                    RedisCommand named = named(args.string(i));
                    if (named == null) {
                        RespReplies.nullArray(out, session.version);
                    } else {
                        entry(named, out, session);
                    }
                }
            }
            case COMMAND_DOCS -> docs(args, out, session);
            default -> throw new IllegalArgumentException("not a COMMAND subcommand: " + command);
        }
    }

    private static List<RedisCommand> topLevel() {
        return Arrays.stream(RedisCommand.values()).filter(c -> !c.fullName.contains("|")).toList();
    }

    private static RedisCommand named(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(RedisCommand.values()).filter(c -> c.fullName.equals(lower)).findFirst().orElse(null);
    }

    private static List<RedisCommand> subcommands(RedisCommand container) {
        List<RedisCommand> subs = new ArrayList<>();
        for (RedisCommand command : RedisCommand.values()) {
            if (command.fullName.startsWith(container.fullName + "|")) {
                subs.add(command);
            }
        }
        return subs;
    }

    private static void all(ByteBuf out, RespSession session) {
        List<RedisCommand> commands = topLevel();
        RespReplies.array(out, commands.size());
        commands.forEach(command -> entry(command, out, session));
    }

    /** One command's entry: name, arity, flags, first key, last key, step, ACL categories, tips, key specs, subcommands. */
    private static void entry(RedisCommand command, ByteBuf out, RespSession session) {
        int[] keys = switch (command.keys) {
            case NONE -> new int[] {0, 0, 0};
            case FIRST, MOVE -> new int[] {1, 1, 1};
            case SECOND -> new int[] {2, 2, 1};
            case FIRST_TWO, COPY -> new int[] {1, 2, 1};
            case ALL -> new int[] {1, -1, 1};
            case PAIRS -> new int[] {1, -1, 2};
        };
        RespReplies.array(out, 10);
        RespReplies.bulk(out, command.fullName);
        RespReplies.integer(out, command.arity);
        RespReplies.set(out, 0, session.version);
        for (int position : keys) {
            RespReplies.integer(out, position);
        }
        RespReplies.set(out, 0, session.version);
        RespReplies.set(out, 0, session.version);
        RespReplies.array(out, 0);
        List<RedisCommand> subs = subcommands(command);
        RespReplies.array(out, subs.size());
        subs.forEach(sub -> entry(sub, out, session));
    }

    /** COMMAND DOCS [name...]: a map of each known command to its documentation, here only its group. */
    private static void docs(RespRequest args, ByteBuf out, RespSession session) {
        List<RedisCommand> commands = new ArrayList<>();
        if (args.argc() == 2) {
            commands.addAll(topLevel());
        } else {
            for (int i = 2; i < args.argc(); i++) {
                RedisCommand named = named(args.string(i));
                if (named != null) {
                    commands.add(named);
                }
            }
        }
        RespReplies.map(out, commands.size(), session.version);
        for (RedisCommand command : commands) {
            RespReplies.bulk(out, command.fullName);
            RespReplies.map(out, 1, session.version);
            RespReplies.bulk(out, "group");
            RespReplies.bulk(out, group(command));
        }
    }

    private static String group(RedisCommand command) {
        return switch (command) {
            case MULTI, EXEC, DISCARD, WATCH, UNWATCH -> "transactions";
            case AUTH, HELLO, PING, ECHO, QUIT, RESET, SELECT, CLIENT, CLIENT_ID, CLIENT_SETNAME, CLIENT_GETNAME, CLIENT_INFO,
                    CLIENT_LIST, CLIENT_SETINFO -> "connection";
            case GET, SET, SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX, APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE,
                    INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT -> "string";
            case FUNCTION, FUNCTION_FLUSH -> "scripting";
            case COMMAND, COMMAND_COUNT, COMMAND_DOCS, COMMAND_INFO, CONFIG, CONFIG_GET, CONFIG_SET, INFO, TIME, WAIT, FLUSHALL,
                    FLUSHDB, DBSIZE -> "server";
            default -> "generic";
        };
    }
}
