package org.ratmemcache.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Plays a {@link Transcript} against one server and records each step's replies, masked where two
 * correct servers must differ: the version, CAS uniques, statistics values and connection ids.
 */
public final class TranscriptPlayer implements AutoCloseable {

    private static final byte[] SENTINEL = "version\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern VERSION_COMMAND = Pattern.compile("(?m)^version");
    private static final String CONNECTION_STAT = "^\\d+:(addr|listen_addr|state|secs_since_last_cmd)$";

    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private String lastCas;

    public TranscriptPlayer(int port) {
        this.port = port;
        connect();
    }

    /** Plays every step; returns the masked replies of each. */
    public List<List<String>> play(Transcript transcript) {
        List<List<String>> replies = new ArrayList<>();
        for (Transcript.Step step : transcript.steps()) {
            replies.add(play(step));
        }
        return replies;
    }

    private List<String> play(Transcript.Step step) {
        byte[] request = Transcript.expand(step.source(), lastCas);
        try {
            switch (step.kind()) {
                case SEND_ONLY -> {
                    out.write(request);
                    out.flush();
                    return List.of();
                }
                case UNTIL_CLOSE -> {
                    out.write(request);
                    out.flush();
                    List<String> replies = readUntilClosed();
                    connect();
                    return replies;
                }
                case EXCHANGE -> {
                    out.write(request);
                    out.write(SENTINEL);
                    out.flush();
                    return readUntilVersion(versionCommands(request) + 1);
                }
                default -> throw new AssertionError(step.kind());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("line " + step.lineNumber() + ": " + step.source(), e);
        }
    }

    /** Reads replies up to the {@code versions}-th VERSION line, which answers the sentinel. */
    private List<String> readUntilVersion(int versions) throws IOException {
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

    /** How many version commands the step itself sends: lines that start with "version". */
    private static int versionCommands(byte[] request) {
        return (int) VERSION_COMMAND.matcher(new String(request, StandardCharsets.ISO_8859_1)).results().count();
    }

    private List<String> readUntilClosed() throws IOException {
        List<String> replies = new ArrayList<>();
        for (String line = readLine(); line != null; line = readLine()) {
            replies.addAll(mask(line));
        }
        replies.add("<closed>");
        return replies;
    }

    /** One reply line, masked; a VALUE line brings its data block along. */
    private List<String> mask(String line) throws IOException {
        String[] tokens = line.split(" ", -1);
        if (line.startsWith("VALUE ") && (tokens.length == 4 || tokens.length == 5)) {
            int length = Integer.parseInt(tokens[3]);
            byte[] data = in.readNBytes(length + 2);
            String header = line;
            if (tokens.length == 5) {
                lastCas = tokens[4];
                header = String.join(" ", tokens[0], tokens[1], tokens[2], tokens[3], "<cas>");
            }
            return List.of(header, escape(new String(data, StandardCharsets.ISO_8859_1)));
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

    private static String escape(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t").replace("\0", "\\0");
    }

    private void connect() {
        close();
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // a test socket
            }
        }
    }
}
