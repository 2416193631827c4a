package org.ratmemcache.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays a {@link Transcript} against one server and records each step's replies, masked where two
 * correct servers must differ: the version, CAS uniques, times, statistics values and connection
 * ids. A subclass speaks one protocol: it encodes a step's requests and decodes the replies.
 */
public abstract class TranscriptPlayer implements AutoCloseable {

    private final int port;
    private Socket socket;
    protected InputStream in;
    private OutputStream out;
    /** The last CAS a server returned, for the {@code {cas}} placeholder. */
    protected String lastCas;

    protected TranscriptPlayer(int port) {
        this.port = port;
        connect();
    }

    /** The text protocol, meta commands included. */
    public static TranscriptPlayer text(int port) {
        return new TextTranscriptPlayer(port);
    }

    /** The binary protocol. */
    public static TranscriptPlayer binary(int port) {
        return new BinaryTranscriptPlayer(port);
    }

    /** Plays every step; returns the masked replies of each. */
    public List<List<String>> play(Transcript transcript) {
        return play(transcript, () -> { });
    }

    /** Plays every step, running {@code beforeEachStep} first; returns the masked replies of each. */
    public List<List<String>> play(Transcript transcript, Runnable beforeEachStep) {
        List<List<String>> replies = new ArrayList<>();
        for (Transcript.Step step : transcript.steps()) {
            try {
                beforeEachStep.run();
                replies.add(play(step));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("line " + step.lineNumber() + ": " + step.source() + ": " + e, e);
            }
        }
        return replies;
    }

    private List<String> play(Transcript.Step step) throws IOException {
        byte[] request = encode(step.source());
        out.write(request);
        switch (step.kind()) {
            case SEND_ONLY -> {
                out.flush();
                return List.of();
            }
            case UNTIL_CLOSE -> {
                out.flush();
                List<String> replies = new ArrayList<>();
                for (List<String> reply = readReply(); reply != null; reply = readReply()) {
                    replies.addAll(reply);
                }
                replies.add("<closed>");
                connect();
                return replies;
            }
            case EXCHANGE -> {
                out.write(sentinel());
                out.flush();
                return readUntilSentinel(request);
            }
            default -> throw new AssertionError(step.kind());
        }
    }

    /** The bytes of a step's requests. */
    protected abstract byte[] encode(String source);

    /** A request sent after each step, whose reply marks the end of the step's replies. */
    protected abstract byte[] sentinel();

    /** The replies to {@code request}, up to the sentinel's (not included). */
    protected abstract List<String> readUntilSentinel(byte[] request) throws IOException;

    /** The next reply, masked, as lines; null at the end of the stream. */
    protected abstract List<String> readReply() throws IOException;

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

    protected static String escape(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t").replace("\0", "\\0");
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
