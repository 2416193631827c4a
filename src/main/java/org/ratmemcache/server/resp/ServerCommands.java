package org.ratmemcache.server.resp;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.protocol.resp.LongParser;
import org.ratmemcache.protocol.resp.RespReplies;
import org.ratmemcache.protocol.resp.RespRequest;

/**
 * The commands about the server rather than a key or the connection: INFO, CONFIG, COMMAND, TIME,
 * WAIT, FUNCTION FLUSH, FLUSHALL and FLUSHDB.
 */
final class ServerCommands {

    private static final byte[] SYNC = RespReplies.ascii("SYNC");
    private static final byte[] ASYNC = RespReplies.ascii("ASYNC");

    private final RespContext context;
    private final ServerInfo info;
    private final ConfigCommands config;
    private final KeyspaceCommands keyspace;

    ServerCommands(RespContext context) {
        this.context = context;
        this.info = new ServerInfo(context);
        this.config = new ConfigCommands(context);
        this.keyspace = new KeyspaceCommands(context);
    }

    void run(RedisCommand command, RespRequest args, ByteBuf out, RespSession session, RespConnection conn) {
        switch (command) {
            case INFO -> conn.answer(info.report(args), text -> RespReplies.verbatim(conn.out(), text, session.version));
            case DBSIZE, KEYS, SCAN, RANDOMKEY -> keyspace.run(command, args, session, conn);
            case CONFIG_GET -> config.get(args, out, session);
            case CONFIG_SET -> config.set(args, out);
            case COMMAND, COMMAND_INFO, COMMAND_DOCS, COMMAND_COUNT -> CommandDocs.run(command, args, out, session);
            case TIME -> time(out);
            case WAIT -> waitFor(args, out, session, conn);
            case FUNCTION_FLUSH -> functionFlush(args, out);
            case FLUSHALL -> flush(args, out, conn, () -> context.cache().flushEverything());
            case FLUSHDB -> flush(args, out, conn, () -> context.cache().flushDatabase(session.database));
            default -> throw new IllegalArgumentException("not a server command: " + command);
        }
    }

    private void time(ByteBuf out) {
        long micros = TimeUnit.MILLISECONDS.toMicros(context.cache().clock().millis());
        RespReplies.array(out, 2);
        RespReplies.bulk(out, micros / 1_000_000);
        RespReplies.bulk(out, micros % 1_000_000);
    }

    /** WAIT with no replicas: 0 at once for 0 replicas (or inside MULTI), else 0 when the timeout ends; a timeout of 0 never ends. */
    private static void waitFor(RespRequest args, ByteBuf out, RespSession session, RespConnection conn) {
        LongParser number = new LongParser();
        if (!number.parse(args.arena(), args.index(2), args.length(2))) {
            RespReplies.error(out, "ERR timeout is not an integer or out of range");
            return;
        }
        long timeout = number.value();
        if (timeout < 0) {
            RespReplies.error(out, "ERR timeout is negative");
            return;
        }
        if (!number.parse(args.arena(), args.index(1), args.length(1))) {
            RespReplies.error(out, Errors.NOT_INTEGER);
            return;
        }
        if (number.value() <= 0 || conn.insideExec()) {
            RespReplies.raw(out, RespReplies.ZERO);
            return;
        }
        CompletableFuture<Void> waited = new CompletableFuture<>();
        if (timeout > 0) {
            waited.completeOnTimeout(null, timeout, TimeUnit.MILLISECONDS);
        }
        conn.answer(waited, done -> RespReplies.raw(conn.out(), RespReplies.ZERO));
    }

    private static void functionFlush(RespRequest args, ByteBuf out) {
        if (args.argc() > 3) {
            RespReplies.error(out, Errors.arity(RedisCommand.FUNCTION_FLUSH));
        } else if (args.argc() == 3 && !args.is(2, SYNC) && !args.is(2, ASYNC)) {
            RespReplies.error(out, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
        } else {
            RespReplies.raw(out, RespReplies.OK);
        }
    }

    /** FLUSHALL and FLUSHDB [ASYNC|SYNC], answered once the flush is durable. */
    private static void flush(RespRequest args, ByteBuf out, RespConnection conn, Supplier<CompletableFuture<Void>> flush) {
        if (args.argc() > 2 || args.argc() == 2 && !args.is(1, SYNC) && !args.is(1, ASYNC)) {
            RespReplies.error(out, Errors.SYNTAX);
            return;
        }
        conn.answerChange(flush.get(), done -> RespReplies.raw(conn.out(), RespReplies.OK));
    }
}
