package org.ratmemcache.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * TLS on the memcached port, as memcached's {@code -Z -o ssl_*} options set it.
 *
 * @param certificateChain PEM certificate chain, the server's first ({@code ssl_chain_cert})
 * @param privateKey       its PEM private key, PKCS#8 ({@code ssl_key})
 * @param clientCa         PEM certificates of the CAs whose client certificates are accepted ({@code ssl_ca_cert})
 * @param verify           whether clients must present a certificate ({@code ssl_verify_mode})
 * @param ciphers          cipher suites, OpenSSL or IANA names; empty for the provider's defaults ({@code ssl_ciphers})
 * @param minVersion       the oldest protocol accepted: TLSv1.2 or TLSv1.3 ({@code ssl_min_version})
 */
public record TlsSettings(Path certificateChain, Path privateKey, Optional<Path> clientCa, Verify verify,
        List<String> ciphers, String minVersion) {

    /** memcached's ssl_verify_mode: 0 none, 1 request, 2 require, 3 once (which TLS 1.3 makes the same as request). */
    public enum Verify {
        NONE, REQUEST, REQUIRE, ONCE;

        /** memcached's number for it. */
        public int code() {
            return ordinal();
        }

        public static Verify of(int code) {
            if (code < 0 || code >= values().length) {
                throw new IllegalArgumentException("ssl_verify_mode must be 0 (none), 1 (request), 2 (require) or 3 (once), not " + code);
            }
            return values()[code];
        }
    }

    public TlsSettings {
        ciphers = List.copyOf(ciphers);
        if (verify != Verify.NONE && clientCa.isEmpty()) {
            throw new IllegalArgumentException("verifying client certificates needs the CAs that sign them (ssl_ca_cert)");
        }
        if (!minVersion.equals("TLSv1.2") && !minVersion.equals("TLSv1.3")) {
            throw new IllegalArgumentException("the oldest TLS version served must be TLSv1.2 or TLSv1.3 (older ones are "
                    + "broken, and the JDK disables them), not " + minVersion);
        }
    }

    /**
     * memcached's ssl_min_version: {@code tlsv1.2}, {@code tlsv1.3}, or their numbers 2 and 3;
     * 0 and 1 (TLS 1.0 and 1.1) are refused.
     */
    public static String parseMinVersion(String value) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "tlsv1.2", "2" -> "TLSv1.2";
            case "tlsv1.3", "3" -> "TLSv1.3";
            default -> throw new IllegalArgumentException("ssl_min_version must be tlsv1.2 or tlsv1.3 (TLS 1.0 and 1.1 "
                    + "are not served), not " + value);
        };
    }

    /** The versions served, newest first. */
    List<String> protocols() {
        return minVersion.equals("TLSv1.3") ? List.of("TLSv1.3") : List.of("TLSv1.3", "TLSv1.2");
    }
}
