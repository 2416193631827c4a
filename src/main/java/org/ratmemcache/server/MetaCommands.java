package org.ratmemcache.server;

import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.Cache;
import org.ratmemcache.core.Decimal;
import org.ratmemcache.core.DeleteResult;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Expiry;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.MetaDelete;
import org.ratmemcache.core.MetaGet;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.protocol.ItemBytes;
import org.ratmemcache.protocol.text.MetaFlags;
import org.ratmemcache.protocol.text.MetaReplies;
import org.ratmemcache.protocol.text.TextError;
import org.ratmemcache.protocol.text.TextRequest;

import static java.nio.charset.StandardCharsets.US_ASCII;

/**
 * The meta commands (mg, ms, md, ma, me, mn) of one text connection: turns each decoded request
 * into a call on {@link Commands}, and writes its reply as memcached 1.6.18 does, flags echoed in
 * the order they were asked for. It answers through the connection's {@link Responder} and
 * reads the connection's one {@link TextRequest}, which stays put while a command waits.
 *
 * <p>Beyond 1.6.18 it has what memcached's meta protocol gained since (1.6.4x): {@code E} on every
 * command that changes or creates an item, md's {@code x}, ms's {@code s} (the stored size, the
 * joined one after an append) and {@code N} in append and prepend modes (a miss stores the data
 * as a new item that expires as N says).
 */
final class MetaCommands {

    private final TextRequest request;
    private final Responder connection;
    private final Commands commands;
    private final ValueRoom room;
    private final MetaReplies replies = new MetaReplies();
    /** mg's absolute T and N times, as handed to the cache, for the t flags. */
    private long touchAt;
    private long vivifyAt;
    private final StoredItem storedItem = new StoredItem();

    private final Consumer<MetaGet.Result> replyGet = this::replyGet;
    private final Consumer<StoreResult> replySet = this::replySet;
    private final Consumer<Object> replyTooLarge = done -> reply(TextError.TOO_LARGE.line());
    private final Consumer<DeleteResult> replyDelete = this::replyDelete;
    private final Consumer<DeltaResult> replyArithmetic = this::replyArithmetic;
    private final Consumer<Item> replyDebug = this::replyDebug;

    MetaCommands(TextRequest request, Responder connection, Commands commands, ValueRoom room) {
        this.room = room;
        this.request = request;
        this.connection = connection;
        this.commands = commands;
    }

    /** mg: T, N and R become a {@link MetaGet}; the reply walks the flags in order. */
    void get() {
        MetaFlags flags = request.meta();
        MetaGet read = flags.noBump() ? MetaGet.READ_WITHOUT_BUMP : MetaGet.READ;
        if (flags.hasTouch()) {
            touchAt = commands.expiresAt(flags.touchExptime());
            read = flags.touchBeforeRecache() ? read.touchBeforeRecacheCheck(touchAt) : read.touch(touchAt);
        }
        if (flags.hasVivify()) {
            vivifyAt = commands.expiresAt(flags.vivifyExptime());
            // memcached applies T and N in the order given: the later decides a created item's expiry
            read = read.vivify(flags.hasTouch() && !flags.vivifyAfterTouch() ? touchAt : vivifyAt);
        }
        if (flags.hasRecache()) {
            read = read.recacheBelow(commands.expiresAt(flags.recacheExptime()));
        }
        if (flags.hasVivify() && flags.newCas() != Cache.NEXT_CAS) {
            read = read.vivifyWithCas(flags.newCas()); // E changes only an item the read creates
        }
        connection.answer(commands.metaGet(request.key(), read), replyGet);
    }

