package org.ratmemcache.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.protocol.Parsed;
import org.ratmemcache.protocol.binary.BinaryParser;
import org.ratmemcache.protocol.binary.BinaryReplies;
import org.ratmemcache.protocol.binary.BinaryRequest;
import org.ratmemcache.protocol.binary.Opcode;
import org.ratmemcache.protocol.binary.Status;

/**
 * memcached's binary protocol on one connection: {@link BinaryParser} decodes a request,
 * {@link Commands} executes it, and the replies are encoded here. See {@link ConnectionHandler}
 * for the order of things.
 *
 * <p>Replies follow memcached 1.6's {@code proto_bin.c}: each echoes its request's opcode and
 * opaque; a quiet request sends no success (but a get's hit), and always sends an error; a no-op
 * answers after the replies before it, which is what clients pipelining quiet requests wait for.
 */
final class BinaryConnectionHandler extends ConnectionHandler {

    /** incr and decr's expiration that means "do not create the item on a miss". */
    private static final long NO_CREATE = 0xffff_ffffL;

    private final Commands commands;
    private final BinaryParser parser;
    private final BinaryRequest request;
    private final StatsReport.Sink statPackets = this::statPacket;
    private final StoredItem storedItem = new StoredItem();
    /** The room a store's value goes into, in item memory. */
    private final ValueRoom room;

    // Continuations of the commands that may wait for the disk, made once per connection.
    private final Consumer<Item> replyItem = this::replyItem;
    private final Consumer<StoreResult> replyStored = this::replyStored;
    private final Consumer<DeleteResult> replyDeleted = this::replyDeleted;
    private final Consumer<DeltaResult> replyDelta = this::replyDelta;
    private final Consumer<Object> replyOk = done -> replyOk(0);
    private final Consumer<Object> replyTooLarge = done -> replyError(Status.E2BIG);

    private final PrefixStats prefixes;
    /** memcached's -S: the users who may connect, or null when anyone may; and this connection's standing. */
    private final Credentials users;
    private final Authentication authentication;
    private final ServerStats serverStats;
    private boolean authenticated;
    private int failedAttempts;
    private final Watchers watchers;

    BinaryConnectionHandler(long id, Commands commands, ServerStats serverStats) {
        super(id, commands, serverStats, CommandLatency.Protocol.BINARY);
        this.commands = commands;
        this.serverStats = serverStats;
        this.authentication = commands.authentication();
        this.users = authentication.sasl().orElse(null);
        this.watchers = commands.watchers();
        this.room = new ValueRoom(commands, new AnnouncedStore());
        this.parser = new BinaryParser(commands.itemSizeMax(), users != null, room);
        this.request = parser.request();
        this.prefixes = commands.prefixes();
    }

    /** The store whose header was just parsed, as the room for its value is taken. */
    private final class AnnouncedStore implements ValueRoom.Announced {

        @Override
        public boolean storesValue() {
            return (users == null || authenticated) && switch (request.command()) {
                case Opcode.SET, Opcode.ADD, Opcode.REPLACE, Opcode.APPEND, Opcode.PREPEND -> true;
                default -> false;
            };
        }

        @Override
        public Key key() {
            return request.key();
        }

        @Override
        public int flags() {
            return request.flags();
        }

        @Override
        public long expiresAt() {
            return commands.expiresAt(request.expiration());
        }
    }

    @Override
    protected Parsed parse(ByteBuf input) {
        return parser.parse(input);
    }

    @Override
    protected void abandonValue() {
        parser.abandon();
    }

    @Override
    protected void replyFailure(Throwable failure) {
        replyError(Status.TEMPORARY_FAILURE);
    }

