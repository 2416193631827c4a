package org.ratmemcache.admin;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.ratmemcache.core.Key;

/**
 * Keys are bytes; in URLs and JSON they travel as text when every byte is printable ASCII (as
 * every text-protocol key is), and as URL-safe base64 otherwise. A request says which it sends with
 * {@code ?encoding=base64}; a reply says which it sends in each key's {@code encoding}.
 */
final class KeyCodec {

    static final String TEXT = "text";
    static final String BASE64 = "base64";
    static final int MAX_KEY_LENGTH = 250;

    private KeyCodec() {
    }

    /** A key as given in a request, refused (400) when it cannot be one. */
    static byte[] decode(String key, String encoding) {
        byte[] bytes = switch (encoding == null ? TEXT : encoding) {
            case TEXT -> key.getBytes(StandardCharsets.UTF_8);
            case BASE64 -> {
                try {
                    yield Base64.getUrlDecoder().decode(key.replace('+', '-').replace('/', '_'));
                } catch (IllegalArgumentException e) {
                    throw ProblemException.badRequest("'" + key + "' is not base64: " + e.getMessage());
                }
            }
            default -> throw ProblemException.badRequest("encoding must be text or base64, not '" + encoding + "'");
        };
        if (bytes.length > MAX_KEY_LENGTH) {
            throw ProblemException.badRequest("a key is at most " + MAX_KEY_LENGTH + " bytes; this one has " + bytes.length);
        }
        return bytes;
    }

    /** How {@code key} is best written: text when printable, else base64. */
    static String encodingOf(Key key) {
        byte[] bytes = key.toBytes();
        for (byte b : bytes) {
            if (b < 0x21 || b > 0x7e) {
                return BASE64;
            }
        }
        return TEXT;
    }

    static String encode(Key key, String encoding) {
        return encoding.equals(TEXT) ? new String(key.toBytes(), StandardCharsets.US_ASCII)
                : Base64.getUrlEncoder().withoutPadding().encodeToString(key.toBytes());
    }
}
