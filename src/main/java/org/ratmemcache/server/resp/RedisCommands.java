package org.ratmemcache.server.resp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Atomic;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.protocol.resp.RespReplies;
import org.ratmemcache.protocol.resp.RespRequest;

/**
 * Redis's commands in the terms of the cache both protocols share: the one layer between a
 * decoded RESP request and the cache, as {@code server.Commands} is for memcached's protocols.
 *
 * <p>A request is checked as Redis 7.0's {@code processCommand} checks it, in its order: the
 * command exists, its arity, authentication; inside MULTI it is queued. A command on keys then
 * runs as one step of the cache ({@link org.ratmemcache.core.Cache#atomically}) over the keys
 * its arguments name, in the connection's database: so every such command is atomic, and an EXEC
 * runs its whole transaction as one step over all the keys its commands name. Its reply is
 * written into a buffer of its own, copied into the connection's output when the step completes
 * (at once unless a key had to be read from disk). Commands on no key run on the connection.
 */
public final class RedisCommands {

    private static final byte[] HOST = RespReplies.ascii("HOST:");
    private static final byte[] POST = RespReplies.ascii("POST");

    private final RespContext context;
    private final ConnectionCommands connection;
    private final ServerCommands server;
    private final FastPaths fast;

    public RedisCommands(RespContext context) {
        this.context = context;
        this.connection = new ConnectionCommands(context);
        this.server = new ServerCommands(context);
        this.fast = new FastPaths(context.cache());
    }

    public RespContext context() {
        return context;
    }

    /** Executes one request read from {@code conn}. */
    public void execute(RespRequest request, RespConnection conn) {
        RespSession session = conn.session();
        if (request.is(0, HOST) || request.is(0, POST)) {
            conn.closeNow(); // a browser or an HTTP client: Redis drops it without a word
            return;
        }
        RedisCommand command = CommandLookup.command(request);
        if (command != null && command.container && request.argc() >= 2) {
            RedisCommand sub = CommandLookup.subcommand(request);
            if (sub == null) {
                reject(conn, "ERR unknown subcommand '" + truncated(request, 1) + "'. Try " + command.upperName() + " HELP.");
                return;
            }
            command = sub;
        }
        if (command == null) {
            reject(conn, unknownCommand(request));
            return;
        }
        if (!command.arityHolds(request.argc())) {
            reject(conn, Errors.arity(command));
            return;
        }
        if (!session.authenticated() && !command.allowedUnauthenticated()) {
            reject(conn, Errors.NO_AUTH);
            return;
        }
        int invalid = KeyArguments.invalidKey(command, request);
        if (invalid >= 0) {
            reject(conn, Errors.keyTooLong(request.oversized(invalid) ? Integer.MAX_VALUE : request.length(invalid)));
            return;
        }
        session.lastCommand = command.fullName;
        if (session.inTransaction() && !command.runsInsideMulti()) {
            session.queued.add(new RespSession.Queued(command, request.copy()));
            RespReplies.raw(conn.out(), RespReplies.QUEUED);
            return;
        }
        switch (command) {
            case MULTI -> multi(conn);
            case EXEC -> exec(conn);
            case DISCARD -> discard(conn);
            case WATCH -> watch(request, conn);
            case UNWATCH -> {
                session.watched.clear();
                RespReplies.raw(conn.out(), RespReplies.OK);
            }
            case GET -> fast.get(request, conn);
            case INCR, DECR, INCRBY, DECRBY -> fast.increment(command, request, conn);
            default -> {
                if (command == RedisCommand.SET && fast.set(request, conn)) {
                    return;
                }
                if (command.keys != RedisCommand.Keys.NONE) {
                    runOnKeys(command, request, conn);
                } else if (!connection.run(command, request, conn)) {
                    server.run(command, request, conn.out(), session, conn);
                }
            }
        }
    }

