package org.ratmemcache.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted conversation with a memcached server, replayed against this server and against the
 * real memcached (memcached's own {@code t/*.t} tests are such conversations).
 *
 * <p>One step per line; blank lines and {@code #} comments are skipped:
 * <ul>
 *   <li>{@code > requests}: send the requests, then a sentinel request (for text,
 *       {@code version\r\n}; for binary, a no-op), and take every reply before the sentinel's as
 *       the step's replies;</li>
 *   <li>{@code >> bytes}: send the bytes and read nothing (half a request);</li>
 *   <li>{@code >| bytes}: send the bytes and read until the server hangs up; then reconnect;</li>
 *   <li>{@code @subset} before a step: this server may print fewer {@code STAT} lines than
 *       memcached, in memcached's order, then more of its own (for {@code stats settings});</li>
 *   <li>{@code @extended} before a step: this server prints memcached's {@code STAT} lines, then
 *       more of its own (for {@code stats}).</li>
 *   <li>{@code @memory} before a step: compared only when every item lives in memory. The step
 *       shows read history (fetched, last access) of items that a tiny L1 pushes to disk, and an
 *       item's copy on disk keeps the history it had when it was last written: rewriting records
 *       as they are read would cost a disk write per item read and evicted.</li>
 *   <li>{@code @differs REASON} before a step, then its replies here as {@code = LINE} lines, one per
 *       reply line: an intended difference from memcached, where memcached damages data or loses
 *       track of the connection. This server must answer exactly those lines, and memcached must
 *       not (so that a fixed memcached sends whoever edits the transcript back to the reason).</li>
 * </ul>
 * How a step's requests are written is the protocol's {@link TranscriptPlayer}'s business; text
 * is written as bytes, with the escapes {@code \r \n \t \0 \\ \xNN}, {@code {N*c}} for {@code N}
 * copies of the character {@code c}, and {@code {cas}} for the last CAS the server returned.
 */
public record Transcript(List<Step> steps) {

    public enum Kind { EXCHANGE, SEND_ONLY, UNTIL_CLOSE }

    /** How this server's STAT lines may differ from memcached's. */
    public enum Stats {
        /** Exactly the same names. */
        SAME,
        /** Fewer, in memcached's order, then more ({@code @subset}). */
        SUBSET,
        /** memcached's, then more ({@code @extended}). */
        EXTENDED
    }

    /**
     * One step; {@code differs} is null, or the reason this server answers {@code intended} where
     * memcached answers otherwise.
     */
    public record Step(int lineNumber, Kind kind, String source, Stats stats, boolean memoryOnly, String differs,
            List<String> intended) {
    }

    private static final Pattern REPEAT = Pattern.compile("\\{(\\d+)\\*(.)}");

    public static Transcript load(String resource) {
        try (InputStream in = Transcript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no transcript " + resource);
            }
            List<Step> steps = new ArrayList<>();
            Stats stats = Stats.SAME;
            boolean memoryOnly = false;
            String differs = null;
            List<String> intended = new ArrayList<>();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (line.equals("@subset")) {
                    stats = Stats.SUBSET;
                    continue;
                }
                if (line.equals("@extended")) {
                    stats = Stats.EXTENDED;
                    continue;
                }
                if (line.equals("@memory")) {
                    memoryOnly = true;
                    continue;
                }
                if (line.startsWith("@differs ")) {
                    differs = line.substring("@differs ".length());
                    continue;
                }
                if (line.startsWith("= ")) {
                    if (differs == null) {
                        throw new IllegalArgumentException(resource + ":" + (i + 1) + ": a reply line without @differs");
                    }
                    intended.add(line.substring(2));
                    continue;
                }
                Kind kind;
                String source;
                if (line.startsWith(">> ")) {
                    kind = Kind.SEND_ONLY;
                    source = line.substring(3);
                } else if (line.startsWith(">| ")) {
                    kind = Kind.UNTIL_CLOSE;
                    source = line.substring(3);
                } else if (line.startsWith("> ")) {
                    kind = Kind.EXCHANGE;
                    source = line.substring(2);
                } else {
                    throw new IllegalArgumentException(resource + ":" + (i + 1) + ": not a step: " + line);
                }
                if (differs != null && intended.isEmpty()) {
                    throw new IllegalArgumentException(resource + ":" + (i + 1) + ": @differs without its = replies");
                }
                steps.add(new Step(i + 1, kind, source, stats, memoryOnly, differs, List.copyOf(intended)));
                stats = Stats.SAME;
                memoryOnly = false;
                differs = null;
                intended.clear();
            }
            return new Transcript(steps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes a step sends, with its escapes expanded and {@code {cas}} replaced. */
    public static byte[] expand(String source, String lastCas) {
        String text = source.replace("{cas}", lastCas == null ? "0" : lastCas);
        Matcher repeat = REPEAT.matcher(text);
        StringBuilder expanded = new StringBuilder();
        while (repeat.find()) {
            repeat.appendReplacement(expanded, Matcher.quoteReplacement(repeat.group(2).repeat(Integer.parseInt(repeat.group(1)))));
        }
        repeat.appendTail(expanded);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < expanded.length(); i++) {
            char c = expanded.charAt(i);
            if (c != '\\') {
                bytes.write(c);
                continue;
            }
            char e = expanded.charAt(++i);
            switch (e) {
                case 'r' -> bytes.write('\r');
                case 'n' -> bytes.write('\n');
                case 't' -> bytes.write('\t');
                case '0' -> bytes.write(0);
                case '\\' -> bytes.write('\\');
                case 'x' -> {
                    bytes.write(Integer.parseInt(expanded.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " in " + source);
            }
        }
        return bytes.toByteArray();
    }
}
