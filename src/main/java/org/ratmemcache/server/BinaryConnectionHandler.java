package org.ratmemcache.server;

import java.util.function.Consumer;
import java.util.function.LongConsumer;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.Cache;
import org.ratmemcache.core.DeleteResult;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Lookup;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.protocol.Parsed;
import org.ratmemcache.protocol.binary.BinaryParser;
import org.ratmemcache.protocol.binary.BinaryReplies;
import org.ratmemcache.protocol.binary.BinaryRequest;
import org.ratmemcache.protocol.binary.Opcode;
import org.ratmemcache.protocol.binary.Status;

/**
 * memcached's binary protocol on one connection: see {@link ConnectionHandler} for the order of
 * things.
 *
 * <p>Replies follow memcached 1.6's {@code proto_bin.c}: each echoes its request's opcode and
 * opaque; a quiet request sends no success (but a get's hit), and always sends an error; a no-op
 * answers after the replies before it, which is what clients pipelining quiet requests wait for.
 */
final class BinaryConnectionHandler extends ConnectionHandler {

    /** incr and decr's expiration that means "do not create the item on a miss". */
    private static final long NO_CREATE = 0xffff_ffffL;

    private final StatsReport statsReport;
    private final String version;
    private final BinaryParser parser;
    private final StatsReport.Sink statPackets = this::statPacket;

    /** The CAS of the item a store just stored; set before the store's future completes. */
    private long storedCas;
    private final LongConsumer storedCasSink = cas -> storedCas = cas;

    // Continuations of the commands that may wait for the disk, made once per connection.
    private final Consumer<Item> replyItem = this::replyItem;
    private final Consumer<StoreResult> replyStored = this::replyStored;
    private final Consumer<DeleteResult> replyDeleted = this::replyDeleted;
    private final Consumer<DeltaResult> replyDelta = this::replyDelta;
    private final Consumer<Object> replyOk = done -> replyOk(0);
    private final Consumer<Object> replyTooLarge = done -> replyError(Status.E2BIG);

    BinaryConnectionHandler(long id, Cache cache, ServerStats serverStats, StatsReport statsReport, String version) {
        super(id, cache, serverStats, CommandLatency.Protocol.BINARY);
        this.statsReport = statsReport;
        this.version = version;
        this.parser = new BinaryParser(cache.itemSizeMax());
    }

    @Override
    protected Parsed parse(ByteBuf input) {
        return parser.parse(input);
    }

    @Override
    protected void replyFailure(Throwable failure) {
        replyError(Status.TEMPORARY_FAILURE);
    }

    @Override
    protected void execute() {
        BinaryRequest request = parser.request();
        commandStarts();
        if (request.error() != null) {
            refuse(request);
            return;
        }
        switch (request.command()) {
            case Opcode.GET, Opcode.GETK -> {
                switch (cache.get(request.key())) {
                    case Item item -> replyItem(item);
                    case Lookup.Miss miss -> replyItem(null);
                    case Lookup.Pending pending -> await(pending.item(), replyItem);
                }
            }
            case Opcode.GAT, Opcode.GATK, Opcode.TOUCH ->
                    await(cache.getAndTouch(request.key(), expiresAt(request.expiration())), replyItem);
            case Opcode.SET, Opcode.ADD, Opcode.REPLACE, Opcode.APPEND, Opcode.PREPEND -> store(request);
            case Opcode.DELETE -> write(cache.delete(request.key(), request.cas()), replyDeleted);
            case Opcode.INCREMENT, Opcode.DECREMENT -> write(cache.delta(request.key(), arithmetic(request)), replyDelta);
            case Opcode.FLUSH -> {
                long now = cache.clock().millis();
                long at = request.expiration() > 0 ? Expiry.fromExptime(request.expiration(), now) : now;
                await(cache.flushAll(at), replyOk);
            }
            case Opcode.NOOP -> {
                replyOk(0);
                flushNow();
            }
            case Opcode.VERSION -> BinaryReplies.text(out(), request, version);
            case Opcode.VERBOSITY -> {
                serverStats.verbosity = (int) Math.min(request.verbosity(), StatsReport.MAX_VERBOSITY);
                replyOk(0);
            }
            case Opcode.QUIT -> {
                replyOk(0);
                closeAfterReplies();
            }
            case Opcode.STAT -> stats(request);
            default -> throw new IllegalStateException("the parser let through opcode " + request.command());
        }
    }

    /** A request the parser refused: the error, and for a store too large, memcached's cleanup. */
    private void refuse(BinaryRequest request) {
        if (request.refusedStore() != null) {
            write(cache.storeTooLarge(request.refusedStore(), request.key()), replyTooLarge);
            return;
        }
        replyError(request.error());
        if (request.closeAfterReply()) {
            closeAfterReplies();
        }
    }

