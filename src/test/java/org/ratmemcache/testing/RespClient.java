package org.ratmemcache.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A RESP client for tests: writes raw bytes or commands as multibulks, and reads one whole reply
 * at a time, as the exact bytes the server sent (aggregates with everything in them). Replies are
 * shown as ISO 8859-1 text, which maps each byte to one character.
 */
public final class RespClient implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 5000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RespClient(int port) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            in = new java.io.BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A command's arguments as a multibulk. */
    public static byte[] multibulk(List<byte[]> args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(("*" + args.size() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] arg : args) {
            bytes.writeBytes(("$" + arg.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            bytes.writeBytes(arg);
            bytes.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }

    /** Sends {@code args} (text, UTF-8) as one command and returns its reply. */
    public String call(String... args) {
        List<byte[]> bytes = new ArrayList<>();
        for (String arg : args) {
            bytes.add(arg.getBytes(StandardCharsets.UTF_8));
        }
        send(multibulk(bytes));
        return readReply();
    }

    public void send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next whole reply, byte for byte. */
    public String readReply() {
        try {
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            readInto(reply);
            return reply.toString(StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything until the server closes the connection (or, failing that, the timeout). */
    public String readUntilClose() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) >= 0) {
                all.write(b);
            }
        } catch (SocketTimeoutException e) {
            all.writeBytes("<no close>".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // a reset after the last reply is a close too
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    /** Whether the server has closed the connection, waiting up to the timeout for it to. */
    public boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private void readInto(ByteArrayOutputStream reply) throws IOException {
        String line = readLine(reply);
        char type = line.charAt(0);
        switch (type) {
            case '+', '-', ':', '_', '#', ',', '(' -> {
            }
            case '$', '=', '!' -> {
                int length = Integer.parseInt(line.substring(1));
                if (length >= 0) {
                    reply.writeBytes(in.readNBytes(length + 2));
                }
            }
            case '*', '~', '>', '%', '|' -> {
                int count = Integer.parseInt(line.substring(1));
                int replies = type == '%' || type == '|' ? 2 * count : count;
                for (int i = 0; i < replies; i++) {
                    readInto(reply);
                }
                if (type == '|') {
                    readInto(reply); // the reply the attributes describe
                }
            }
            default -> throw new IOException("not a RESP reply: " + line);
        }
    }

    /** A line through its CRLF, written to {@code reply}; returned without the CRLF. */
    private String readLine(ByteArrayOutputStream reply) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed after " + line.toString(StandardCharsets.ISO_8859_1));
            }
            reply.write(b);
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            previous = b;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }
}