    private void replyGet(MetaGet.Result result) {
        MetaFlags flags = request.meta();
        ByteBuf out = connection.out();
        Watchers watchers = commands.watchers();
        if (watchers.watching(Watchers.Stream.FETCHERS)) {
            watchers.fetched(request.key(), result instanceof MetaGet.Hit hit ? hit.item() : null, connection.id());
        }
        if (!(result instanceof MetaGet.Hit metaGet)) {
            if (!flags.quiet()) {
                out.writeBytes(MetaReplies.EN);
                echoOpaqueAndKey(out, 2);
                MetaReplies.end(out);
            }
            return;
        }
        Item item = metaGet.item();
        boolean value = flags.value();
        if (value) {
            replies.valueCode(out, item.valueLength());
        } else {
            out.writeBytes(MetaReplies.HD);
        }
        long now = commands.clock().millis();
        long expiresAt = metaGet.expiresBefore();
        for (int t = 2; t < request.tokenCount(); t++) {
            switch (request.line()[request.tokenStart(t)]) {
                case 'T' -> expiresAt = touchAt;
                case 'N' -> expiresAt = metaGet.created() ? vivifyAt : expiresAt;
                case 's' -> replies.flag(out, 's', item.valueLength());
                case 't' -> ttl(out, expiresAt, now);
                case 'c' -> replies.flag(out, 'c', item.cas());
                case 'f' -> replies.flag(out, 'f', item.flags() & 0xffff_ffffL);
                case 'l' -> replies.flag(out, 'l', Math.max(now - metaGet.accessedBefore(), 0) / 1000);
                case 'h' -> replies.flag(out, 'h', metaGet.fetchedBefore() ? 1 : 0);
                case 'O' -> replies.echo(out, request, t);
                case 'k' -> replies.key(out, request.key(), flags.base64());
                default -> {
                    // a flag that does not show in the reply
                }
            }
        }
        if (metaGet.winTokenSentBefore()) {
            replies.flag(out, 'Z');
        }
        if (item.stale()) {
            replies.flag(out, 'X');
        }
        if (metaGet.won()) {
            replies.flag(out, 'W');
        }
        MetaReplies.end(out);
        if (value) {
            ItemBytes.writeValue(out, item);
            MetaReplies.end(out);
        }
    }

    /**
     * ms: its mode, turned into the cache's store modes as memcached turns them into its commands;
     * append and prepend with N create on a miss, with N's expiry rather than T's.
     */
    void set() {
        MetaFlags flags = request.meta();
        StoreMode mode = setMode();
        connection.answerChange(room.store(mode, request.key(), flags.clientFlags(), setExpiresAt(mode), request.value(),
                flags.cas(), flags.newCas(), storedItem.reset()), replySet);
    }

    private StoreMode setMode() {
        MetaFlags flags = request.meta();
        StoreMode mode = switch (flags.mode()) {
            case 'E' -> StoreMode.ADD;
            case 'A' -> flags.hasVivify() ? StoreMode.APPEND_OR_ADD : StoreMode.APPEND;
            case 'P' -> flags.hasVivify() ? StoreMode.PREPEND_OR_ADD : StoreMode.PREPEND;
            case 'R' -> StoreMode.REPLACE;
            default -> StoreMode.SET;
        };
        if (flags.hasCas() && (mode == StoreMode.SET || mode == StoreMode.REPLACE)) {
            mode = flags.invalidate() ? StoreMode.CAS_OR_STALE : StoreMode.CAS;
        }
        return mode;
    }

    /** ms's expiry: N's for an append or prepend that may create, else T's, else never. */
    long setExpiresAt() {
        return setExpiresAt(setMode());
    }

    private long setExpiresAt(StoreMode mode) {
        MetaFlags flags = request.meta();
        return mode.concatenates() && flags.hasVivify() ? commands.expiresAt(flags.vivifyExptime())
                : flags.hasTouch() ? commands.expiresAt(flags.touchExptime()) : Expiry.NEVER;
    }

    /** ms over the size limit: memcached drops the key's current item, whatever the mode. */
    void setTooLarge() {
        connection.answerChange(commands.storeTooLarge(StoreMode.SET, request.key()), replyTooLarge);
    }

