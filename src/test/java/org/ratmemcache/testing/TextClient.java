package org.ratmemcache.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** A raw socket to a memcached server, for asserting exact reply bytes. */
public final class TextClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public TextClient(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(5000);
            socket.setTcpNoDelay(true);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code text} as ISO-8859-1 bytes, one char per byte. */
    public TextClient send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public TextClient send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads exactly {@code length} bytes. */
    public String read(int length) {
        try {
            return new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads as many bytes as {@code expected} has and asserts they are exactly it. */
    public TextClient expect(String expected) {
        assertThat(read(expected.length())).isEqualTo(expected);
        return this;
    }

    /** Reads one CRLF-terminated line, without its CRLF. */
    public String readLine() {
        StringBuilder line = new StringBuilder();
        while (line.length() < 2 || line.charAt(line.length() - 2) != '\r' || line.charAt(line.length() - 1) != '\n') {
            line.append(read(1));
        }
        return line.substring(0, line.length() - 2);
    }

    /** Reads up to and including the next VERSION line (send a version command to mark an end). */
    public String readUntilVersion() {
        StringBuilder read = new StringBuilder();
        int lineStart = 0;
        while (true) {
            read.append(read(1));
            if (read.charAt(read.length() - 1) == '\n') {
                if (read.indexOf("VERSION ", lineStart) == lineStart) {
                    return read.toString();
                }
                lineStart = read.length();
            }
        }
    }

    /** Reads everything until the server closes the connection. */
    public String readUntilClosed() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            in.transferTo(all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    /** Whether the server has closed the connection, having sent nothing more. */
    public boolean isClosedByServer() {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket cannot fail in a way that matters
        }
    }
}
