package org.ratmemcache.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;

import org.jboss.logging.Logger;
import org.ratmemcache.core.Arithmetic;
import org.ratmemcache.core.Cache;
import org.ratmemcache.core.DeleteResult;
import org.ratmemcache.core.DeltaResult;
import org.ratmemcache.core.Item;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.Lookup;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.core.StoreResult;
import org.ratmemcache.protocol.ItemBytes;
import org.ratmemcache.protocol.Parsed;
import org.ratmemcache.protocol.text.TextCommand;
import org.ratmemcache.protocol.text.TextError;
import org.ratmemcache.protocol.text.TextParser;
import org.ratmemcache.protocol.text.TextReplies;
import org.ratmemcache.protocol.text.TextRequest;

/**
 * memcached's text protocol on one connection: {@link TextParser} decodes a request,
 * {@link Commands} executes it, and the replies are encoded here (the meta commands' in
 * {@link MetaCommands}). See {@link ConnectionHandler} for the order of things.
 */
final class TextConnectionHandler extends ConnectionHandler {

    private static final Logger LOG = Logger.getLogger(TextConnectionHandler.class);

    private final Commands commands;
    private final TextParser parser;
    private final TextRequest request;
    private final TextReplies replies = new TextReplies();
    private final ServerStats serverStats;
    private final PrefixStats prefixes;
    /** Made on the connection's first meta command: most connections never send one (~200 B each). */
    private MetaCommands meta;
    /** Made on the connection's first admin command. */
    private AdminCommands admin;
    /** An lru_crawler dump in progress, or null. */
    private ItemDump dump;
    /** memcached's -Y: the users who may connect, or null when anyone may; and this connection's standing. */
    private final Credentials users;
    private final Authentication authentication;
    private boolean authenticated;
    private int failedAttempts;
    private final Watchers watchers;
    /** The connection became a watcher: its input is ignored from now on. */
    private boolean watching;
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
    /** The room a store's value goes into, in item memory. */
    private final ValueRoom room;

    /** A retrieval in progress: the next key to look up, or -1; and gat's expiry for every key. */
    private int retrievalNextKey = -1;
    private long retrievalExpiresAt;

    TextConnectionHandler(long id, Commands commands, ServerStats serverStats) {
        super(id, commands, serverStats, CommandLatency.Protocol.TEXT);
        this.commands = commands;
        this.serverStats = serverStats;
        this.authentication = commands.authentication();
        this.users = authentication.ascii().orElse(null);
        this.watchers = commands.watchers();
        this.room = new ValueRoom(commands, new AnnouncedStore());
        this.parser = new TextParser(commands.itemSizeMax(), room);
        this.request = parser.request();
        this.prefixes = commands.prefixes();
    }

    /** The store whose line was just parsed, text or meta, as the room for its value is taken. */
    private final class AnnouncedStore implements ValueRoom.Announced {

        @Override
        public boolean storesValue() {
            return (users == null || authenticated)
                    && (request.command() == TextCommand.STORE || request.command() == TextCommand.META_SET);
        }

        @Override
        public Key key() {
            return request.key();
        }

        @Override
        public int flags() {
            return request.command() == TextCommand.META_SET ? request.meta().clientFlags() : request.flags();
        }

        @Override
        public long expiresAt() {
            return request.command() == TextCommand.META_SET ? meta().setExpiresAt() : commands.expiresAt(request.exptime());
        }

        @Override
        public long newCas() {
            return request.command() == TextCommand.META_SET ? request.meta().newCas() : Cache.NEXT_CAS;
        }
    }

    private AdminCommands admin() {
        if (admin == null) {
            admin = new AdminCommands(request, this, commands, serverStats);
        }
        return admin;
    }

    /** Starts an lru_crawler dump; it runs ahead of the connection's later requests until it ends. */
    void startDump(ItemDump started) {
        dump = started;
        proceedWithDump();
    }

    private void proceedWithDump() {
        if (dump.proceed()) {
            dump = null;
        }
    }

    private MetaCommands meta() {
        if (meta == null) {
            meta = new MetaCommands(request, this, commands, room);
        }
        return meta;
    }

    /** A retrieval that stopped part-way (for the disk, or a slow client) continues first. */
    @Override
    protected Step step() {
        if (retrievalNextKey >= 0) {
            retrieve();
            return Step.PROGRESS;
        }
        if (dump != null) {
            proceedWithDump();
            return Step.PROGRESS;
        }
        return super.step();
    }

