package org.ratmemcache.server;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.Cache;
import org.ratmemcache.core.DeleteResult;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.Lookup;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.protocol.Parsed;
import org.ratmemcache.protocol.text.TextError;
import org.ratmemcache.protocol.text.TextParser;
import org.ratmemcache.protocol.text.TextReplies;
import org.ratmemcache.protocol.text.TextRequest;

/** memcached's text protocol on one connection: see {@link ConnectionHandler} for the order of things. */
final class TextConnectionHandler extends ConnectionHandler {

    private final StatsReport statsReport;
    private final byte[] versionLine;
    private final TextParser parser;
    private final TextReplies replies = new TextReplies();
    private final MetaCommands meta;
    private final StatsReport.Sink statLines = this::statLine;

    // Continuations of the commands that may wait for the disk, made once per connection.
    private final Consumer<StoreResult> replyStored = this::replyStored;
    private final Consumer<DeleteResult> replyDeleted = deleted -> reply(deleted == DeleteResult.DELETED
            ? TextReplies.DELETED : TextReplies.NOT_FOUND);
    private final Consumer<Boolean> replyTouched = touched -> reply(touched ? TextReplies.TOUCHED : TextReplies.NOT_FOUND);
    private final Consumer<DeltaResult> replyDelta = this::replyDelta;
    private final Consumer<Object> replyOk = done -> reply(TextReplies.OK);
    private final Consumer<Object> replyTooLarge = done -> reply(TextError.TOO_LARGE.line());
    private final Consumer<Item> retrieved = this::writeItem;

    /** A retrieval in progress: the next key to look up, or -1. */
    private int retrievalNextKey = -1;

    TextConnectionHandler(long id, Cache cache, ServerStats serverStats, StatsReport statsReport, byte[] versionLine) {
        super(id, cache, serverStats, CommandLatency.Protocol.TEXT);
        this.statsReport = statsReport;
        this.versionLine = versionLine;
        this.parser = new TextParser(cache.itemSizeMax());
        this.meta = new MetaCommands(this, cache);
    }

    /** The request being executed. */
    TextRequest request() {
        return parser.request();
    }

    /** A retrieval that stopped part-way (for the disk, or a slow client) continues first. */
    @Override
    protected Step step() {
        if (retrievalNextKey >= 0) {
            retrieve(parser.request());
            return Step.PROGRESS;
        }
        return super.step();
    }

    @Override
    protected Parsed parse(ByteBuf input) {
        return parser.parse(input);
    }

    @Override
    protected void replyFailure(Throwable failure) {
        // A retrieval treats a key it could not read as a miss and goes on.
        if (retrievalNextKey < 0) {
            reply(TextError.STORAGE_FAILURE.line());
        }
    }

    @Override
    protected void execute() {
        TextRequest request = parser.request();
        commandStarts();
        switch (request.command()) {
            case RETRIEVE -> {
                retrievalNextKey = 0;
                retrieve(request);
            }
            case STORE -> write(cache.store(request.storeMode(), request.key(), request.flags(),
                    expiresAt(request.exptime()), request.value(), request.cas()), replyStored);
            case STORE_TOO_LARGE -> write(cache.storeTooLarge(request.storeMode(), request.key()), replyTooLarge);
            case DELETE -> write(cache.delete(request.key(), 0), replyDeleted);
            case DELTA -> write(cache.delta(request.key(), Arithmetic.of(request.increment() ? Arithmetic.Direction.INCR
                    : Arithmetic.Direction.DECR, request.delta())), replyDelta);
            case TOUCH -> write(cache.touch(request.key(), expiresAt(request.exptime())), replyTouched);
            case FLUSH_ALL -> {
                long now = cache.clock().millis();
                await(cache.flushAll(request.exptime() > 0 ? Expiry.fromExptime(request.exptime(), now) : now), replyOk);
            }
            case VERSION -> reply(versionLine);
            case VERBOSITY -> {
                serverStats.verbosity = (int) Math.min(request.verbosity(), StatsReport.MAX_VERBOSITY);
                reply(TextReplies.OK);
            }
            case QUIT -> closeAfterReplies();
            case STATS -> stats(request);
            case META_GET -> meta.get(request);
            case META_SET -> meta.set(request);
            case META_SET_TOO_LARGE -> meta.refuseTooLarge(request);
            case META_DELETE -> meta.delete(request);
            case META_ARITHMETIC -> meta.arithmetic(request);
            case META_DEBUG -> meta.debug(request);
            case META_NOOP -> meta.noop();
            case INVALID -> reply(request.error().line());
        }
    }

