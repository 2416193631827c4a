package org.ratmemcache.protocol.binary;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.core.Cache;
import org.ratmemcache.core.Key;
import org.ratmemcache.core.StoreMode;
import org.ratmemcache.protocol.Parsed;
import org.ratmemcache.protocol.ValueReader;
import org.ratmemcache.protocol.ValueTarget;

/**
 * Parses memcached's binary protocol from a connection's input, one request at a time, exactly
 * as memcached 1.6's {@code proto_bin.c} reads it.
 *
 * <h2>Framing</h2>
 * A request is a 24-byte header, then extras, key and value, whose lengths the header gives. The
 * parser waits for header, extras and key (at most 24 + 255 + 65,535 bytes), checks them, and
 * only then reads a value ({@link ValueReader}): whole in the input, or streamed into the room
 * the connection's {@link ValueTarget} took, or, for a value over the size limit, discarded as it
 * arrives without buffering it.
 *
 * <h2>Checks, in memcached's order</h2>
 * <ol>
 *   <li>A magic byte other than 0x80: close at once.</li>
 *   <li>Key or extras longer than the body: "unknown command", then close.</li>
 *   <li>A key over 250 bytes, or lengths the opcode does not allow: "invalid arguments", then
 *       close.</li>
 *   <li>A value over the item size limit: "too large", its bytes discarded, the connection kept.</li>
 *   <li>An opcode memcached does not serve (SASL included, unless authentication is on): "unknown
 *       command", and the rest of its body discarded (memcached discards extras and key twice,
 *       and so loses the next request: an intended difference).</li>
 * </ol>
 *
 * <p>Not thread-safe: one parser per connection.
 */
public final class BinaryParser {

    public static final int HEADER = 24;
    private static final byte REQUEST_MAGIC = (byte) 0x80;

    private enum State { HEADER, VALUE, SWALLOW }

    /** memcached's MAX_SASL_MECH_LEN. */
    static final int MAX_SASL_MECHANISM = 32;
    /** A SASL PLAIN response holds two names and a password of at most 255 bytes each, and separators. */
    static final int MAX_SASL_DATA = 1024;

    private final long itemSizeMax;
    private final boolean sasl;
    private final BinaryRequest request = new BinaryRequest();
    private State state = State.HEADER;
    /** VALUE and SWALLOW: the body's bytes after the key. */
    private final ValueReader body;

    /** @param itemSizeMax the largest item, measured as {@link Cache#itemSize} does */
    public BinaryParser(long itemSizeMax) {
        this(itemSizeMax, false);
    }

    /** @param sasl whether the SASL opcodes are served (memcached's -S), rather than unknown */
    public BinaryParser(long itemSizeMax, boolean sasl) {
        this(itemSizeMax, sasl, ValueTarget.NONE);
    }

    /** @param values where long values go as they arrive */
    public BinaryParser(long itemSizeMax, boolean sasl, ValueTarget values) {
        this.itemSizeMax = itemSizeMax;
        this.sasl = sasl;
        this.body = new ValueReader(values);
    }

    public BinaryRequest request() {
        return request;
    }

    /** Reads at most one request from {@code in}, consuming exactly the bytes it used. */
    public Parsed parse(ByteBuf in) {
        while (true) {
            switch (state) {
                case HEADER -> {
                    Parsed result = readHeader(in);
                    if (state != State.VALUE) {
                        return result;
                    }
                }
                case VALUE -> {
                    return readValue(in);
                }
                case SWALLOW -> {
                    if (!body.skip(in)) {
                        return Parsed.NEED_MORE;
                    }
                    state = State.HEADER;
                }
            }
        }
    }

    private Parsed readHeader(ByteBuf in) {
        if (in.readableBytes() < HEADER) {
            return Parsed.NEED_MORE;
        }
        int at = in.readerIndex();
        if (in.getByte(at) != REQUEST_MAGIC) {
            return Parsed.CLOSE;
        }
        int keyLength = in.getUnsignedShort(at + 2);
        int extrasLength = in.getUnsignedByte(at + 4);
        if (in.readableBytes() < HEADER + extrasLength + keyLength) {
            return Parsed.NEED_MORE;
        }
        BinaryRequest r = request;
        r.reset();
        r.opcode = in.getByte(at + 1);
        r.command = Opcode.loud(r.opcode);
        r.quiet = r.command != r.opcode;
        r.keyLength = keyLength;
        long bodyLength = in.getUnsignedInt(at + 8);
        r.opaque = in.getInt(at + 12);
        r.cas = in.getLong(at + 16);
        readExtras(in, at + HEADER, extrasLength, r);
        if (keyLength <= Key.MAX_LENGTH) {
            in.getBytes(at + HEADER + extrasLength, r.keyBytes, 0, keyLength);
        }
        in.skipBytes(HEADER + extrasLength + keyLength);
        check(r, extrasLength, keyLength, bodyLength);
        return Parsed.REQUEST;
    }