    private void replySet(StoreResult result) {
        Watchers watchers = commands.watchers();
        if (watchers.watching(Watchers.Stream.MUTATIONS)) {
            // memcached logs an ms as a set, whatever its mode
            watchers.stored(request.key(), "set", Watchers.status(result),
                    request.meta().hasTouch() ? commands.expiresAt(request.meta().touchExptime()) : Expiry.NEVER,
                    request.value().length(), connection.id());
        }
        byte[] code = switch (result) {
            case STORED -> MetaReplies.HD;
            case EXISTS -> MetaReplies.EX;
            case NOT_FOUND -> MetaReplies.NF;
            case NOT_STORED -> MetaReplies.NS;
            case TOO_LARGE -> TextError.TOO_LARGE.line();
            case NO_MEMORY -> TextError.OUT_OF_MEMORY.line();
        };
        if (result == StoreResult.TOO_LARGE || result == StoreResult.NO_MEMORY) {
            reply(code);
            return;
        }
        if (result == StoreResult.STORED && request.meta().quiet()) {
            return;
        }
        ByteBuf out = connection.out();
        out.writeBytes(code);
        for (int t = 3; t < request.tokenCount(); t++) {
            switch (request.line()[request.tokenStart(t)]) {
                case 'O' -> replies.echo(out, request, t);
                case 'k' -> replies.key(out, request.key(), request.meta().base64());
                case 'c' -> replies.flag(out, 'c', storedItem.cas());
                case 's' -> replies.flag(out, 's', storedItem.length(request.value().length()));
                default -> {
                    // not shown
                }
            }
        }
        MetaReplies.end(out);
    }

    /** md: a delete, with I an invalidation, with x an emptied value; each may be bound to a CAS. */
    void delete() {
        MetaFlags flags = request.meta();
        long cas = flags.hasCas() ? flags.cas() : 0;
        MetaDelete delete = flags.invalidate() || flags.dropValue()
                ? new MetaDelete(cas, flags.invalidate(), flags.dropValue(), flags.clientFlags(),
                        flags.hasTouch() ? commands.expiresAt(flags.touchExptime()) : Expiry.UNCHANGED, flags.newCas())
                : MetaDelete.remove(cas);
        connection.answerChange(commands.metaDelete(request.key(), delete), replyDelete);
    }

    private void replyDelete(DeleteResult result) {
        if (result == DeleteResult.DELETED && request.meta().quiet()) {
            return;
        }
        ByteBuf out = connection.out();
        out.writeBytes(switch (result) {
            case DELETED -> MetaReplies.HD;
            case NOT_FOUND -> MetaReplies.NF;
            case EXISTS -> MetaReplies.EX;
        });
        echoOpaqueAndKey(out, 2);
        MetaReplies.end(out);
    }

    /** ma: incr or decr, optionally bound to a CAS, creating the number on a miss with N. */
    void arithmetic() {
        MetaFlags flags = request.meta();
        Arithmetic.Direction direction = flags.mode() == 'D' || flags.mode() == '-' ? Arithmetic.Direction.DECR
                : Arithmetic.Direction.INCR;
        touchAt = flags.hasTouch() ? commands.expiresAt(flags.touchExptime()) : Expiry.UNCHANGED;
        vivifyAt = flags.hasVivify() ? commands.expiresAt(flags.vivifyExptime()) : Arithmetic.NO_CREATE;
        long createExpiresAt = flags.hasVivify() && flags.hasTouch() && !flags.vivifyAfterTouch() ? touchAt : vivifyAt;
        connection.answerChange(commands.delta(request.key(), new Arithmetic(direction, flags.delta(),
                flags.hasCas() ? flags.cas() : 0, flags.initial(), createExpiresAt, touchAt, flags.newCas())), replyArithmetic);
    }

    private void replyArithmetic(DeltaResult result) {
        ByteBuf out = connection.out();
        switch (result) {
            case DeltaResult.Applied applied -> {
                if (!applied.created() && request.meta().quiet()) {
                    return;
                }
                appliedReply(out, applied);
            }
            case DeltaResult.NotFound notFound -> codeWithOpaqueAndKey(out, MetaReplies.NF);
            case DeltaResult.CasMismatch mismatch -> codeWithOpaqueAndKey(out, MetaReplies.EX);
            case DeltaResult.NonNumeric nonNumeric -> out.writeBytes(TextError.NON_NUMERIC.line());
        }
    }

