package org.ratmemcache.server.resp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;

import org.ratmemcache.protocol.resp.RespReplies;
import org.ratmemcache.protocol.resp.RespRequest;

/**
 * CONFIG GET and SET under Redis's names, for the settings that have one here: {@code maxmemory}
 * is {@code -m} (settable: the memory tier resizes), {@code maxclients} and {@code timeout} the
 * RESP listener's, {@code proto-max-bulk-len} the item size limit ({@code -I}), {@code databases},
 * {@code protected-mode}, and Redis's own persistence answered as off ({@code save ""},
 * {@code appendonly no}): the cache persists by its own means. Other names match nothing in GET
 * and are Redis's unknown option in SET.
 */
final class ConfigCommands {

    private final RespContext context;
    private final Map<String, Supplier<String>> values = new LinkedHashMap<>();

    ConfigCommands(RespContext context) {
        this.context = context;
        values.put("maxmemory", () -> Long.toString(context.server().view().memory().maxBytes()));
        values.put("maxclients", () -> Integer.toString(context.settings().maxConnections()));
        values.put("timeout", () -> Long.toString(context.settings().idleTimeout().toSeconds()));
        values.put("proto-max-bulk-len", () -> Long.toString(context.itemSizeMax()));
        values.put("databases", () -> Integer.toString(context.databases()));
        values.put("save", () -> "");
        values.put("appendonly", () -> "no");
        values.put("protected-mode", () -> context.settings().protectedMode() ? "yes" : "no");
    }

    /** CONFIG GET pattern...: a map of each matching name, as asked for (a glob matches names as they are). */
    void get(RespRequest args, ByteBuf out, RespSession session) {
        Map<String, String> matches = new LinkedHashMap<>();
        for (int i = 2; i < args.argc(); i++) {
            String pattern = args.string(i);
            if (pattern.chars().noneMatch(ch -> ch == '*' || ch == '?' || ch == '[')) {
                Supplier<String> value = values.get(pattern.toLowerCase(Locale.ROOT));
                if (value != null && !matches.containsKey(pattern)) {
                    matches.put(pattern, value.get());
                }
                continue;
            }
            values.forEach((name, value) -> {
                if (!matches.containsKey(name) && Glob.matches(pattern, name, true)) {
                    matches.put(name, value.get());
                }
            });
        }
        RespReplies.map(out, matches.size(), session.version);
        matches.forEach((name, value) -> {
            RespReplies.bulk(out, name);
            RespReplies.bulk(out, value);
        });
    }

    /** CONFIG SET name value...: {@code maxmemory} resizes memory; the others here cannot change while running. */
    void set(RespRequest args, ByteBuf out) {
        if (args.argc() % 2 != 0) {
            RespReplies.error(out, Errors.SYNTAX);
            return;
        }
        for (int i = 2; i < args.argc(); i += 2) {
            String name = args.string(i);
            if (!values.containsKey(name.toLowerCase(Locale.ROOT))) {
                RespReplies.error(out, "ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'");
                return;
            }
        }
        Long maxMemory = null;
        for (int i = 2; i < args.argc(); i += 2) {
            String name = args.string(i).toLowerCase(Locale.ROOT);
            String value = args.string(i + 1);
            if (name.equals("maxmemory")) {
                maxMemory = Memory.parse(value);
                if (maxMemory == null || maxMemory <= 0) {
                    RespReplies.error(out, failed(args.string(i), "argument must be a memory value"));
                    return;
                }
            } else if (!value.equalsIgnoreCase(values.get(name).get())) {
                RespReplies.error(out, failed(args.string(i), "can't set immutable config"));
                return;
            }
        }
        if (maxMemory != null) {
            context.cache().resizeMemory(maxMemory);
        }
        RespReplies.raw(out, RespReplies.OK);
    }

    private static String failed(String name, String why) {
        return "ERR CONFIG SET failed (possibly related to argument '" + name + "') - " + why;
    }

    /** Redis's memtoull: digits with an optional unit (b, k, kb, m, mb, g, gb; k is 1000, kb 1024), any case. */
    static final class Memory {

        private Memory() {
        }

        static Long parse(String text) {
            String lower = text.toLowerCase(Locale.ROOT);
            int digits = 0;
            while (digits < lower.length() && Character.isDigit(lower.charAt(digits))) {
                digits++;
            }
            if (digits == 0) {
                return null;
            }
            long multiplier = switch (lower.substring(digits)) {
                case "", "b" -> 1;
                case "k" -> 1000;
                case "kb" -> 1024;
                case "m" -> 1000L * 1000;
                case "mb" -> 1024L * 1024;
                case "g" -> 1000L * 1000 * 1000;
                case "gb" -> 1024L * 1024 * 1024;
                default -> -1;
            };
            if (multiplier < 0) {
                return null;
            }
            try {
                return Math.multiplyExact(Long.parseLong(lower.substring(0, digits)), multiplier);
            } catch (ArithmeticException | NumberFormatException e) {
                return null;
            }
        }
    }
}
