package org.ratmemcache.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SSLException;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import org.jboss.logging.Logger;
import org.ratmemcache.core.Clock;

/**
 * The memcached port's TLS: Netty's {@link SslHandler} over BoringSSL (netty-tcnative) where its
 * library loads, else the JDK's TLS. The certificates are read again on memcached's
 * {@code refresh_certs} command and when their files change (checked every few seconds); new
 * connections get the new ones, open connections keep theirs, and files that do not load (half
 * written, mismatched) leave the previous certificates in use, with a warning.
 */
final class TlsContext {

    private static final Logger LOG = Logger.getLogger(TlsContext.class);

    private final TlsSettings settings;
    private final SslProvider provider;
    private final Clock clock;
    private volatile SslContext context;
    private volatile List<FileTime> loadedVersions;
    private volatile long refreshedAtMillis;

    private TlsContext(TlsSettings settings, boolean openSsl, Clock clock) {
        this.settings = settings;
        this.provider = openSsl && OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        this.clock = clock;
    }

    /**
     * Loads the certificates; {@code openSsl} false keeps to the JDK's TLS (a native image).
     *
     * @throws IllegalArgumentException naming what could not be loaded
     */
    static TlsContext load(TlsSettings settings, boolean openSsl, Clock clock) {
        TlsContext tls = new TlsContext(settings, openSsl, clock);
        Optional<String> error = tls.refresh();
        if (error.isPresent()) {
            throw new IllegalArgumentException(error.get());
        }
        return tls;
    }

    /** A handler for a new connection, with the certificates in force now. */
    SslHandler newHandler(ByteBufAllocator allocator) {
        return context.newHandler(allocator);
    }

    /** refresh_certs: reads the files again; empty if they loaded, else why not (the old ones stay). */
    synchronized Optional<String> refresh() {
        List<FileTime> versions = versions();
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(settings.certificateChain().toFile(), settings.privateKey().toFile())
                    .sslProvider(provider)
                    .protocols(settings.protocols())
                    .clientAuth(switch (settings.verify()) {
                        case NONE -> ClientAuth.NONE;
                        case REQUEST, ONCE -> ClientAuth.OPTIONAL;
                        case REQUIRE -> ClientAuth.REQUIRE;
                    });
            settings.clientCa().ifPresent(ca -> builder.trustManager(ca.toFile()));
            if (!settings.ciphers().isEmpty()) {
                builder.ciphers(settings.ciphers());
            }
            context = builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            return Optional.of("cannot load the TLS certificate " + settings.certificateChain() + " and key "
                    + settings.privateKey() + ": " + rootMessage(e));
        }
        loadedVersions = versions;
        refreshedAtMillis = clock.millis();
        return Optional.empty();
    }

    /** Reloads if a file changed since the last load; a failure is logged once per change. */
    void refreshIfChanged() {
        List<FileTime> now = versions();
        if (now.equals(loadedVersions)) {
            return;
        }
        Optional<String> error = refresh();
        if (error.isPresent()) {
            LOG.warnf("TLS certificates changed on disk but were not loaded, the previous ones stay in use: %s", error.get());
            loadedVersions = now; // tried: wait for the next change
        } else {
            LOG.infof("TLS certificates reloaded from %s", settings.certificateChain());
        }
    }

    /** Seconds since the certificates were last loaded: memcached's time_since_server_cert_refresh. */
    long secondsSinceRefresh() {
        return (clock.millis() - refreshedAtMillis) / 1000;
    }

    TlsSettings settings() {
        return settings;
    }

    /** Which TLS implementation serves: "openssl" (BoringSSL) or "jdk". */
    String provider() {
        return provider == SslProvider.OPENSSL ? "openssl" : "jdk";
    }

    private List<FileTime> versions() {
        List<FileTime> times = new ArrayList<>();
        List<Path> files = new ArrayList<>(List.of(settings.certificateChain(), settings.privateKey()));
        settings.clientCa().ifPresent(files::add);
        for (Path file : files) {
            try {
                times.add(Files.getLastModifiedTime(file));
            } catch (IOException e) {
                times.add(FileTime.fromMillis(-1));
            }
        }
        return times;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + cause.getMessage() + ")";
    }
}