    private void store(BinaryRequest request) {
        StoreMode mode = switch (request.command()) {
            case Opcode.APPEND -> StoreMode.APPEND;
            case Opcode.PREPEND -> StoreMode.PREPEND;
            // memcached turns any set, add or replace with a CAS into a cas
            default -> request.cas() != 0 ? StoreMode.CAS : switch (request.command()) {
                case Opcode.ADD -> StoreMode.ADD;
                case Opcode.REPLACE -> StoreMode.REPLACE;
                default -> StoreMode.SET;
            };
        };
        storedCas = 0;
        write(cache.store(mode, request.key(), request.flags(), expiresAt(request.expiration()), request.value(),
                request.cas(), storedCasSink), replyStored);
    }

    private Arithmetic arithmetic(BinaryRequest request) {
        long createExpiresAt = request.expiration() == NO_CREATE ? Arithmetic.NO_CREATE : expiresAt(request.expiration());
        return new Arithmetic(request.command() == Opcode.INCREMENT ? Arithmetic.Direction.INCR : Arithmetic.Direction.DECR,
                request.delta(), request.cas(), request.initial(),
                createExpiresAt, Expiry.UNCHANGED);
    }

    private void replyItem(Item item) {
        BinaryRequest request = parser.request();
        if (item == null) {
            if (!request.quiet()) {
                if (request.command() == Opcode.GETK || request.command() == Opcode.GATK) {
                    BinaryReplies.missWithKey(out(), request);
                } else {
                    BinaryReplies.error(out(), request, Status.KEY_ENOENT);
                }
            }
            return;
        }
        boolean withKey = request.command() == Opcode.GETK || request.command() == Opcode.GATK;
        BinaryReplies.item(out(), request, item, withKey, request.command() == Opcode.TOUCH ? null : item.value());
    }

    private void replyStored(StoreResult result) {
        switch (result) {
            case STORED -> replyOk(storedCas);
            case EXISTS -> replyError(Status.KEY_EEXISTS);
            case NOT_FOUND -> replyError(Status.KEY_ENOENT);
            case NO_MEMORY -> replyError(Status.ENOMEM);
            case TOO_LARGE -> replyError(Status.E2BIG);
            // memcached says why an add or a replace did not store, in the status
            case NOT_STORED -> replyError(switch (parser.request().command()) {
                case Opcode.ADD -> Status.KEY_EEXISTS;
                case Opcode.REPLACE -> Status.KEY_ENOENT;
                default -> Status.NOT_STORED;
            });
        }
    }

    private void replyDeleted(DeleteResult result) {
        switch (result) {
            case DELETED -> replyOk(0);
            case NOT_FOUND -> replyError(Status.KEY_ENOENT);
            case EXISTS -> replyError(Status.KEY_EEXISTS);
        }
    }

    private void replyDelta(DeltaResult result) {
        switch (result) {
            case DeltaResult.Applied applied -> {
                if (!parser.request().quiet()) {
                    BinaryReplies.number(out(), parser.request(), applied.value(), applied.item().cas());
                }
            }
            case DeltaResult.NotFound notFound -> replyError(Status.KEY_ENOENT);
            case DeltaResult.NonNumeric nonNumeric -> replyError(Status.DELTA_BADVAL);
            case DeltaResult.CasMismatch mismatch -> replyError(Status.KEY_EEXISTS);
        }
    }

    /**
     * Stat: one packet per statistic, then an empty one; "reset" answers with the empty one alone.
     * The per-connection group ("conns") is the text protocol's only, as in memcached.
     */
    private void stats(BinaryRequest request) {
        String group = request.statGroup();
        if (group.equals("reset")) {
            statsReport.reset();
        } else if (group.equals("conns") || !statsReport.report(group, statPackets, id())) {
            replyError(Status.KEY_ENOENT);
            return;
        }
        BinaryReplies.stat(out(), request, "", "");
    }

    private void statPacket(String name, Object value) {
        BinaryReplies.stat(out(), parser.request(), name, String.valueOf(value));
    }

    /** A success: suppressed for a quiet request. */
    private void replyOk(long cas) {
        if (!parser.request().quiet()) {
            BinaryReplies.ok(out(), parser.request(), cas);
        }
    }

    /** An error: sent whether the request is quiet or not. */
    private void replyError(Status status) {
        BinaryReplies.error(out(), parser.request(), status);
    }

    private long expiresAt(long expiration) {
        return Expiry.fromExptime(expiration, cache.clock().millis());
    }
}
