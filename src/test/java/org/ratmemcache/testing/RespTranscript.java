package org.ratmemcache.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted conversation in Redis's protocol, replayed against this server and against Debian's
 * redis-server, in RESP2 and (each connection first sending {@code HELLO 3}) in RESP3.
 *
 * <p>One step per line; blank lines and {@code #} comments are skipped:
 * <ul>
 *   <li>{@code > ARG ARG ...}: one command, sent as a multibulk, and its one reply. Arguments are
 *       split on spaces; {@code "..."} quotes one with spaces, with the escapes below;</li>
 *   <li>{@code >> bytes}: raw bytes sent, nothing read;</li>
 *   <li>{@code >N bytes} (a number after {@code >}): raw bytes sent, N replies read;</li>
 *   <li>{@code >| bytes}: raw bytes sent, everything read until the server hangs up; then a new
 *       connection;</li>
 *   <li>{@code @conn N} before a step: it runs on connection N (0 unless said; each opened when
 *       first used);</li>
 *   <li>{@code @ignore REASON} before a step: its replies are read but not compared (ids, times,
 *       INFO);</li>
 *   <li>{@code @near N} before a step: integers in its replies may differ by up to N (a TTL read
 *       while Redis's clock runs and ours stands still);</li>
 *   <li>{@code @differs REASON} before a step, then its replies here as {@code = reply} lines: an
 *       intended difference. This server must answer exactly those, and Redis must not.</li>
 * </ul>
 * Bytes and arguments take the escapes {@code \r \n \t \0 \\ \" \xNN} and {@code {N*c}} for
 * {@code N} copies of the character {@code c}.
 */
public record RespTranscript(List<Step> steps) {

    public enum Kind { COMMAND, SEND_ONLY, RAW, UNTIL_CLOSE }

    /** One step; {@code differs} null or the reason this server answers {@code intended}. */
    public record Step(int lineNumber, String source, Kind kind, byte[] bytes, int replies, int connection, String ignored,
            long near, String differs, List<String> intended) {
    }

    private static final Pattern REPEAT = Pattern.compile("\\{(\\d+)\\*(.)}");
    private static final Pattern RAW = Pattern.compile(">(\\d+) (.*)");

    public static RespTranscript load(String resource) {
        try (InputStream in = RespTranscript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no transcript " + resource);
            }
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
            List<Step> steps = new ArrayList<>();
            int connection = 0;
            String ignored = null;
            long near = 0;
            String differs = null;
            List<String> intended = new ArrayList<>();
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("@conn ")) {
                    connection = Integer.parseInt(line.substring(6).trim());
                } else if (line.startsWith("@ignore")) {
                    ignored = line.substring(7).trim();
                } else if (line.startsWith("@near ")) {
                    near = Long.parseLong(line.substring(6).trim());
                } else if (line.startsWith("@differs")) {
                    differs = line.substring(8).trim();
                    intended = new ArrayList<>();
                    while (i + 1 < lines.length && lines[i + 1].startsWith("= ")) {
                        intended.add(new String(unescape(lines[++i].substring(2)), StandardCharsets.ISO_8859_1));
                    }
                } else if (line.startsWith(">")) {
                    steps.add(step(i + 1, line, connection, ignored, near, differs, intended));
                    connection = 0;
                    ignored = null;
                    near = 0;
                    differs = null;
                    intended = new ArrayList<>();
                } else {
                    throw new IllegalArgumentException(resource + ":" + (i + 1) + ": not a step: " + line);
                }
            }
            return new RespTranscript(List.copyOf(steps));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Step step(int number, String line, int connection, String ignored, long near, String differs,
            List<String> intended) {
        Matcher raw = RAW.matcher(line);
        if (line.startsWith(">> ")) {
            return new Step(number, line, Kind.SEND_ONLY, unescape(line.substring(3)), 0, connection, ignored, near, differs, intended);
        } else if (line.startsWith(">| ")) {
            return new Step(number, line, Kind.UNTIL_CLOSE, unescape(line.substring(3)), 0, connection, ignored, near, differs,
                    intended);
        } else if (raw.matches()) {
            return new Step(number, line, Kind.RAW, unescape(raw.group(2)), Integer.parseInt(raw.group(1)), connection, ignored, near,
                    differs, intended);
        } else if (line.startsWith("> ")) {
            return new Step(number, line, Kind.COMMAND, RespClient.multibulk(arguments(line.substring(2))), 1, connection, ignored,
                    near, differs, intended);
        }
        throw new IllegalArgumentException("line " + number + ": not a step: " + line);
    }

    /** A command line's arguments: split on spaces, {@code "..."} quoting, escapes applied. */
    static List<byte[]> arguments(String line) {
        List<byte[]> args = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            if (line.charAt(i) == ' ') {
                i++;
                continue;
            }
            StringBuilder arg = new StringBuilder();
            if (line.charAt(i) == '"') {
                i++;
                while (i < line.length() && line.charAt(i) != '"') {
                    if (line.charAt(i) == '\\' && i + 1 < line.length()) {
                        arg.append(line.charAt(i++));
                    }
                    arg.append(line.charAt(i++));
                }
                i++;
            } else {
                while (i < line.length() && line.charAt(i) != ' ') {
                    arg.append(line.charAt(i++));
                }
            }
            args.add(unescape(arg.toString()));
        }
        return args;
    }

    /** The bytes {@code text} stands for, its escapes and repeats applied. */
    static byte[] unescape(String text) {
        Matcher repeats = REPEAT.matcher(text);
        StringBuilder expanded = new StringBuilder();
        while (repeats.find()) {
            repeats.appendReplacement(expanded, Matcher.quoteReplacement(String.valueOf(repeats.group(2).charAt(0))
                    .repeat(Integer.parseInt(repeats.group(1)))));
        }
        repeats.appendTail(expanded);
        String s = expanded.toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char next = s.charAt(++i);
                switch (next) {
                    case 'r' -> out.write('\r');
                    case 'n' -> out.write('\n');
                    case 't' -> out.write('\t');
                    case '0' -> out.write(0);
                    case 'x' -> {
                        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                    default -> out.write(next);
                }
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    /** Plays the steps against the server on {@code port}, each connection first saying {@code hello}; returns each step's replies. */
    public List<List<String>> play(IntFunction<RespClient> connect, int port, List<String> hello, Runnable beforeEachStep) {
        Map<Integer, RespClient> connections = new HashMap<>();
        List<List<String>> replies = new ArrayList<>();
        try {
            for (Step step : steps) {
                beforeEachStep.run();
                RespClient client = connections.computeIfAbsent(step.connection(), n -> opened(connect, port, hello));
                try {
                    replies.add(exchange(step, client, connections));
                } catch (RuntimeException e) {
                    throw new AssertionError("line " + step.lineNumber() + ": " + step.source() + ": " + e.getMessage(), e);
                }
            }
        } finally {
            connections.values().forEach(RespClient::close);
        }
        return replies;
    }

    private static List<String> exchange(Step step, RespClient client, Map<Integer, RespClient> connections) {
        client.send(step.bytes());
        List<String> got = new ArrayList<>();
        switch (step.kind()) {
            case SEND_ONLY -> {
            }
            case COMMAND, RAW -> {
                for (int i = 0; i < step.replies(); i++) {
                    got.add(client.readReply());
                }
            }
            case UNTIL_CLOSE -> {
                got.add(client.readUntilClose());
                client.close();
                connections.remove(step.connection());
            }
        }
        return got;
    }

    private static RespClient opened(IntFunction<RespClient> connect, int port, List<String> hello) {
        RespClient client = connect.apply(port);
        if (!hello.isEmpty()) {
            client.call(hello.toArray(String[]::new));
        }
        return client;
    }
}
