package org.ratmemcache.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays text-protocol transcripts, meta commands included. Each step is followed by
 * {@code version}; a VALUE or VA line brings its data block along. Meta replies have their CAS
 * ({@code c}), TTL ({@code t}, unless -1) and last-access ({@code l}) tokens masked, and {@code me}
 * its {@code exp}, {@code la} and {@code cas} fields.
 */
final class TextTranscriptPlayer extends TranscriptPlayer {

    private static final byte[] SENTINEL = "version\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern VERSION_COMMAND = Pattern.compile("(?m)^version");
    private static final String CONNECTION_STAT = "^\\d+:(addr|listen_addr|state|secs_since_last_cmd)$";
    private static final Pattern META_REPLY = Pattern.compile("^(HD|VA|EN|NF|NS|EX|MN)( |$)");
    private static final Pattern META_CAS = Pattern.compile("^c(\\d+)$");
    private static final Pattern META_TIME = Pattern.compile("^([tl])\\d+$");
    private static final Pattern DEBUG_FIELD = Pattern.compile("\\b(exp|la|cas)=-?\\d+");

    TextTranscriptPlayer(int port) {
        super(port);
    }

    @Override
    protected byte[] encode(String source) {
        return Transcript.expand(source, lastCas);
    }

    @Override
    protected byte[] sentinel() {
        return SENTINEL;
    }

    /** Reads up to the VERSION line that answers the sentinel (after those of the step's own version commands). */
    @Override
    protected List<String> readUntilSentinel(byte[] request) throws IOException {
        int versions = (int) VERSION_COMMAND.matcher(new String(request, StandardCharsets.ISO_8859_1)).results().count() + 1;
        List<String> replies = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new IOException("server closed the connection before the version sentinel; got " + replies);
            }
            if (line.startsWith("VERSION ") && --versions == 0) {
                return replies;
            }
            replies.addAll(mask(line));
        }
    }

    @Override
    protected List<String> readReply() throws IOException {
        String line = readLine();
        return line == null ? null : mask(line);
    }

    /** One reply line, masked; a VALUE or VA line brings its data block along. */
    private List<String> mask(String line) throws IOException {
        String[] tokens = line.split(" ", -1);
        if (line.startsWith("VALUE ") && (tokens.length == 4 || tokens.length == 5)) {
            String header = line;
            if (tokens.length == 5) {
                lastCas = tokens[4];
                header = String.join(" ", tokens[0], tokens[1], tokens[2], tokens[3], "<cas>");
            }
            return List.of(header, readData(tokens[3]));
        }
        if (META_REPLY.matcher(line).find()) {
            String masked = maskMeta(tokens);
            return line.startsWith("VA ") ? List.of(masked, readData(tokens[1])) : List.of(masked);
        }
        if (line.startsWith("ME ")) {
            return List.of(escape(DEBUG_FIELD.matcher(line).replaceAll("$1=<masked>")));
        }
        if (line.startsWith("STAT ") && tokens.length >= 3) {
            String name = tokens[1].matches(CONNECTION_STAT) ? tokens[1].replaceFirst("^\\d+", "<id>") : tokens[1];
            return List.of("STAT " + name + " <value>");
        }
        if (line.startsWith("VERSION ")) {
            return List.of("VERSION <version>");
        }
        return List.of(escape(line));
    }

    private String maskMeta(String[] tokens) {
        StringBuilder masked = new StringBuilder(tokens[0]);
        for (int i = 1; i < tokens.length; i++) {
            String token = tokens[i];
            Matcher cas = META_CAS.matcher(token);
            if (cas.matches()) {
                lastCas = cas.group(1);
                token = "c<cas>";
            } else if (META_TIME.matcher(token).matches()) {
                token = token.charAt(0) + "<time>";
            }
            masked.append(' ').append(token);
        }
        return escape(masked.toString());
    }

    /** A data block of {@code length} bytes and its CRLF, escaped. */
    private String readData(String length) throws IOException {
        int size;
        try {
            size = Integer.parseInt(length);
        } catch (NumberFormatException e) {
            return "<no data: length " + length + ">";
        }
        return escape(new String(in.readNBytes(size + 2), StandardCharsets.ISO_8859_1));
    }

    /** A CRLF-terminated line without its CRLF, or null at end of stream. */
    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n' && previous == '\r') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            previous = b;
        }
        return line.size() == 0 ? null : escape(line.toString(StandardCharsets.ISO_8859_1)) + "<unterminated>";
    }
}
