package org.ratmemcache.protocol.text;

import java.util.Arrays;
import java.util.Base64;

import org.ratmemcache.core.Cache;
import org.ratmemcache.core.Decimal;
import org.ratmemcache.core.Key;

/**
 * The flags of one meta command (mg, ms, md, ma), read as memcached 1.6.18's
 * {@code _meta_flag_preparse} reads them: every flag is a single character, some with a token
 * after it; a flag given twice, or one memcached does not know, fails the command at once;
 * a bad token fails it too, but only after the other flags have been read, with the last error
 * found. The flags that only shape the reply (k, c, f, h, l, O, s, t) are read from the request's
 * tokens again, in order, when the reply is written.
 *
 * <p>Two flags are from the memcached of today (1.6.4x), which 1.6.18 refuses as invalid:
 * {@code E<cas>}, the CAS the changed or created item gets, and md's {@code x}, which empties
 * the value but keeps the item. As in memcached, every command reads every flag it knows, and
 * those it has no use for change nothing (mg's {@code C}, for one). {@code E0} asks for no
 * particular CAS, since 0 is "no CAS" in every protocol: the item gets the cache's next.
 */
public final class MetaFlags {

    /** memcached refuses a meta command with more tokens than this (the terminal one counted). */
    static final int MAX_TOKENS = 20;
    /** An opaque token, 'O' included, may be this long. */
    static final int MAX_OPAQUE = 32;

    boolean base64;
    boolean noBump;
    boolean quiet;
    boolean value;
    boolean invalidate;
    /** x: md empties the value instead of removing the item. */
    boolean dropValue;
    boolean hasCas;
    boolean hasTouch;
    boolean hasVivify;
    boolean hasRecache;
    /** The mode switch (M), or 0. */
    char mode;
    /** T, N and R's times, as memcached exptimes (seconds, relative or absolute). */
    long touchExptime;
    long vivifyExptime;
    long recacheExptime;
    /** T came before R: the recache check sees the new expiry. */
    boolean touchBeforeRecache;
    /** N came after T: a vivified item gets N's expiry, else T's. */
    boolean vivifyAfterTouch;
    int clientFlags;
    long cas;
    /** E's CAS, or {@link Cache#NEXT_CAS}. */
    long newCas;
    long delta;
    long initial;
    /** The last error {@link #parse} found, while it reads on. */
    private TextError error;
    /** The decoded key, with {@link #base64}. */
    private byte[] decodedKey;
    private int decodedLength;

    void reset() {
        base64 = false;
        noBump = false;
        quiet = false;
        value = false;
        invalidate = false;
        dropValue = false;
        hasCas = false;
        hasTouch = false;
        hasVivify = false;
        hasRecache = false;
        mode = 0;
        touchExptime = 0;
        vivifyExptime = 0;
        recacheExptime = 0;
        touchBeforeRecache = false;
        vivifyAfterTouch = false;
        clientFlags = 0;
        cas = 0;
        newCas = Cache.NEXT_CAS;
        delta = 1;
        initial = 0;
        decodedLength = 0;
    }

    /**
     * Reads the flags in tokens {@code first} to {@code count - 1} of {@code request}; returns the
     * error to answer with, or null.
     */
    TextError parse(TextRequest request, int first, int count, Decimal number) {
        byte[] line = request.line;
        long seenLow = 0;
        long seenHigh = 0;
        error = null;
        for (int t = first; t < count; t++) {
            int start = request.starts[t];
            int end = request.ends[t];
            int flag = line[start] & 0xff;
            long bit = 1L << (flag & 63);
            if (flag >= 127 || ((flag < 64 ? seenLow : seenHigh) & bit) != 0) {
                return TextError.DUPLICATE_FLAG;
            }
            if (flag < 64) {
                seenLow |= bit;
            } else {
                seenHigh |= bit;
            }
            int arg = start + 1;
            switch (flag) {
                case 'b' -> {
                    base64 = true;
                    if (!decodeKey(line, request.starts[1], request.ends[1])) {
                        error = TextError.KEY_DECODING;
                    }
                }
                case 'N' -> {
                    hasVivify = true;
                    vivifyAfterTouch = hasTouch;
                    vivifyExptime = exptime(line, arg, end, number);
                }
                case 'T' -> {
                    hasTouch = true;
                    touchBeforeRecache = !hasRecache;
                    touchExptime = exptime(line, arg, end, number);
                }
                case 'R' -> {
                    hasRecache = true;
                    recacheExptime = exptime(line, arg, end, number);
                }
                case 'v' -> value = true;
                case 'u' -> noBump = true;
                case 'q' -> quiet = true;
                case 'I' -> invalidate = true;
                case 'x' -> dropValue = true;
                case 'E' -> newCas = unsigned64(line, arg, end, number, TextError.BAD_TOKEN);
                case 'F' -> {
                    if (number.parseUnsignedFlags(line, arg, end)) {
                        clientFlags = (int) number.value();
                    } else if (error == null) {
                        error = TextError.BAD_FORMAT; // memcached leaves the message as it was
                    }
                }
                case 'C' -> {
                    hasCas = true;
                    cas = unsigned64(line, arg, end, number, TextError.BAD_TOKEN);
                }
                case 'M' -> {
                    if (end - start == 2) {
                        mode = (char) line[arg];
                    } else {
                        error = TextError.MODE_TOKEN_LENGTH;
                    }
                }
                case 'J' -> initial = unsigned64(line, arg, end, number, TextError.INVALID_INITIAL);
                case 'D' -> delta = unsigned64(line, arg, end, number, TextError.INVALID_DELTA_VALUE);
                case 'O', 'P', 'L', 'k', 's', 't', 'c', 'f', 'h', 'l' -> {
                    // reply flags, or a proxy's hints: read again when replying
                }
                default -> {
                    return TextError.INVALID_FLAG;
                }
            }
        }
        return error;
    }