    @Override
    protected void abandonValue() {
        parser.abandon();
    }

    @Override
    protected Parsed parse(ByteBuf input) {
        if (watching) {
            input.skipBytes(input.readableBytes()); // a watcher only listens, as in memcached
            return Parsed.NEED_MORE;
        }
        return parser.parse(input);
    }

    /**
     * watch: this connection receives the log streams asked for from now on. Registered before its
     * OK goes out, so that nothing after the OK is missed; a line from another thread is written by
     * a task on this event loop, so it cannot overtake the OK sent here.
     */
    void startWatching(int streams) {
        watching = true;
        watchers.add(channel(), streams);
        sendNow();
    }

    @Override
    protected void replyFailure(Throwable failure) {
        // A retrieval treats a key it could not read as a miss and goes on; a dump ends.
        if (dump != null) {
            dump = null;
            out().writeBytes(TextError.STORAGE_FAILURE.line());
        } else if (retrievalNextKey < 0) {
            reply(TextError.STORAGE_FAILURE.line());
        }
    }

    @Override
    protected void execute() {
        commandStarts();
        if (users != null && !authenticated) {
            authenticate();
            return;
        }
        switch (request.command()) {
            case RETRIEVE -> {
                retrievalNextKey = 0;
                retrievalExpiresAt = request.touch() ? commands.expiresAt(request.exptime()) : 0;
                retrieve();
            }
            case STORE -> {
                if (prefixes.enabled()) {
                    prefixes.recordSet(request.key());
                }
                answerChange(room.store(request.storeMode(), request.key(), request.flags(),
                    commands.expiresAt(request.exptime()), request.value(), request.cas(), Cache.NEXT_CAS, Cache.NO_ITEM_WANTED), replyStored);
            }
            case STORE_TOO_LARGE -> {
                if (prefixes.enabled()) {
                    prefixes.recordSet(request.key());
                }
                answerChange(commands.storeTooLarge(request.storeMode(), request.key()), replyTooLarge);
            }
            case DELETE -> {
                if (prefixes.enabled()) {
                    prefixes.recordDelete(request.key());
                }
                answerChange(commands.delete(request.key(), 0), replyDeleted);
            }
            case DELTA -> answerChange(commands.delta(request.key(), request.increment()
                    ? Arithmetic.Direction.INCR : Arithmetic.Direction.DECR, request.delta()), replyDelta);
            case TOUCH -> answerChange(commands.touch(request.key(), commands.expiresAt(request.exptime())), replyTouched);
            case FLUSH_ALL -> {
                if (commands.policy().flush()) {
                    answer(commands.flushAll(request.exptime()), replyOk);
                } else {
                    reply(TextError.FLUSH_DISABLED.line()); // memcached's -F
                }
            }
            case VERSION -> TextReplies.version(out(), commands.version());
            case VERBOSITY -> {
                commands.verbosity(request.verbosity());
                reply(TextReplies.OK);
            }
            case QUIT -> closeAfterReplies();
            case STATS -> stats();
            case META_GET -> meta().get();
            case META_SET -> meta().set();
            case META_SET_TOO_LARGE -> meta().setTooLarge();
            case META_DELETE -> meta().delete();
            case META_ARITHMETIC -> meta().arithmetic();
            case META_DEBUG -> meta().debug();
            case META_NOOP -> meta().noop();
            case ADMIN -> admin().execute();
            case INVALID -> reply(request.error().line());
        }
    }

    /**
     * memcached's -Y: until a {@code set <any key> <flags> <exptime> <length>} carries
     * {@code user password} as its data, every command is answered
     * {@code CLIENT_ERROR unauthenticated}. The set stores nothing, and its reply is sent even
     * with noreply, as memcached sends it. Beyond memcached, too many failures close the connection.
     */
    private void authenticate() {
        boolean set = request.storeMode() == StoreMode.SET;
        if (request.command() == TextCommand.STORE && set) {
            serverStats.authCommands.increment();
            byte[] token = request.value().toArray();
            int space = indexOf(token, (byte) ' ');
            if (space <= 0 || space == token.length - 1) {
                failedAuthentication(TextError.BAD_AUTH_TOKEN);
            } else if (users.verify(Arrays.copyOf(token, space), Arrays.copyOfRange(token, space + 1, token.length))) {
                authenticated = true;
                out().writeBytes(TextReplies.STORED);
            } else {
                failedAuthentication(TextError.AUTH_FAILURE);
            }
        } else if (request.command() == TextCommand.STORE_TOO_LARGE && set) {
            serverStats.authCommands.increment();
            failedAuthentication(TextError.AUTH_FAILURE);
        } else {
            out().writeBytes(TextError.UNAUTHENTICATED.line());
        }
    }

