import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * A meta-protocol load generator: connections that each send one command at a time and read its
 * reply, 90% {@code mg <key> v f t} and 10% {@code ms <key> <n> T0 F5} of a fixed-size value,
 * over a key space filled first. Prints the operations per second of the timed run.
 *
 * <p>Usage: {@code java bench/MetaLoad.java <port> <seconds> [connections] [keys] [value-bytes]}
 * (defaults 32 connections, 10,000 keys, 100-byte values).
 */
public class MetaLoad {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int keys = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
        int valueBytes = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        byte[] value = "v".repeat(valueBytes).getBytes(StandardCharsets.US_ASCII);

        try (Connection filler = new Connection(port)) {
            for (int k = 0; k < keys; k++) {
                filler.set(k, value);
            }
        }
        LongAdder ops = new LongAdder();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] threads = new Thread[connections];
        for (int c = 0; c < connections; c++) {
            threads[c] = Thread.ofPlatform().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                try (Connection connection = new Connection(port)) {
                    while (System.nanoTime() < end) {
                        int key = random.nextInt(keys);
                        if (random.nextInt(10) == 0) {
                            connection.set(key, value);
                        } else {
                            connection.get(key);
                        }
                        ops.increment();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.println("ops/s " + ops.sum() / seconds);
    }

    /** One connection: writes a command, reads its reply. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        }

        void set(int key, byte[] value) throws IOException {
            byte[] line = ("ms key:" + key + " " + value.length + " T0 F5\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[line.length + value.length + 2];
            System.arraycopy(line, 0, request, 0, line.length);
            System.arraycopy(value, 0, request, line.length, value.length);
            request[request.length - 2] = '\r';
            request[request.length - 1] = '\n';
            out.write(request);
            expect(readLine(), "HD");
        }

        void get(int key) throws IOException {
            out.write(("mg key:" + key + " v f t\r\n").getBytes(StandardCharsets.US_ASCII));
            String header = readLine();
            expect(header, "VA ");
            int length = Integer.parseInt(header.substring(3, header.indexOf(' ', 3)));
            in.skipNBytes(length + 2);
        }

        private static void expect(String line, String prefix) throws IOException {
            if (!line.startsWith(prefix)) {
                throw new IOException("unexpected reply: " + line);
            }
        }

        private String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                line.append((char) b);
            }
            return line.substring(0, line.length() - 1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
