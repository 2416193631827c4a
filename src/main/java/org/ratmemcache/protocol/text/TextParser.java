package org.ratmemcache.protocol.text;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Cache;
import org.ratmemcache.core.Decimal;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.protocol.Parsed;
import org.ratmemcache.protocol.ValueReader;
import org.ratmemcache.protocol.ValueTarget;

/**
 * Parses memcached's text protocol from a connection's input, one request at a time, exactly as
 * memcached 1.6's {@code proto_text.c} reads it.
 *
 * <h2>Framing</h2>
 * A state machine over the connection's cumulated input, so a request may be split at any byte:
 * <ul>
 *   <li>LINE: a command line ends at LF; a CR before it is dropped, and a NUL cuts the line short
 *       (memcached reads it as a C string). A line that reaches {@value #MAX_LINE} bytes with no LF
 *       closes the connection, except a retrieval ({@code get}, {@code gets}, {@code gat},
 *       {@code gats}), which may grow to {@value #MAX_RETRIEVAL_LINE} bytes so that large
 *       multi-gets work, but no further.</li>
 *   <li>DATA: a storage command's data block ({@link ValueReader}): left in the input until it
 *       is whole, or, when the connection's {@link ValueTarget} takes it, copied into the room
 *       taken for it as it arrives; then its CRLF checked.</li>
 *   <li>SWALLOW: the data block of a refused storage command, discarded as it arrives, never
 *       buffered, so that the connection stays in step with the client.</li>
 * </ul>
 *
 * <h2>Tokens and validation</h2>
 * memcached splits the line on spaces only, reads at most 23 tokens for any command but the
 * retrievals, takes {@code noreply} from the last token, and checks arguments in a fixed order
 * (key length, then numbers). Clients see the consequences (which error, whether a data block is
 * swallowed, whether noreply silenced the error), so this class keeps that order. Numbers follow
 * {@link Decimal}'s C rules.
 *
 * <p>Not thread-safe: one parser per connection.
 *
 * <p>Why one file of this length: it is one state machine over one line buffer. The framing, the
 * tokenizer and each command's checks share that buffer and its token spans, and memcached's order
 * of checks, which decides what a client sees, runs across all three; apart, each piece would take
 * the whole parser state as arguments.
 */
public final class TextParser {

    /** memcached closes a connection whose pending line reaches this many bytes without a LF. */
    public static final int MAX_LINE = 2048;
    /** The bound for a retrieval line: about 4,000 keys of 250 bytes. */
    public static final int MAX_RETRIEVAL_LINE = 1 << 20;
    /** memcached's MAX_TOKENS: the terminal token plus at most 23 real ones. */
    private static final int MAX_TOKENS = 24;
    /** memcached looks at most this far past leading spaces for a retrieval command name. */
    private static final int MAX_LEADING_SPACES = 100;

    private enum State { LINE, DATA, SWALLOW }

    private final long itemSizeMax;
    private final TextRequest request = new TextRequest();
    private final Decimal number = new Decimal();
    private State state = State.LINE;
    /** Bytes of the pending line already searched for LF. */
    private int scanned;
    /** DATA and SWALLOW: the data block's bytes. */
    private final ValueReader data;

    /** Grows to the longest line the connection has sent; most lines (get, set, delete) fit 64 bytes. */
    private byte[] line = new byte[64];
    private int[] starts = new int[MAX_TOKENS];
    private int[] ends = new int[MAX_TOKENS];

    /** @param itemSizeMax the largest item, measured as {@link Cache#itemSize} does */
    public TextParser(long itemSizeMax) {
        this(itemSizeMax, ValueTarget.NONE);
    }

    /**
     * @param itemSizeMax the largest item, measured as {@link Cache#itemSize} does
     * @param values      where long values go as they arrive
     */
    public TextParser(long itemSizeMax, ValueTarget values) {
        this.itemSizeMax = itemSizeMax;
        this.data = new ValueReader(values);
    }

    /** The request that the last {@link Parsed#REQUEST} filled in. */
    public TextRequest request() {
        return request;
    }

    /** Reads at most one request from {@code in}, consuming exactly the bytes it used. */
    public Parsed parse(ByteBuf in) {
        while (true) {
            switch (state) {
                case LINE:
                    Parsed status = readLine(in);
                    if (state != State.DATA) {
                        return status;
                    }
                    break; // a storage line: go on to its data block
                case DATA:
                    return readData(in);
                case SWALLOW:
                    if (!data.skip(in)) {
                        return Parsed.NEED_MORE;
                    }
                    state = State.LINE;
                    break;
                default:
                    throw new AssertionError(state);
            }
        }
    }