    private void failedAuthentication(TextError reply) {
        serverStats.authErrors.increment();
        out().writeBytes(reply.line());
        if (authentication.closesAfter(++failedAttempts)) {
            LOG.debugf("connection %d failed to authenticate %d times, closing", id(), failedAttempts);
            closeAfterReplies();
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * get, gets, gat, gats: one VALUE per hit, then END. Resumable: it stops after a key when the
     * disk must be read or the client falls behind, and the next {@link #step} continues.
     */
    private void retrieve() {
        int keys = request.keyCount();
        while (retrievalNextKey < keys) {
            Key key = request.key(retrievalNextKey++);
            boolean answered = request.touch() ? answer(commands.getAndTouch(key, retrievalExpiresAt), retrieved)
                    : switch (commands.get(key)) {
                        case Item item -> {
                            writeItem(item);
                            yield true;
                        }
                        case Lookup.Miss miss -> {
                            writeItem(null);
                            yield true;
                        }
                        case Lookup.Pending pending -> answer(pending.item(), retrieved);
                    };
            if (!answered || retrievalNextKey < keys && !mayContinue()) {
                return;
            }
        }
        retrievalNextKey = -1;
        out().writeBytes(TextReplies.END);
    }

    /** One key's answer in a retrieval, null for a miss. */
    private void writeItem(Item item) {
        if (prefixes.enabled()) {
            prefixes.recordGet(request.key(retrievalNextKey - 1), item != null);
        }
        if (watchers.watching(Watchers.Stream.FETCHERS)) {
            watchers.fetched(request.key(retrievalNextKey - 1), item, id());
        }
        if (item == null) {
            return;
        }
        ByteBuf out = out();
        replies.valueHeader(out, request.key(retrievalNextKey - 1), item, request.withCas());
        ItemBytes.writeValue(out, item);
        out.writeBytes(TextReplies.CRLF);
    }

    /** stats [group]: the group's lines and END; RESET for reset; ERROR for an unknown group. */
    private void stats() {
        String group = request.argumentCount() == 0 ? "" : request.argument(0);
        if (group.equals("detail")) {
            statsDetail();
            return;
        }
        if (group.equals("cachedump")) {
            AdminCommands.cachedump(request, out(), commands, commands.clock().millis());
            return;
        }
        out().writeBytes(switch (commands.stats(group, statLines, id())) {
            case REPORTED -> TextReplies.END;
            case RESET -> TextReplies.RESET;
            case UNKNOWN_GROUP -> TextError.UNKNOWN_COMMAND.line();
        });
    }

    /** stats detail on|off|dump: the word after "detail" decides; more tokens are ignored. */
    private void statsDetail() {
        String action = request.argumentCount() < 2 ? "" : request.argument(1);
        switch (action) {
            case "on", "off" -> {
                prefixes.enable(action.equals("on"));
                out().writeBytes(TextReplies.OK);
            }
            case "dump" -> out().writeCharSequence(prefixes.dump(), StandardCharsets.ISO_8859_1);
            default -> out().writeBytes(TextError.DETAIL_USAGE.line());
        }
    }

    private void statLine(String name, Object value) {
        TextReplies.stat(out(), name, value);
    }

    private void replyStored(StoreResult result) {
        if (watchers.watching(Watchers.Stream.MUTATIONS)) {
            watchers.stored(request.key(), Watchers.command(request.storeMode()), Watchers.status(result),
                    commands.expiresAt(request.exptime()), request.value().length(), id());
        }
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
                if (!request.noreply()) {
                    replies.number(out(), applied.value());
                }
            }
            case DeltaResult.NotFound notFound -> reply(TextReplies.NOT_FOUND);
            case DeltaResult.NonNumeric nonNumeric -> reply(TextError.NON_NUMERIC.line());
            case DeltaResult.CasMismatch mismatch -> reply(TextReplies.EXISTS); // text incr has no CAS
        }
    }

    private void reply(byte[] line) {
        if (!request.noreply()) {
            out().writeBytes(line);
        }
    }
}