    @Override
    protected void execute() {
        commandStarts();
        if (users != null && !authenticated && !allowedUnauthenticated(request.command())) {
            // as memcached: an auth error, and the connection closed
            replyError(Status.AUTH_ERROR);
            closeAfterReplies();
            return;
        }
        if (request.error() != null) {
            refuse();
            return;
        }
        switch (request.command()) {
            case Opcode.GET, Opcode.GETK -> {
                switch (commands.get(request.key())) {
                    case Item item -> replyItem(item);
                    case Lookup.Miss miss -> replyItem(null);
                    case Lookup.Pending pending -> answer(pending.item(), replyItem);
                }
            }
            case Opcode.GAT, Opcode.GATK, Opcode.TOUCH ->
                    answer(commands.getAndTouch(request.key(), commands.expiresAt(request.expiration())), replyItem);
            case Opcode.SET, Opcode.ADD, Opcode.REPLACE, Opcode.APPEND, Opcode.PREPEND -> store();
            case Opcode.DELETE -> {
                if (prefixes.enabled()) {
                    prefixes.recordDelete(request.key());
                }
                answerChange(commands.delete(request.key(), request.cas()), replyDeleted);
            }
            case Opcode.INCREMENT, Opcode.DECREMENT -> answerChange(commands.delta(request.key(), arithmetic()), replyDelta);
            case Opcode.FLUSH -> {
                if (commands.policy().flush()) {
                    answer(commands.flushAll(request.expiration()), replyOk);
                } else {
                    replyError(Status.AUTH_ERROR); // memcached's answer under -F, quiet or not
                }
            }
            case Opcode.NOOP -> {
                replyOk(0);
                sendNow();
            }
            case Opcode.VERSION -> BinaryReplies.text(out(), request, commands.version());
            case Opcode.VERBOSITY -> {
                commands.verbosity(request.verbosity());
                replyOk(0);
            }
            case Opcode.QUIT -> {
                replyOk(0);
                closeAfterReplies();
            }
            case Opcode.STAT -> stats();
            case Opcode.SASL_LIST_MECHS -> BinaryReplies.text(out(), request, MECHANISMS);
            case Opcode.SASL_AUTH, Opcode.SASL_STEP -> saslAuthenticate();
            default -> throw new IllegalStateException("the parser let through opcode " + request.command());
        }
    }

    /** SASL's own opcodes and Version work before authentication, as in memcached. */
    private static boolean allowedUnauthenticated(byte command) {
        return command == Opcode.SASL_LIST_MECHS || command == Opcode.SASL_AUTH || command == Opcode.SASL_STEP
                || command == Opcode.VERSION;
    }

