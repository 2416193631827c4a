package org.ratmemcache.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Plays binary-protocol transcripts. A step is one or more requests separated by {@code |}; each
 * request is an opcode name (or {@code op=0xNN}) and fields:
 * <ul>
 *   <li>{@code key=}, {@code value=}: bytes, with {@link Transcript#expand}'s escapes;</li>
 *   <li>{@code flags= exp=} (set, add, replace), {@code delta= initial= exp=} (incr, decr),
 *       {@code exp=} (touch, gat, flush), {@code level=} (verbosity): the extras, big-endian;
 *       or {@code extras=} in hex;</li>
 *   <li>{@code cas=} (a number or {@code {cas}}), {@code opaque=};</li>
 *   <li>{@code magic=0xNN keylen= extlen= bodylen=}: override the header, for malformed frames;
 *       {@code raw=}: bytes sent after the frame;</li>
 *   <li>{@code bytes raw=...} instead of a request: just those bytes.</li>
 * </ul>
 * Each step ends with a no-op whose reply marks the end. A response is printed as its status,
 * opcode, opaque, CAS (masked unless 0) and body; a statistic as {@code STAT <name> <value>}
 * with the value masked; the version's body is masked.
 */
final class BinaryTranscriptPlayer extends TranscriptPlayer {

    private static final Map<String, Integer> OPCODES = Map.ofEntries(
            Map.entry("get", 0x00), Map.entry("set", 0x01), Map.entry("add", 0x02), Map.entry("replace", 0x03),
            Map.entry("delete", 0x04), Map.entry("incr", 0x05), Map.entry("decr", 0x06), Map.entry("quit", 0x07),
            Map.entry("flush", 0x08), Map.entry("getq", 0x09), Map.entry("noop", 0x0a), Map.entry("version", 0x0b),
            Map.entry("getk", 0x0c), Map.entry("getkq", 0x0d), Map.entry("append", 0x0e), Map.entry("prepend", 0x0f),
            Map.entry("stat", 0x10), Map.entry("setq", 0x11), Map.entry("addq", 0x12), Map.entry("replaceq", 0x13),
            Map.entry("deleteq", 0x14), Map.entry("incrq", 0x15), Map.entry("decrq", 0x16), Map.entry("quitq", 0x17),
            Map.entry("flushq", 0x18), Map.entry("appendq", 0x19), Map.entry("prependq", 0x1a),
            Map.entry("verbosity", 0x1b), Map.entry("touch", 0x1c), Map.entry("gat", 0x1d), Map.entry("gatq", 0x1e),
            Map.entry("sasl_list_mechs", 0x20), Map.entry("sasl_auth", 0x21), Map.entry("sasl_step", 0x22),
            Map.entry("gatk", 0x23), Map.entry("gatkq", 0x24));
    private static final Map<Integer, String> STATUSES = Map.of(0x00, "OK", 0x01, "KEY_ENOENT", 0x02, "KEY_EEXISTS",
            0x03, "E2BIG", 0x04, "EINVAL", 0x05, "NOT_STORED", 0x06, "DELTA_BADVAL", 0x20, "AUTH_ERROR",
            0x81, "UNKNOWN_COMMAND", 0x82, "ENOMEM");
    private static final int SENTINEL_OPAQUE = 0x5e7171e1;
    private static final int HEADER = 24;

    BinaryTranscriptPlayer(int port) {
        super(port);
    }

    @Override
    protected byte[] encode(String source) {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (String request : source.split(" \\| ")) {
            frames.writeBytes(frame(request.trim()));
        }
        return frames.toByteArray();
    }

    private byte[] frame(String request) {
        String[] tokens = request.split(" +");
        if (tokens[0].equals("bytes")) {
            return Transcript.expand(tokens[1].substring("raw=".length()), lastCas);
        }
        int opcode = tokens[0].startsWith("op=") ? Integer.decode(tokens[0].substring(3)) : OPCODES.get(tokens[0]);
        Fields f = new Fields();
        for (int i = 1; i < tokens.length; i++) {
            int eq = tokens[i].indexOf('=');
            f.put(tokens[i].substring(0, eq), tokens[i].substring(eq + 1));
        }
        byte[] key = f.bytes("key");
        byte[] value = f.bytes("value");
        byte[] extras = f.has("extras") ? HexFormat.of().parseHex(f.get("extras")) : extras(opcode, f);
        ByteBuffer frame = ByteBuffer.allocate(HEADER + extras.length + key.length + value.length);
        frame.put((byte) f.number("magic", 0x80))
                .put((byte) opcode)
                .putShort((short) f.number("keylen", key.length))
                .put((byte) f.number("extlen", extras.length))
                .put((byte) 0)
                .putShort((short) 0)
                .putInt((int) f.number("bodylen", extras.length + key.length + value.length))
                .putInt((int) f.number("opaque", 0))
                .putLong(f.get("cas") == null ? 0 : Long.parseUnsignedLong(f.get("cas").replace("{cas}", lastCas == null ? "0" : lastCas)))
                .put(extras).put(key).put(value);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(frame.array());
        bytes.writeBytes(f.bytes("raw"));
        return bytes.toByteArray();
    }

    /** The extras an opcode takes, from the named fields. */
    private static byte[] extras(int opcode, Fields f) {
        int loud = switch (opcode) {
            case 0x11, 0x12, 0x13 -> opcode - 0x10;
            case 0x15, 0x16 -> opcode - 0x10;
            case 0x18 -> 0x08;
            case 0x1e -> 0x1d;
            case 0x24 -> 0x23;
            default -> opcode;
        };
        return switch (loud) {
            case 0x01, 0x02, 0x03 -> ByteBuffer.allocate(8).putInt((int) f.number("flags", 0)).putInt((int) f.number("exp", 0)).array();
            case 0x05, 0x06 -> ByteBuffer.allocate(20).putLong(f.number("delta", 1)).putLong(f.number("initial", 0))
                    .putInt((int) f.number("exp", 0)).array();
            case 0x1c, 0x1d, 0x23 -> ByteBuffer.allocate(4).putInt((int) f.number("exp", 0)).array();
            case 0x08 -> f.has("exp") ? ByteBuffer.allocate(4).putInt((int) f.number("exp", 0)).array() : new byte[0];
            case 0x1b -> ByteBuffer.allocate(4).putInt((int) f.number("level", 0)).array();
            default -> new byte[0];
        };
    }

    @Override
    protected byte[] sentinel() {
        return frame("noop opaque=" + SENTINEL_OPAQUE);
    }

    @Override
    protected List<String> readUntilSentinel(byte[] request) throws IOException {
        List<String> replies = new ArrayList<>();
        while (true) {
            byte[] header = in.readNBytes(HEADER);
            if (header.length < HEADER) {
                throw new IOException("server closed the connection before the no-op sentinel; got " + replies);
            }
            if (header[1] == 0x0a && ByteBuffer.wrap(header).getInt(12) == SENTINEL_OPAQUE) {
                return replies;
            }
            replies.add(describe(header));
        }
    }

    @Override
    protected List<String> readReply() throws IOException {
        byte[] header = in.readNBytes(HEADER);
        if (header.length == 0) {
            return null;
        }
        if (header.length < HEADER) {
            return List.of("<partial header " + HexFormat.of().formatHex(header) + ">");
        }
        return List.of(describe(header));
    }

    /** One response: its header, then its body read from the stream. */
    private String describe(byte[] header) throws IOException {
        ByteBuffer h = ByteBuffer.wrap(header);
        int magic = h.get(0) & 0xff;
        int opcode = h.get(1) & 0xff;
        int keyLength = h.getShort(2) & 0xffff;
        int extrasLength = h.get(4) & 0xff;
        int status = h.getShort(6) & 0xffff;
        int bodyLength = h.getInt(8);
        int opaque = h.getInt(12);
        long cas = h.getLong(16);
        byte[] body = in.readNBytes(bodyLength);
        if (body.length < bodyLength) {
            return "<truncated body: " + body.length + " of " + bodyLength + ">";
        }
        String op = OPCODES.entrySet().stream().filter(e -> e.getValue() == opcode).map(Map.Entry::getKey)
                .findFirst().orElse(String.format("op=0x%02x", opcode));
        String key = new String(body, extrasLength, Math.min(keyLength, body.length - extrasLength), StandardCharsets.ISO_8859_1);
        String value = new String(body, Math.min(extrasLength + keyLength, body.length),
                Math.max(body.length - extrasLength - keyLength, 0), StandardCharsets.ISO_8859_1);
        if (opcode == 0x10 && status == 0 && keyLength > 0) {
            return "STAT " + key + " <value>";
        }
        if (cas != 0) {
            lastCas = Long.toUnsignedString(cas);
        }
        StringBuilder line = new StringBuilder();
        if (magic != 0x81) {
            line.append(String.format("magic=0x%02x ", magic));
        }
        line.append(STATUSES.getOrDefault(status, String.format("status=0x%04x", status))).append(' ').append(op)
                .append(" opaque=").append(opaque).append(" cas=").append(cas == 0 ? "0" : "<cas>");
        if (extrasLength > 0) {
            line.append(" extras=").append(HexFormat.of().formatHex(body, 0, Math.min(extrasLength, body.length)));
        }
        if (keyLength > 0) {
            line.append(" key=").append(escape(key));
        }
        if (opcode == 0x0b && status == 0) {
            value = "<version>";
        }
        if (!value.isEmpty()) {
            line.append(" value=").append(escape(value));
        }
        return line.toString();
    }

    /** A request's named fields. */
    private static final class Fields {
        private final java.util.HashMap<String, String> values = new java.util.HashMap<>();

        void put(String name, String value) {
            values.put(name, value);
        }

        boolean has(String name) {
            return values.containsKey(name);
        }

        String get(String name) {
            return values.get(name);
        }

        long number(String name, long otherwise) {
            String value = values.get(name);
            if (value == null) {
                return otherwise;
            }
            if (value.startsWith("0x")) {
                return Long.parseUnsignedLong(value.substring(2), 16);
            }
            return value.startsWith("-") ? Long.parseLong(value) : Long.parseUnsignedLong(value);
        }

        byte[] bytes(String name) {
            String value = values.get(name);
            return value == null ? new byte[0] : Transcript.expand(value, null);
        }
    }
}