    /** A refusal before the command runs: inside MULTI, it also dooms the transaction, as in Redis. */
    private static void reject(RespConnection conn, String error) {
        RespSession session = conn.session();
        if (session.inTransaction()) {
            session.transactionFailed = true;
        }
        RespReplies.error(conn.out(), error);
    }

    /**
     * A command on keys, as one step of the cache. The step reads the request in place: should it
     * wait for the disk, the connection reads no further request meanwhile, and keeps the request
     * until the step is done even if the client goes.
     */
    private void runOnKeys(RedisCommand command, RespRequest args, RespConnection conn) {
        RespSession session = conn.session();
        int database = session.database;
        List<Key> keys = KeyArguments.of(command, args, database, context.databases());
        ByteBuf out = conn.stepReply();
        CompletableFuture<ByteBuf> reply = context.cache().atomically(keys, step -> {
            run(new KeyCall(command, args, step, out, session.version, database, context));
            return out;
        });
        conn.answerChange(reply, written -> conn.out().writeBytes(written));
    }

    /** Runs a command on keys inside a step. */
    private static void run(KeyCall call) {
        switch (call.command) {
            case GET, SET, SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX, APPEND, STRLEN, GETRANGE, SUBSTR,
                    SETRANGE, INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT -> StringCommands.run(call);
            default -> KeyCommands.run(call);
        }
    }

    // ---- transactions

    private static void multi(RespConnection conn) {
        RespSession session = conn.session();
        if (session.inTransaction()) {
            RespReplies.error(conn.out(), "ERR MULTI calls can not be nested");
            return;
        }
        session.beginTransaction();
        RespReplies.raw(conn.out(), RespReplies.OK);
    }

    private static void discard(RespConnection conn) {
        RespSession session = conn.session();
        if (!session.inTransaction()) {
            RespReplies.error(conn.out(), "ERR DISCARD without MULTI");
            return;
        }
        session.endTransaction();
        RespReplies.raw(conn.out(), RespReplies.OK);
    }

    /** WATCH: each key's CAS now, so that EXEC runs only if none has changed since. */
    private void watch(RespRequest request, RespConnection conn) {
        RespSession session = conn.session();
        if (session.inTransaction()) {
            RespReplies.error(conn.out(), "ERR WATCH inside MULTI is not allowed");
            return;
        }
        List<Key> keys = KeyArguments.of(RedisCommand.WATCH, request, session.database, context.databases());
        CompletableFuture<long[]> read = context.cache().atomically(keys, step -> {
            long[] cas = new long[keys.size()];
            for (int i = 0; i < cas.length; i++) {
                cas[i] = casOf(step.get(i));
            }
            return cas;
        });
        conn.answer(read, cas -> {
            for (int i = 0; i < cas.length; i++) {
                session.watched.putIfAbsent(keys.get(i), cas[i]);
            }
            RespReplies.raw(conn.out(), RespReplies.OK);
        });
    }

    private static long casOf(Item item) {
        return item == null ? 0 : item.cas();
    }