    private void appliedReply(ByteBuf out, DeltaResult.Applied applied) {
        boolean value = request.meta().value();
        int digits = Decimal.length(applied.value());
        if (value) {
            replies.valueCode(out, digits);
        } else {
            out.writeBytes(MetaReplies.HD);
        }
        long now = commands.clock().millis();
        long expiresAt = applied.expiresBefore();
        for (int t = 2; t < request.tokenCount(); t++) {
            switch (request.line()[request.tokenStart(t)]) {
                case 'c' -> replies.flag(out, 'c', applied.item().cas());
                case 't' -> ttl(out, expiresAt, now);
                case 'T' -> expiresAt = touchAt;
                case 'N' -> expiresAt = applied.created() ? vivifyAt : expiresAt;
                case 'O' -> replies.echo(out, request, t);
                case 'k' -> replies.key(out, request.key(), request.meta().base64());
                default -> {
                    // not shown
                }
            }
        }
        if (value) {
            MetaReplies.end(out);
            replies.unsigned(out, applied.value());
        }
        MetaReplies.end(out);
    }

    /** me: the item's metadata, without touching its read history. */
    void debug() {
        connection.answer(commands.metaDebug(request.key()), replyDebug);
    }

    private void replyDebug(Item item) {
        ByteBuf out = connection.out();
        if (item == null) {
            out.writeBytes(MetaReplies.EN);
            MetaReplies.end(out);
            return;
        }
        long now = commands.clock().millis();
        replies.debugStart(out, request.key(), request.meta().base64());
        out.writeCharSequence("exp=", US_ASCII);
        if (item.expiresAt() == Expiry.NEVER) {
            out.writeByte('-').writeByte('1');
        } else {
            // memcached prints now minus the expiry: minus the time left
            out.writeByte('-');
            replies.unsigned(out, ttlSeconds(item.expiresAt(), now));
        }
        out.writeCharSequence(" la=", US_ASCII);
        replies.unsigned(out, Math.max(now - item.accessedAt(), 0) / 1000);
        out.writeCharSequence(" cas=", US_ASCII);
        replies.unsigned(out, item.cas());
        out.writeCharSequence(item.fetched() ? " fetch=yes" : " fetch=no", US_ASCII);
        out.writeCharSequence(" cls=1 size=", US_ASCII);
        replies.unsigned(out, Cache.itemSize(item.key().length(), item.flags(), item.valueLength()));
        MetaReplies.end(out);
    }

    /** mn: MN, sent at once with everything before it. */
    void noop() {
        connection.out().writeBytes(MetaReplies.MN);
        connection.sendNow();
    }

    private void codeWithOpaqueAndKey(ByteBuf out, byte[] code) {
        out.writeBytes(code);
        echoOpaqueAndKey(out, 2);
        MetaReplies.end(out);
    }

    private void echoOpaqueAndKey(ByteBuf out, int first) {
        for (int t = first; t < request.tokenCount(); t++) {
            byte flag = request.line()[request.tokenStart(t)];
            if (flag == 'O') {
                replies.echo(out, request, t);
            } else if (flag == 'k') {
                replies.key(out, request.key(), request.meta().base64());
            }
        }
    }

    private void ttl(ByteBuf out, long expiresAt, long now) {
        replies.ttl(out, ttlSeconds(expiresAt, now), expiresAt == Expiry.NEVER);
    }

    /** Seconds left, rounded up, as memcached's one-second clock shows them. */
    private static long ttlSeconds(long expiresAt, long now) {
        return Math.ceilDiv(expiresAt - now, 1000);
    }

    private void reply(byte[] line) {
        connection.out().writeBytes(line);
    }
}