    private Parsed readLine(ByteBuf in) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        int lf = in.indexOf(start + scanned, start + readable, (byte) '\n');
        if (lf < 0) {
            scanned = readable;
            if (readable > MAX_LINE && (readable > MAX_RETRIEVAL_LINE || !startsRetrieval(in))) {
                return Parsed.CLOSE;
            }
            return Parsed.NEED_MORE;
        }
        scanned = 0;
        int length = lf - start;
        if (length > 1 && in.getByte(lf - 1) == '\r') {
            length--;
        }
        if (line.length < length) {
            line = new byte[Math.max(length, line.length * 2)];
        }
        in.getBytes(start, line, 0, length);
        in.readerIndex(lf + 1);
        request.reset();
        return dispatch(tokenize(length));
    }

    private Parsed readData(ByteBuf in) {
        if (!data.read(in) || in.readableBytes() < (data.streamed() ? 2 : data.length() + 2)) {
            return Parsed.NEED_MORE;
        }
        if (data.streamed()) {
            request.value.streamed(data.length());
        } else {
            request.value.whole(in, in.readerIndex(), data.length());
            in.skipBytes(data.length());
        }
        boolean crlf = in.readByte() == '\r' & in.readByte() == '\n';
        state = State.LINE;
        if (!crlf) {
            data.abandon();
            request.value.clear();
            fail(TextError.BAD_DATA_CHUNK);
        }
        return Parsed.REQUEST;
    }

    /** Gives up a value being streamed: the connection closes. */
    public void abandon() {
        if (state == State.DATA) {
            data.abandon();
        }
    }

    /** memcached's exemption from the line limit: a get or gets after at most 100 spaces. */
    private static boolean startsRetrieval(ByteBuf in) {
        int i = in.readerIndex();
        int end = i + in.readableBytes();
        int spaces = 0;
        while (i < end && in.getByte(i) == ' ') {
            i++;
            spaces++;
        }
        if (spaces > MAX_LEADING_SPACES || end - i < 5 || in.getByte(i) != 'g') {
            return false;
        }
        byte b1 = in.getByte(i + 1);
        byte b2 = in.getByte(i + 2);
        byte b3 = in.getByte(i + 3);
        byte b4 = in.getByte(i + 4);
        boolean getOrGat = (b1 == 'e' || b1 == 'a') && b2 == 't';
        return getOrGat && (b3 == ' ' || (b3 == 's' && b4 == ' '));
    }

    /**
     * Splits the line on spaces, stopping at a NUL, into every token (retrievals read them all);
     * returns memcached's token count: at most 23 real tokens, plus its terminal one.
     */
    private int tokenize(int length) {
        int count = 0;
        int tokenStart = 0;
        int end = length;
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b == 0) {
                end = i;
                break;
            }
            if (b == ' ') {
                if (i > tokenStart) {
                    count = addToken(count, tokenStart, i);
                }
                tokenStart = i + 1;
            }
        }
        if (end > tokenStart) {
            count = addToken(count, tokenStart, end);
        }
        request.line = line;
        request.starts = starts;
        request.ends = ends;
        request.tokenCount = count;
        return Math.min(count, MAX_TOKENS - 1) + 1;
    }

    private int addToken(int count, int start, int end) {
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
        }
        starts[count] = start;
        ends[count] = end;
        return count + 1;
    }

    /** process_command_ascii: choose the command by name and token count. */
    private Parsed dispatch(int ntokens) {
        if (ntokens < 2 || length(0) < 2) {
            return fail(TextError.UNKNOWN_COMMAND);
        }
        if (line[starts[0]] == 'm' && length(0) == 2) {
            return meta(ntokens);
        }
        switch (line[starts[0]]) {
            case 'g':
                if (ntokens < 3) {
                    return fail(TextError.UNKNOWN_COMMAND);
                }
                if (is(0, "get")) {
                    return retrieve(false, false);
                }
                if (is(0, "gets")) {
                    return retrieve(true, false);
                }
                if (is(0, "gat")) {
                    return retrieve(false, true);
                }
                if (is(0, "gats")) {
                    return retrieve(true, true);
                }
                return fail(TextError.UNKNOWN_COMMAND);
            case 's':
                if (is(0, "set")) {
                    return storage(StoreMode.SET, ntokens);
                }
                if (is(0, "stats")) {
                    return command(TextCommand.STATS);
                }
                if (is(0, "slabs")) {
                    // memcached's noreply applies to slabs automove alone
                    if (ntokens >= 4 && is(1, "automove")) {
                        noreplyFromLastToken(ntokens);
                    }
                    return command(TextCommand.ADMIN);
                }
                if (is(0, "shutdown")) {
                    return command(TextCommand.ADMIN);
                }
                return fail(TextError.UNKNOWN_COMMAND);
            case 'a':
                if (is(0, "add")) {
                    return storage(StoreMode.ADD, ntokens);
                }
                if (is(0, "append")) {
                    return storage(StoreMode.APPEND, ntokens);
                }
                return fail(TextError.UNKNOWN_COMMAND);
            case 'c':
                if (is(0, "cas")) {
                    return storage(StoreMode.CAS, ntokens);
                }
                if (is(0, "cache_memlimit") && (ntokens == 3 || ntokens == 4)) {
                    noreplyFromLastToken(ntokens);
                    return command(TextCommand.ADMIN);
                }
                return fail(TextError.UNKNOWN_COMMAND);
            case 'i':
                return is(0, "incr") ? delta(true, ntokens) : fail(TextError.UNKNOWN_COMMAND);
            case 'd':
                if (is(0, "delete")) {
                    return delete(ntokens);
                }
                return is(0, "decr") ? delta(false, ntokens) : fail(TextError.UNKNOWN_COMMAND);
            case 't':
                return is(0, "touch") ? touch(ntokens) : fail(TextError.UNKNOWN_COMMAND);
            default:
                return rareCommand(ntokens);
        }
    }

    private Parsed rareCommand(int ntokens) {
        if (is(0, "replace")) {
            return storage(StoreMode.REPLACE, ntokens);
        }
        if (is(0, "prepend")) {
            return storage(StoreMode.PREPEND, ntokens);
        }
        if (is(0, "bget")) {
            return ntokens < 3 ? fail(TextError.UNKNOWN_COMMAND) : retrieve(false, false);
        }
        if (is(0, "flush_all")) {
            return flushAll(ntokens);
        }
        if (is(0, "version")) {
            return command(TextCommand.VERSION);
        }
        if (is(0, "quit")) {
            return command(TextCommand.QUIT);
        }
        if (is(0, "verbosity")) {
            return verbosity(ntokens);
        }
        if (is(0, "lru_crawler") || is(0, "refresh_certs") || is(0, "watch")) {
            return command(TextCommand.ADMIN);
        }
        // An HTTP request line: memcached hangs up on it.
        int last = ntokens - 2;
        if (length(last) >= 5 && Arrays.equals(line, starts[last], starts[last] + 5, HTTP, 0, 5)) {
            return Parsed.CLOSE;
        }
        return fail(TextError.UNKNOWN_COMMAND);
    }

    private static final byte[] HTTP = {'H', 'T', 'T', 'P', '/'};

    private Parsed retrieve(boolean withCas, boolean touch) {
        request.withCas = withCas;
        request.touch = touch;
        if (touch) {
            if (!number.parseSigned64(line, starts[1], ends[1])) {
                return fail(TextError.INVALID_EXPTIME);
            }
            request.exptime = number.value();
            request.firstKey = 2;
        }
        for (int t = request.firstKey; t < request.tokenCount; t++) {
            if (length(t) > Key.MAX_LENGTH) {
                return fail(TextError.BAD_FORMAT);
            }
        }
        return command(TextCommand.RETRIEVE);
    }

    /** process_update_command. */
    private Parsed storage(StoreMode mode, int ntokens) {
        boolean cas = mode == StoreMode.CAS;
        if (cas && ntokens == 6) {
            return casWithoutUnique();
        }
        if (cas ? ntokens != 7 && ntokens != 8 : ntokens != 6 && ntokens != 7) {
            return fail(TextError.UNKNOWN_COMMAND);
        }
        request.storeMode = mode;
        noreplyFromLastToken(ntokens);
        if (length(1) > Key.MAX_LENGTH) {
            return fail(TextError.BAD_FORMAT);
        }
        if (!number.parseUnsignedFlags(line, starts[2], ends[2])) {
            return fail(TextError.BAD_FORMAT);
        }
        request.flags = (int) number.value();
        if (!number.parseSigned64(line, starts[3], ends[3])) {
            return fail(TextError.BAD_FORMAT);
        }
        request.exptime = number.value();
        if (!number.parseSigned64(line, starts[4], ends[4])) {
            return fail(TextError.BAD_FORMAT);
        }
        long length = number.value();
        if (cas) {
            if (!number.parseUnsigned64(line, starts[5], ends[5])) {
                return fail(TextError.BAD_FORMAT);
            }
            request.cas = number.value();
        }
        if (length < 0 || length > Integer.MAX_VALUE - 2) {
            return fail(TextError.BAD_FORMAT);
        }
        if (Cache.itemSize(length(1), request.flags, length) > itemSizeMax) {
            // Refused before a byte of the value is buffered; its data block is discarded.
            swallow(length + 2);
            return command(TextCommand.STORE_TOO_LARGE);
        }
        return readDataBlock(TextCommand.STORE, length);
    }

    /**
     * {@code cas <key> <flags> <exptime> <bytes>}, its unique left out: memcached 1.6.18 answers
     * ERROR and then reads the data block as a command (a second ERROR, or worse, whatever the
     * data says). As later memcached does, the data block is swallowed and the command refused.
     */
    private Parsed casWithoutUnique() {
        if (number.parseSigned64(line, starts[4], ends[4]) && number.value() >= 0 && number.value() <= Integer.MAX_VALUE - 2) {
            swallow(number.value() + 2);
        }
        return fail(TextError.BAD_FORMAT);
    }

    private Parsed delete(int ntokens) {
        if (ntokens < 3 || ntokens > 5) {
            return fail(TextError.UNKNOWN_COMMAND);
        }
        if (ntokens > 3) {
            boolean holdIsZero = length(2) == 1 && line[starts[2]] == '0';
            boolean noreply = noreplyFromLastToken(ntokens);
            boolean valid = ntokens == 4 ? holdIsZero || noreply : holdIsZero && noreply;
            if (!valid) {
                return fail(TextError.DELETE_USAGE);
            }
        }
        if (length(1) > Key.MAX_LENGTH) {
            return fail(TextError.BAD_FORMAT);
        }
        return command(TextCommand.DELETE);
    }

    private Parsed delta(boolean increment, int ntokens) {
        if (ntokens != 4 && ntokens != 5) {
            return fail(TextError.UNKNOWN_COMMAND);
        }
        request.increment = increment;
        noreplyFromLastToken(ntokens);
        if (length(1) > Key.MAX_LENGTH) {
            return fail(TextError.BAD_FORMAT);
        }
        if (!number.parseUnsigned64(line, starts[2], ends[2])) {
            return fail(TextError.INVALID_DELTA);
        }
        request.delta = number.value();
        return command(TextCommand.DELTA);
    }

    private Parsed touch(int ntokens) {
        if (ntokens != 4 && ntokens != 5) {
            return fail(TextError.UNKNOWN_COMMAND);
        }
        noreplyFromLastToken(ntokens);
        if (length(1) > Key.MAX_LENGTH) {
            return fail(TextError.BAD_FORMAT);
        }
        if (!number.parseSigned64(line, starts[2], ends[2])) {
            return fail(TextError.INVALID_EXPTIME);
        }
        request.exptime = number.value();
        return command(TextCommand.TOUCH);
    }

    private Parsed flushAll(int ntokens) {
        if (ntokens > 4) {
            return fail(TextError.UNKNOWN_COMMAND);
        }
        boolean noreply = noreplyFromLastToken(ntokens);
        if (ntokens != (noreply ? 3 : 2)) {
            if (!number.parseSigned64(line, starts[1], ends[1])) {
                return fail(TextError.INVALID_EXPTIME);
            }
            request.exptime = number.value();
            request.hasDelay = true;
        }
        return command(TextCommand.FLUSH_ALL);
    }

    private Parsed verbosity(int ntokens) {
        if (ntokens != 3 && ntokens != 4) {
            return fail(TextError.UNKNOWN_COMMAND);
        }
        noreplyFromLastToken(ntokens);
        if (!number.parseUnsigned32(line, starts[1], ends[1])) {
            return fail(TextError.BAD_FORMAT);
        }
        request.verbosity = number.value();
        return command(TextCommand.VERBOSITY);
    }

    /** The meta commands, dispatched on their second letter. */
    private Parsed meta(int ntokens) {
        return switch (line[starts[0] + 1]) {
            case 'g' -> metaGet(ntokens);
            case 's' -> metaSet(ntokens);
            case 'd' -> metaDeleteOrArithmetic(TextCommand.META_DELETE, ntokens);
            case 'a' -> metaDeleteOrArithmetic(TextCommand.META_ARITHMETIC, ntokens);
            case 'n' -> command(TextCommand.META_NOOP);
            case 'e' -> metaDebug(ntokens);
            default -> fail(TextError.UNKNOWN_COMMAND);
        };
    }

    /** process_mget_command's checks. */
    private Parsed metaGet(int ntokens) {
        TextError error = metaLine(ntokens, TextError.FLAGS_ARE_TOO_LONG);
        if (error != null) {
            return fail(error);
        }
        error = metaFlags(2, ntokens);
        if (error == null) {
            error = opaqueTooLong(2, ntokens);
        }
        return error != null ? fail(error) : command(TextCommand.META_GET);
    }

    /** process_mset_command's checks; an error after the data length discards the data block. */
    private Parsed metaSet(int ntokens) {
        TextError lineError = metaLine(ntokens, TextError.FLAGS_TOO_LONG);
        if (lineError != null || ntokens == 3) {
            return fail(lineError != null ? lineError : TextError.BAD_FORMAT);
        }
        if (!number.parseSigned64(line, starts[2], ends[2]) || number.value() < 0 || number.value() > Integer.MAX_VALUE - 2) {
            return fail(TextError.BAD_FORMAT);
        }
        long length = number.value();
        MetaFlags flags = request.meta;
        TextError error = metaFlags(3, ntokens);
        if (error == null) {
            error = opaqueTooLong(3, ntokens);
            if (flags.mode != 0 && "EAPRS".indexOf(flags.mode) < 0) {
                error = TextError.INVALID_SET_MODE;
            }
        }
        if (error != null) {
            swallow(length + 2);
            return fail(error);
        }
        if (Cache.itemSize(flags.keyLength(request), flags.clientFlags, length) > itemSizeMax) {
            swallow(length + 2);
            return command(TextCommand.META_SET_TOO_LARGE);
        }
        return readDataBlock(TextCommand.META_SET, length);
    }

    /** process_mdelete_command's and process_marithmetic_command's checks. */
    private Parsed metaDeleteOrArithmetic(TextCommand command, int ntokens) {
        TextError lineError = metaLine(ntokens, TextError.FLAGS_TOO_LONG);
        if (lineError != null) {
            return fail(lineError);
        }
        if (metaFlags(2, ntokens) != null) {
            return fail(TextError.INVALID_OR_DUPLICATE_FLAG);
        }
        char mode = request.meta.mode;
        if (command == TextCommand.META_ARITHMETIC && mode != 0 && "I+D-".indexOf(mode) < 0) {
            return fail(TextError.INVALID_ARITHMETIC_MODE);
        }
        TextError error = opaqueTooLong(2, ntokens);
        return error != null ? fail(error) : command(command);
    }

    /** process_meta_command: me, whose only flag is b. */
    private Parsed metaDebug(int ntokens) {
        if (ntokens < 3 || length(1) > Key.MAX_LENGTH) {
            return fail(TextError.BAD_FORMAT);
        }
        if (ntokens >= 4 && length(2) == 1 && line[starts[2]] == 'b' && request.meta.parse(request, 2, 3, number) != null) {
            return fail(TextError.BAD_FORMAT);
        }
        return command(TextCommand.META_DEBUG);
    }

    /** The checks every meta command with flags starts with, in memcached's order; null if they pass. */
    private TextError metaLine(int ntokens, TextError tooManyTokens) {
        if (ntokens < 3) {
            return TextError.UNKNOWN_COMMAND;
        }
        if (length(1) > Key.MAX_LENGTH) {
            return TextError.BAD_FORMAT;
        }
        return ntokens > MetaFlags.MAX_TOKENS ? tooManyTokens : null;
    }

    private TextError metaFlags(int first, int ntokens) {
        return request.meta.parse(request, first, ntokens - 1, number);
    }

    /** memcached checks an opaque's length only once the flags have been read. */
    private TextError opaqueTooLong(int first, int ntokens) {
        for (int t = first; t < ntokens - 1; t++) {
            if (line[starts[t]] == 'O' && length(t) > MetaFlags.MAX_OPAQUE) {
                return TextError.OPAQUE_TOO_LONG;
            }
        }
        return null;
    }

    private void swallow(long bytes) {
        state = State.SWALLOW;
        data.discard(bytes);
    }

    /** A storage command's data block comes next: read it before the command is complete. */
    private Parsed readDataBlock(TextCommand command, long length) {
        request.command = command;
        data.keep((int) length);
        state = State.DATA;
        return Parsed.NEED_MORE;
    }

    /** set_noreply_maybe: the last token memcached read decides. */
    private boolean noreplyFromLastToken(int ntokens) {
        request.noreply = is(ntokens - 2, "noreply");
        return request.noreply;
    }

    private Parsed command(TextCommand command) {
        request.command = command;
        return Parsed.REQUEST;
    }

    private Parsed fail(TextError error) {
        request.command = TextCommand.INVALID;
        request.error = error;
        return Parsed.REQUEST;
    }

    private int length(int token) {
        return ends[token] - starts[token];
    }

    /** Whether token {@code t} is exactly {@code word} (ASCII). */
    private boolean is(int t, String word) {
        int start = starts[t];
        if (ends[t] - start != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (line[start + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
