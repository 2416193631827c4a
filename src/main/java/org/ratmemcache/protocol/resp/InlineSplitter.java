package org.ratmemcache.protocol.resp;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;

/**
 * Splits an inline command's line into arguments as Redis's {@code sdssplitargs} does: words
 * separated by white space, or quoted, {@code "..."} with C's escapes and {@code \xHH}, or
 * {@code '...'} with only {@code \'}; a closing quote must be followed by white space or the end
 * of the line, and a quote never closed makes the whole line unbalanced.
 */
final class InlineSplitter {

    private byte[] word = new byte[64];
    private int length;

    /** Adds the words of {@code [start, end)} of {@code in} to {@code request}; false if its quotes do not balance. */
    boolean split(ByteBuf in, int start, int end, RespRequest request) {
        int p = start;
        while (true) {
            while (p < end && isSpace(in.getByte(p))) {
                p++;
            }
            if (p == end) {
                return true;
            }
            length = 0;
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                int c = p < end ? in.getByte(p) & 0xff : 0;
                int next = p + 1 < end ? in.getByte(p + 1) & 0xff : 0;
                if (inDouble) {
                    if (c == '\\' && next == 'x' && p + 3 < end && isHex(in.getByte(p + 2)) && isHex(in.getByte(p + 3))) {
                        append(hex(in.getByte(p + 2)) * 16 + hex(in.getByte(p + 3)));
                        p += 3;
                    } else if (c == '\\' && next != 0) {
                        p++;
                        append(switch (next) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> next;
                        });
                    } else if (c == '"') {
                        if (next != 0 && !isSpace((byte) next)) {
                            return false;
                        }
                        done = true;
                    } else if (c == 0) {
                        return false;
                    } else {
                        append(c);
                    }
                } else if (inSingle) {
                    if (c == '\\' && next == '\'') {
                        p++;
                        append('\'');
                    } else if (c == '\'') {
                        if (next != 0 && !isSpace((byte) next)) {
                            return false;
                        }
                        done = true;
                    } else if (c == 0) {
                        return false;
                    } else {
                        append(c);
                    }
                } else {
                    switch (c) {
                        case ' ', '\n', '\r', '\t', 0 -> done = true;
                        case '"' -> inDouble = true;
                        case '\'' -> inSingle = true;
                        default -> append(c);
                    }
                }
                if (p < end) {
                    p++;
                }
            }
            request.add(word, length);
        }
    }

    private void append(int b) {
        if (length == word.length) {
            word = Arrays.copyOf(word, length * 2);
        }
        word[length++] = (byte) b;
    }

    /** C's isspace. */
    private static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    private static boolean isHex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    }

    private static int hex(byte b) {
        return b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
    }
}