    /** dispatch_bin_command: the checks, then how many bytes follow and what becomes of them. */
    private void check(BinaryRequest r, int extras, int key, long body) {
        if (key > body || key + extras > body) {
            fail(r, Status.UNKNOWN_COMMAND, true, 0);
            return;
        }
        if (key > Key.MAX_LENGTH) {
            fail(r, Status.EINVAL, true, 0);
            return;
        }
        boolean valid = switch (r.command) {
            case Opcode.VERSION, Opcode.NOOP, Opcode.QUIT, Opcode.SASL_LIST_MECHS -> extras == 0 && key == 0 && body == 0;
            case Opcode.FLUSH -> key == 0 && body == extras && (extras == 0 || extras == 4);
            case Opcode.SET, Opcode.ADD, Opcode.REPLACE -> extras == 8 && key != 0 && body >= key + 8;
            case Opcode.GET, Opcode.GETK, Opcode.DELETE -> extras == 0 && key > 0 && body == key;
            case Opcode.INCREMENT, Opcode.DECREMENT -> key > 0 && extras == 20 && body == key + extras;
            case Opcode.APPEND, Opcode.PREPEND -> key > 0 && extras == 0;
            case Opcode.STAT -> extras == 0;
            case Opcode.SASL_AUTH, Opcode.SASL_STEP -> extras == 0 && key != 0;
            case Opcode.TOUCH, Opcode.GAT, Opcode.GATK -> extras == 4 && key != 0;
            case Opcode.VERBOSITY -> extras == 4 && key == 0 && body == 4;
            default -> {
                // the rest of the body the header declares: memcached discards a whole body's worth
                // after the extras and key it has read, so it swallows the start of the next request
                fail(r, Status.UNKNOWN_COMMAND, false, body - extras - key);
                yield true;
            }
        };
        if (!valid) {
            fail(r, Status.EINVAL, true, 0);
            return;
        }
        switch (r.command) {
            case Opcode.SET, Opcode.ADD, Opcode.REPLACE -> value(r, body - key - extras, r.flags, switch (r.command) {
                case Opcode.SET -> StoreMode.SET;
                case Opcode.ADD -> StoreMode.ADD;
                default -> StoreMode.REPLACE;
            });
            case Opcode.APPEND -> value(r, body - key, 0, StoreMode.APPEND);
            case Opcode.PREPEND -> value(r, body - key, 0, StoreMode.PREPEND);
            case Opcode.SASL_LIST_MECHS, Opcode.SASL_AUTH, Opcode.SASL_STEP -> {
                if (!sasl) {
                    fail(r, Status.UNKNOWN_COMMAND, false, body - key);
                } else if (r.command != Opcode.SASL_LIST_MECHS) {
                    saslData(r, key, body - key);
                }
            }
            case Opcode.STAT -> r.statGroup = new String(r.keyBytes, 0, key, StandardCharsets.ISO_8859_1);
            default -> {
                // the request is complete
            }
        }
    }

    /** SASL Auth and Step: the mechanism is the key, the client's response the value, both bounded. */
    private void saslData(BinaryRequest r, int mechanism, long length) {
        if (mechanism > MAX_SASL_MECHANISM || length > MAX_SASL_DATA) {
            fail(r, Status.EINVAL, false, length);
            return;
        }
        body.keep((int) length);
        state = State.VALUE;
    }

    /** A value follows: read it, or, over the size limit, discard it. */
    private void value(BinaryRequest r, long length, int flags, StoreMode mode) {
        if (Cache.itemSize(r.keyLength, flags, length) > itemSizeMax) {
            r.refusedStore = mode;
            fail(r, Status.E2BIG, false, length);
            return;
        }
        body.keep((int) length);
        state = State.VALUE;
    }

    private Parsed readValue(ByteBuf in) {
        if (!body.read(in)) {
            return Parsed.NEED_MORE;
        }
        if (body.streamed()) {
            request.value.streamed(body.length());
        } else {
            request.value.whole(in, in.readerIndex(), body.length());
            in.skipBytes(body.length());
        }
        state = State.HEADER;
        return Parsed.REQUEST;
    }

    /** Gives up a value being streamed: the connection closes. */
    public void abandon() {
        if (state == State.VALUE) {
            body.abandon();
        }
    }

    private void fail(BinaryRequest r, Status status, boolean close, long discard) {
        r.error = status;
        r.closeAfterReply = close;
        if (discard > 0) {
            body.discard(discard);
            state = State.SWALLOW;
        }
    }

    private static void readExtras(ByteBuf in, int at, int length, BinaryRequest r) {
        switch (r.command) {
            case Opcode.SET, Opcode.ADD, Opcode.REPLACE -> {
                if (length == 8) {
                    r.flags = in.getInt(at);
                    r.expiration = in.getUnsignedInt(at + 4);
                }
            }
            case Opcode.INCREMENT, Opcode.DECREMENT -> {
                if (length == 20) {
                    r.delta = in.getLong(at);
                    r.initial = in.getLong(at + 8);
                    r.expiration = in.getUnsignedInt(at + 16);
                }
            }
            case Opcode.TOUCH, Opcode.GAT, Opcode.GATK, Opcode.FLUSH, Opcode.VERBOSITY -> {
                if (length == 4) {
                    r.expiration = in.getUnsignedInt(at);
                    r.hasExpiration = true;
                }
            }
            default -> {
                // no extras read
            }
        }
    }
}