    /**
     * SASL PLAIN (RFC 4616): the value is {@code [authzid] NUL authcid NUL password}; an
     * authorisation identity, if given, must be the user's own. PLAIN takes one step, so a Step
     * is answered as a failed Auth. Beyond memcached, too many failures close the connection.
     */
    private void saslAuthenticate() {
        serverStats.authCommands.increment();
        byte[] response = request.value().toArray();
        Key mechanism = request.key();
        boolean plain = request.command() == Opcode.SASL_AUTH && Arrays.equals(mechanism.array(), mechanism.offset(),
                mechanism.offset() + mechanism.length(), PLAIN, 0, PLAIN.length);
        int first = indexOf(response, 0);
        int second = first < 0 ? -1 : indexOf(response, first + 1);
        if (plain && second > first + 1 && indexOf(response, second + 1) < 0) {
            byte[] authzid = Arrays.copyOfRange(response, 0, first);
            byte[] user = Arrays.copyOfRange(response, first + 1, second);
            byte[] password = Arrays.copyOfRange(response, second + 1, response.length);
            boolean sameIdentity = authzid.length == 0 || Arrays.equals(authzid, user);
            if (users.verify(user, password) && sameIdentity) {
                authenticated = true;
                BinaryReplies.text(out(), request, "Authenticated");
                return;
            }
        }
        serverStats.authErrors.increment();
        replyError(Status.AUTH_ERROR);
        if (authentication.closesAfter(++failedAttempts)) {
            closeAfterReplies();
        }
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static final String MECHANISMS = "PLAIN";
    private static final byte[] PLAIN = MECHANISMS.getBytes(StandardCharsets.US_ASCII);

    /** A request the parser refused: the error, and for a store too large, memcached's cleanup. */
    private void refuse() {
        if (request.refusedStore() != null) {
            if (prefixes.enabled()) {
                prefixes.recordSet(request.key());
            }
            answerChange(commands.storeTooLarge(request.refusedStore(), request.key()), replyTooLarge);
            return;
        }
        replyError(request.error());
        if (request.closeAfterReply()) {
            closeAfterReplies();
        }
    }

    private void store() {
        if (prefixes.enabled()) {
            prefixes.recordSet(request.key());
        }
        answerChange(room.store(storeMode(), request.key(), request.flags(), commands.expiresAt(request.expiration()),
                request.value(), request.cas(), Cache.NEXT_CAS, storedItem.reset()), replyStored);
    }

    private StoreMode storeMode() {
        return switch (request.command()) {
            case Opcode.APPEND -> StoreMode.APPEND;
            case Opcode.PREPEND -> StoreMode.PREPEND;
            // memcached turns any set, add or replace with a CAS into a cas
            default -> request.cas() != 0 ? StoreMode.CAS : switch (request.command()) {
                case Opcode.ADD -> StoreMode.ADD;
                case Opcode.REPLACE -> StoreMode.REPLACE;
                default -> StoreMode.SET;
            };
        };
    }

    private Arithmetic arithmetic() {
        long createExpiresAt = request.expiration() == NO_CREATE ? Arithmetic.NO_CREATE : commands.expiresAt(request.expiration());
        return new Arithmetic(request.command() == Opcode.INCREMENT ? Arithmetic.Direction.INCR : Arithmetic.Direction.DECR,
                request.delta(), request.cas(), request.initial(), createExpiresAt, Expiry.UNCHANGED, Cache.NEXT_CAS);
    }

    /** get, getk, gat, gatk and touch: memcached counts each as a get in stats detail. */
    private void replyItem(Item item) {
        if (prefixes.enabled()) {
            prefixes.recordGet(request.key(), item != null);
        }
        if (watchers.watching(Watchers.Stream.FETCHERS)) {
            watchers.fetched(request.key(), item, id());
        }
        boolean withKey = request.command() == Opcode.GETK || request.command() == Opcode.GATK;
        if (item == null) {
            if (request.quiet()) {
                return;
            }
            if (withKey) {
                BinaryReplies.missWithKey(out(), request);
            } else {
                BinaryReplies.error(out(), request, Status.KEY_ENOENT);
            }
            return;
        }
        BinaryReplies.item(out(), request, item, withKey, request.command() != Opcode.TOUCH);
    }

    private void replyStored(StoreResult result) {
        if (watchers.watching(Watchers.Stream.MUTATIONS)) {
            watchers.stored(request.key(), Watchers.command(storeMode()), Watchers.status(result),
                    commands.expiresAt(request.expiration()), request.value().length(), id());
        }
        switch (result) {
            case STORED -> replyOk(storedItem.cas());
            case EXISTS -> replyError(Status.KEY_EEXISTS);
            case NOT_FOUND -> replyError(Status.KEY_ENOENT);
            case NO_MEMORY -> replyError(Status.ENOMEM);
            case TOO_LARGE -> replyError(Status.E2BIG);
            // memcached says why an add or a replace did not store, in the status
            case NOT_STORED -> replyError(switch (request.command()) {
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
                if (!request.quiet()) {
                    BinaryReplies.number(out(), request, applied.value(), applied.item().cas());
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
    private void stats() {
        String group = request.statGroup();
        if (group.startsWith("detail")) {
            statsDetail(group.substring("detail".length()));
            return;
        }
        Commands.StatsOutcome outcome = group.equals("conns") ? Commands.StatsOutcome.UNKNOWN_GROUP
                : commands.stats(group, statPackets, id());
        switch (outcome) {
            case REPORTED, RESET -> BinaryReplies.stat(out(), request, "", "");
            case UNKNOWN_GROUP -> replyError(Status.KEY_ENOENT);
        }
    }

    /**
     * stats detail: memcached matches the key's start, so "detail onward" turns it on; a dump is
     * one packet, "detailed", holding the text protocol's lines.
     */
    private void statsDetail(String action) {
        if (action.startsWith(" dump")) {
            BinaryReplies.stat(out(), request, "detailed", prefixes.dump());
        } else if (action.startsWith(" on") || action.startsWith(" off")) {
            prefixes.enable(action.startsWith(" on"));
        } else {
            replyError(Status.KEY_ENOENT);
            return;
        }
        BinaryReplies.stat(out(), request, "", "");
    }

    private void statPacket(String name, Object value) {
        BinaryReplies.stat(out(), request, name, String.valueOf(value));
    }

    /** A success: suppressed for a quiet request. */
    private void replyOk(long cas) {
        if (!request.quiet()) {
            BinaryReplies.ok(out(), request, cas);
        }
    }

    /** An error: sent whether the request is quiet or not. */
    private void replyError(Status status) {
        BinaryReplies.error(out(), request, status);
    }
}