    /**
     * get, gets, gat, gats: one VALUE per hit, then END. Resumable: it stops after a key when the
     * disk must be read or the client falls behind, and the next {@link #step} continues.
     */
    private void retrieve(TextRequest request) {
        long expiresAt = request.touch() ? expiresAt(request.exptime()) : 0;
        int keys = request.keyCount();
        while (retrievalNextKey < keys) {
            Key key = request.key(retrievalNextKey++);
            if (request.touch()) {
                if (!await(cache.getAndTouch(key, expiresAt), retrieved)) {
                    return;
                }
            } else {
                switch (cache.get(key)) {
                    case Item item -> writeItem(item);
                    case Lookup.Miss miss -> {
                        // nothing to write
                    }
                    case Lookup.Pending pending -> {
                        if (!await(pending.item(), retrieved)) {
                            return;
                        }
                    }
                }
            }
            if (retrievalNextKey < keys && !mayContinue()) {
                return;
            }
        }
        retrievalNextKey = -1;
        out().writeBytes(TextReplies.END);
    }

    private void writeItem(Item item) {
        if (item == null) {
            return;
        }
        byte[] value = item.value();
        ByteBuf out = out();
        replies.valueHeader(out, item, value.length, parser.request().withCas());
        out.writeBytes(value);
        out.writeBytes(TextReplies.CRLF);
    }

    /** stats [group]: the group's lines and END; RESET for reset; ERROR for an unknown group. */
    private void stats(TextRequest request) {
        String group = request.argumentCount() == 0 ? "" : request.argument(0);
        if (group.equals("reset")) {
            statsReport.reset();
            out().writeBytes(TextReplies.RESET);
        } else if (statsReport.report(group, statLines, id())) {
            out().writeBytes(TextReplies.END);
        } else {
            out().writeBytes(TextError.UNKNOWN_COMMAND.line());
        }
    }

    private void statLine(String name, Object value) {
        TextReplies.stat(out(), name, value);
    }

    private void replyStored(StoreResult result) {
        reply(switch (result) {
            case STORED -> TextReplies.STORED;
            case NOT_STORED -> TextReplies.NOT_STORED;
            case EXISTS -> TextReplies.EXISTS;
            case NOT_FOUND -> TextReplies.NOT_FOUND;
            case TOO_LARGE -> TextError.TOO_LARGE.line();
            case NO_MEMORY -> TextError.OUT_OF_MEMORY.line();
        });
    }

    private void replyDelta(DeltaResult result) {
        switch (result) {
            case DeltaResult.Applied applied -> {
                if (!parser.request().noreply()) {
                    replies.number(out(), applied.value());
                }
            }
            case DeltaResult.NotFound notFound -> reply(TextReplies.NOT_FOUND);
            case DeltaResult.NonNumeric nonNumeric -> reply(TextError.NON_NUMERIC.line());
            case DeltaResult.CasMismatch mismatch -> reply(TextReplies.EXISTS); // text incr has no CAS
        }
    }

    private long expiresAt(long exptime) {
        return Expiry.fromExptime(exptime, cache.clock().millis());
    }

    private void reply(byte[] line) {
        if (!parser.request().noreply()) {
            out().writeBytes(line);
        }
    }

    static byte[] versionLine(String version) {
        return ("VERSION " + version + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
}
