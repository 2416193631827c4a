package org.ratmemcache.server.resp;

/**
 * Redis's glob-style patterns ({@code stringmatchlen}): {@code *}, {@code ?}, {@code [...]} with
 * ranges and {@code ^} negation, and {@code \} escaping the next character; matched byte for byte.
 */
final class Glob {

    private Glob() {
    }

    static boolean matches(String pattern, String text, boolean noCase) {
        return matches(pattern.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0,
                text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, noCase);
    }

    /** Whether {@code text} from {@code t} matches {@code pattern} from {@code p}. */
    static boolean matches(byte[] pattern, int p, byte[] text, int t, boolean noCase) {
        while (p < pattern.length && t <= text.length) {
            switch (pattern[p]) {
                case '*' -> {
                    while (p + 1 < pattern.length && pattern[p + 1] == '*') {
                        p++;
                    }
                    if (p + 1 == pattern.length) {
                        return true;
                    }
                    for (int from = t; from <= text.length; from++) {
                        if (matches(pattern, p + 1, text, from, noCase)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (t == text.length) {
                        return false;
                    }
                    t++;
                }
                case '[' -> {
                    if (t == text.length) {
                        return false;
                    }
                    p++;
                    boolean not = p < pattern.length && pattern[p] == '^';
                    if (not) {
                        p++;
                    }
                    boolean match = false;
                    while (p < pattern.length && pattern[p] != ']') {
                        if (pattern[p] == '\\' && p + 2 < pattern.length) {
                            p++;
                            match |= same(pattern[p], text[t], noCase);
                        } else if (p + 2 < pattern.length && pattern[p + 1] == '-') {
                            int start = pattern[p] & 0xff;
                            int end = pattern[p + 2] & 0xff;
                            int c = text[t] & 0xff;
                            if (start > end) {
                                int swap = start;
                                start = end;
                                end = swap;
                            }
                            if (noCase) {
                                start = Character.toLowerCase(start);
                                end = Character.toLowerCase(end);
                                c = Character.toLowerCase(c);
                            }
                            p += 2;
                            match |= c >= start && c <= end;
                        } else {
                            match |= same(pattern[p], text[t], noCase);
                        }
                        p++;
                    }
                    if (p == pattern.length) {
                        p--; // an unclosed class: Redis treats the end as its close
                    }
                    if (not) {
                        match = !match;
                    }
                    if (!match) {
                        return false;
                    }
                    t++;
                }
                case '\\' -> {
                    if (p + 1 < pattern.length) {
                        p++;
                    }
                    if (t == text.length || !same(pattern[p], text[t], noCase)) {
                        return false;
                    }
                    t++;
                }
                default -> {
                    if (t == text.length || !same(pattern[p], text[t], noCase)) {
                        return false;
                    }
                    t++;
                }
            }
            p++;
        }
        return p == pattern.length && t == text.length;
    }

    private static boolean same(byte a, byte b, boolean noCase) {
        return a == b || noCase && Character.toLowerCase(a & 0xff) == Character.toLowerCase(b & 0xff);
    }
}