    /** A T, N or R time, kept whole (not wrapped as memcached's); a bad one is remembered as the error, and reading goes on. */
    private long exptime(byte[] line, int from, int to, Decimal number) {
        if (number.parseSigned64(line, from, to)) {
            return number.value();
        }
        error = TextError.BAD_TOKEN;
        return 0;
    }

    private long unsigned64(byte[] line, int from, int to, Decimal number, TextError ifBad) {
        if (number.parseUnsigned64(line, from, to)) {
            return number.value();
        }
        error = ifBad;
        return 0;
    }

    /**
     * memcached's base64 decoder: characters outside the alphabet are skipped, the rest must come
     * in groups of four, and padding ends the data.
     */
    private boolean decodeKey(byte[] line, int start, int end) {
        int count = 0;
        for (int i = start; i < end; i++) {
            if (isBase64(line[i])) {
                count++;
            }
        }
        if (count == 0 || count % 4 != 0) {
            return false;
        }
        byte[] alphabet = new byte[count];
        int n = 0;
        for (int i = start; i < end; i++) {
            if (isBase64(line[i])) {
                alphabet[n++] = line[i];
                if (line[i] == '=' && n % 4 == 0) {
                    break;
                }
            }
        }
        try {
            decodedKey = Base64.getDecoder().decode(Arrays.copyOf(alphabet, n - n % 4));
        } catch (IllegalArgumentException e) {
            return false;
        }
        decodedLength = decodedKey.length;
        return decodedLength > 0;
    }

    private static boolean isBase64(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+' || b == '/'
                || b == '=';
    }

    /** The key, decoded if it was sent in base64, as a lookup key; {@code key} is reused. */
    Key key(Key key, TextRequest request) {
        return base64 ? key.set(decodedKey, 0, decodedLength)
                : key.set(request.line, request.starts[1], request.ends[1] - request.starts[1]);
    }

    /** The length of the key as stored: decoded, if it was sent in base64. */
    int keyLength(TextRequest request) {
        return base64 ? decodedLength : request.ends[1] - request.starts[1];
    }

    public boolean base64() {
        return base64;
    }

    /** u: leave the item's place in the eviction order and its read history alone. */
    public boolean noBump() {
        return noBump;
    }

    /** q: no reply for the nominal outcome (a hit's HD, a miss's EN); errors are still sent. */
    public boolean quiet() {
        return quiet;
    }

    /** v: reply with the value. */
    public boolean value() {
        return value;
    }

    /** I: invalidate (md), or store as stale with an older CAS (ms). */
    public boolean invalidate() {
        return invalidate;
    }

    /** x: empty the value, keep the item (md). */
    public boolean dropValue() {
        return dropValue;
    }

    /** E: the CAS the changed or created item gets, or {@link Cache#NEXT_CAS}. */
    public long newCas() {
        return newCas;
    }

    public boolean hasCas() {
        return hasCas;
    }

    public long cas() {
        return cas;
    }

    public boolean hasTouch() {
        return hasTouch;
    }

    public long touchExptime() {
        return touchExptime;
    }

    public boolean hasVivify() {
        return hasVivify;
    }

    public long vivifyExptime() {
        return vivifyExptime;
    }

    public boolean hasRecache() {
        return hasRecache;
    }

    public long recacheExptime() {
        return recacheExptime;
    }

    public boolean touchBeforeRecache() {
        return touchBeforeRecache;
    }

    public boolean vivifyAfterTouch() {
        return vivifyAfterTouch;
    }

    public char mode() {
        return mode;
    }

    public int clientFlags() {
        return clientFlags;
    }

    public long delta() {
        return delta;
    }

    public long initial() {
        return initial;
    }
}
