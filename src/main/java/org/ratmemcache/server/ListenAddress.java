package org.ratmemcache.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the memcached listener accepts connections, as memcached's flags name them: TCP addresses
 * ({@code -l}, a comma-separated list), or one Unix-domain socket ({@code -s}, which like
 * memcached's serves no TCP at all).
 */
public sealed interface ListenAddress {

    /**
     * A TCP address: a host name or IP address, and a port (0 picks a free one); {@code notls}
     * keeps it plain when TLS is on, as memcached's {@code -l notls:ADDR:PORT}.
     */
    record Tcp(String host, int port, boolean notls) implements ListenAddress {

        public Tcp {
            if (host.isBlank()) {
                throw new IllegalArgumentException("an empty address");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be within 0..65535: " + port);
            }
        }

        public Tcp(String host, int port) {
            this(host, port, false);
        }

        /** The same listener on another port (the one a port 0 was given). */
        public Tcp withPort(int newPort) {
            return new Tcp(host, newPort, notls);
        }

        @Override
        public String toString() {
            return (notls ? NOTLS : "") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** memcached's prefix for a listener that stays plain when TLS is on. */
    String NOTLS = "notls:";

    /**
     * A Unix-domain socket at {@code path}, whose file gets the permission bits {@code mask}
     * (memcached's {@code -a}, 0700 by default) where the file system has POSIX permissions.
     */
    record UnixSocket(Path path, int mask) implements ListenAddress {

        public UnixSocket {
            if (mask < 0 || mask > 0777) {
                throw new IllegalArgumentException("the mask must be octal permission bits within 0..777: " + Integer.toOctalString(mask));
            }
        }

        @Override
        public String toString() {
            return "unix:" + path;
        }
    }

    /** ADDR, ADDR:PORT, [IPV6]:PORT, or a bare IPv6 address. */
    Pattern HOST_PORT = Pattern.compile("\\[([^]]+)](?::(\\d+))?|([^:]+):(\\d+)");

    /**
     * memcached's {@code -l} list: {@code 127.0.0.1,[::1]:11212,notls:10.0.0.1:11213}; an address
     * without a port takes {@code defaultPort}.
     */
    static List<Tcp> parseAll(String list, int defaultPort) {
        List<Tcp> addresses = new ArrayList<>();
        for (String entry : list.split(",", -1)) {
            String address = entry.strip();
            boolean notls = address.startsWith(NOTLS);
            if (notls) {
                address = address.substring(NOTLS.length());
            }
            Matcher hostPort = HOST_PORT.matcher(address);
            if (!hostPort.matches()) {
                addresses.add(new Tcp(address, defaultPort, notls));
            } else if (hostPort.group(1) != null) {
                addresses.add(new Tcp(hostPort.group(1), hostPort.group(2) == null ? defaultPort : port(hostPort.group(2)), notls));
            } else {
                addresses.add(new Tcp(hostPort.group(3), port(hostPort.group(4)), notls));
            }
        }
        return List.copyOf(addresses);
    }

    /** An octal mask as memcached's {@code -a} takes it: 700, 0700, 770. */
    static int parseMask(String octal) {
        if (!octal.matches("[0-7]{1,4}")) {
            throw new IllegalArgumentException("the mask must be octal permission bits such as 700, not '" + octal + "'");
        }
        int mask = Integer.parseInt(octal, 8);
        if (mask > 0777) {
            throw new IllegalArgumentException("the mask must be octal permission bits within 0..777, not '" + octal + "'");
        }
        return mask;
    }

    private static int port(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be within 0..65535: " + digits);
        }
    }
}