    /**
     * EXEC: the queued commands as one step over every key they name and every key watched; none
     * runs if a watched key's CAS has changed (the reply is then a null array).
     */
    private void exec(RespConnection conn) {
        RespSession session = conn.session();
        if (!session.inTransaction()) {
            RespReplies.error(conn.out(), "ERR EXEC without MULTI");
            return;
        }
        if (session.transactionFailed) {
            session.endTransaction();
            RespReplies.error(conn.out(), Errors.EXEC_ABORT);
            return;
        }
        List<RespSession.Queued> queued = session.queued;
        List<Key> watched = new ArrayList<>(session.watched.keySet());
        long[] expected = session.watched.values().stream().mapToLong(Long::longValue).toArray();
        session.endTransaction();
        List<Key> keys = new ArrayList<>(watched);
        int[] bases = new int[queued.size()];
        int[] databases = new int[queued.size()];
        int database = session.database;
        for (int i = 0; i < queued.size(); i++) {
            RespSession.Queued command = queued.get(i);
            bases[i] = keys.size();
            databases[i] = database;
            keys.addAll(KeyArguments.of(command.command(), command.arguments(), database, context.databases()));
            if (command.command() == RedisCommand.SELECT) {
                database = ConnectionCommands.selected(command.arguments(), database, context.databases());
            }
        }
        ByteBuf out = conn.stepReply();
        Atomic<ByteBuf> transaction = step -> {
            for (int i = 0; i < watched.size(); i++) {
                if (casOf(step.get(i)) != expected[i]) {
                    return null;
                }
            }
            RespReplies.array(out, queued.size());
            for (int i = 0; i < queued.size(); i++) {
                RespSession.Queued command = queued.get(i);
                if (command.command().keys != RedisCommand.Keys.NONE) {
                    run(new KeyCall(command.command(), command.arguments(), new KeyArguments.Shifted(step, bases[i]), out,
                            session.version, databases[i], context));
                } else {
                    inTransaction(command, out, conn);
                }
            }
            return out;
        };
        CompletableFuture<ByteBuf> reply = keys.isEmpty()
                ? CompletableFuture.completedFuture(transaction.run(null))
                : context.cache().atomically(keys, transaction);
        conn.answerChange(reply, written -> {
            if (written == null) {
                RespReplies.nullArray(conn.out(), session.version);
            } else {
                conn.out().writeBytes(written);
            }
        });
    }

    /** A queued command on no key, run inside EXEC: its reply goes into the transaction's. */
    private void inTransaction(RespSession.Queued command, ByteBuf out, RespConnection conn) {
        RespConnection inside = new TransactionConnection(conn, out);
        if (!connection.run(command.command(), command.arguments(), inside)) {
            server.run(command.command(), command.arguments(), out, conn.session(), inside);
        }
    }

    /** Redis's message for an unknown command: its name and up to 128 characters of its arguments, quoted. */
    private static String unknownCommand(RespRequest request) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < request.argc() && args.length() < 128; i++) {
            String arg = truncated(request, i);
            int room = 128 - args.length();
            args.append('\'').append(arg, 0, Math.min(arg.length(), room)).append("' ");
        }
        return "ERR unknown command '" + truncated(request, 0) + "', with args beginning with: " + args;
    }

    /** Argument {@code i} as C's {@code %.128s} prints it: up to its first NUL, at most 128 bytes. */
    private static String truncated(RespRequest request, int i) {
        int length = Math.min(request.length(i), 128);
        byte[] bytes = new byte[length];
        request.arena().getBytes(request.index(i), bytes);
        int end = 0;
        while (end < length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** The connection as a command inside EXEC sees it: its replies go into the transaction's reply. */
    private record TransactionConnection(RespConnection connection, ByteBuf out) implements RespConnection {

        @Override
        public <T> boolean answer(CompletableFuture<T> result, java.util.function.Consumer<? super T> reply) {
            reply.accept(result.join());
            return true;
        }

        @Override
        public <T> void answerChange(CompletableFuture<T> result, java.util.function.Consumer<? super T> reply) {
            answer(result, reply);
        }

        @Override
        public void closeAfterReplies() {
            connection.closeAfterReplies();
        }

        @Override
        public void closeNow() {
            connection.closeNow();
        }

        @Override
        public RespSession session() {
            return connection.session();
        }

        /** Inside EXEC a command writes into the transaction's reply, never a step's of its own. */
        @Override
        public ByteBuf stepReply() {
            throw new IllegalStateException("no step of its own inside EXEC");
        }

        @Override
        public boolean insideExec() {
            return true;
        }

        @Override
        public CompletableFuture<org.ratmemcache.core.StoreResult> set(Key key, long expiresAt, RespRequest request, int argument) {
            return connection.set(key, expiresAt, request, argument);
        }
    }
}
