package org.ratmemcache.server.resp;

import java.nio.charset.StandardCharsets;

/**
 * Redis's glob-style patterns ({@code stringmatchlen}), matched byte for byte as Redis 7.0 does:
 * {@code *}, {@code ?}, {@code [...]} with ranges and {@code ^}, {@code \} escaping the next
 * byte. Like Redis, it gives up on a {@code *} once the rest of the pattern has failed from
 * every later place in the text (so {@code a*a*a*...b} is not exponential), and past 1000 nested
 * stars.
 */
final class Glob {

    private static final int MAX_NESTING = 1000;

    private final byte[] pattern;
    private final byte[] text;
    private final boolean noCase;
    /** Redis's skipLongerMatches: the rest of the pattern matched nowhere in the rest of the text. */
    private boolean hopeless;

    private Glob(byte[] pattern, byte[] text, boolean noCase) {
        this.pattern = pattern;
        this.text = text;
        this.noCase = noCase;
    }

    static boolean matches(String pattern, String text, boolean noCase) {
        return matches(pattern.getBytes(StandardCharsets.ISO_8859_1), text.getBytes(StandardCharsets.ISO_8859_1), noCase);
    }

    static boolean matches(byte[] pattern, byte[] text, boolean noCase) {
        return new Glob(pattern, text, noCase).match(0, 0, 0);
    }

    /** The pattern's byte at {@code p}, or 0 past its end (Redis reads a NUL-terminated string there). */
    private int p(int p) {
        return p < pattern.length ? pattern[p] & 0xff : 0;
    }

    private boolean match(int p, int t, int nesting) {
        if (nesting > MAX_NESTING) {
            return false;
        }
        while (p < pattern.length && t < text.length) {
            switch (p(p)) {
                case '*' -> {
                    while (p < pattern.length && p(p + 1) == '*') {
                        p++;
                    }
                    if (p == pattern.length - 1) {
                        return true;
                    }
                    for (; t < text.length; t++) {
                        if (match(p + 1, t, nesting + 1)) {
                            return true;
                        }
                        if (hopeless) {
                            return false;
                        }
                    }
                    hopeless = true;
                    return false;
                }
                case '?' -> t++;
                case '[' -> {
                    p++;
                    boolean not = p(p) == '^';
                    if (not) {
                        p++;
                    }
                    boolean match = false;
                    while (true) {
                        if (p(p) == '\\' && pattern.length - p >= 2) {
                            p++;
                            match |= p(p) == (text[t] & 0xff);
                        } else if (p(p) == ']') {
                            break;
                        } else if (p >= pattern.length) {
                            p--;
                            break;
                        } else if (pattern.length - p >= 3 && p(p + 1) == '-') {
                            int start = p(p);
                            int end = p(p + 2);
                            int c = text[t] & 0xff;
                            if (start > end) {
                                int swap = start;
                                start = end;
                                end = swap;
                            }
                            if (noCase) {
                                start = lower(start);
                                end = lower(end);
                                c = lower(c);
                            }
                            p += 2;
                            match |= c >= start && c <= end;
                        } else {
                            match |= same(p(p), text[t] & 0xff);
                        }
                        p++;
                    }
                    if (not) {
                        match = !match;
                    }
                    if (!match) {
                        return false;
                    }
                    t++;
                }
                default -> {
                    if (p(p) == '\\' && pattern.length - p >= 2) {
                        p++;
                    }
                    if (!same(p(p), text[t] & 0xff)) {
                        return false;
                    }
                    t++;
                }
            }
            p++;
            if (t == text.length) {
                while (p(p) == '*') {
                    p++;
                }
                break;
            }
        }
        return p >= pattern.length && t == text.length;
    }

    private boolean same(int a, int b) {
        return a == b || noCase && lower(a) == lower(b);
    }

    /** C's tolower, in the C locale. */
    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
