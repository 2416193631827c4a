package org.ratmemcache.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The packaged application's command line: memcached's own flags, so that it replaces memcached
 * in a unit file or a container unchanged, and the original RatMemCache's. Each flag becomes a
 * {@code ratmemcache.*} setting (see {@link #settings()}), which outranks every other source.
 */
@Command(name = "ratmemcache", sortOptions = false, usageHelpAutoWidth = true,
        description = "A memcached-compatible cache with a persistent tier. Flags override every other setting.",
        footer = "%nEvery setting can also be given as -Dratmemcache.KEY=VALUE or RATMEMCACHE_KEY=VALUE (see README.md).")
public final class LaunchFlags {

    private static final Pattern ITEM_SIZE = Pattern.compile("(\\d+)([kKmM]?)");
    private static final Pattern HOST_PORT = Pattern.compile("(?:\\[([^]]+)]|([^:]+)):(\\d+)");

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--port"}, paramLabel = "NUM", description = "TCP port to listen on (default: 11211)")
    Integer port;

    @Option(names = {"-l", "--listen"}, paramLabel = "ADDR", description = "interfaces to listen on, comma-separated, "
            + "each optionally ADDR:PORT (default: 0.0.0.0)")
    String listen;

    @Option(names = {"-s", "--unix-socket"}, paramLabel = "FILE", description = "Unix-domain socket to listen on "
            + "(disables network support)")
    Path unixSocket;

    @Option(names = {"-a", "--unix-mask"}, paramLabel = "MASK", description = "access mask for the Unix-domain socket, "
            + "in octal (default: 700)")
    String unixMask;

    @Option(names = {"-m", "--memory-limit"}, paramLabel = "MB", description = "item memory in megabytes (default: 64)")
    Long memoryMegabytes;

    @Option(names = {"-c", "--conn-limit"}, paramLabel = "NUM", description = "max simultaneous connections (default: 1024)")
    Integer connections;

    @Option(names = {"-t", "--threads"}, paramLabel = "NUM", description = "number of threads to use (default: one per processor)")
    Integer threads;

    @Option(names = {"-I", "--max-item-size"}, paramLabel = "SIZE", description = "max item size, with a k or m suffix (default: 1m)")
    String itemSizeMax;

    @Option(names = {"-U", "--udp-port"}, paramLabel = "NUM", description = "UDP port: only 0 (off) is accepted")
    Integer udpPort;

    @Option(names = {"-v", "--verbose"}, description = "verbose (-vv: also connection-level events, at debug)")
    boolean[] verbosity = new boolean[0];

    @Option(names = {"-d", "--daemon"}, description = "accepted, with a warning: a JVM does not daemonise itself")
    boolean daemon;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "accepted, with a warning: start it as that user instead")
    String user;

    @Option(names = {"-P", "--pidfile", "--pid-file"}, paramLabel = "FILE", description = "write the process id to FILE")
    Path pidFile;

    @Option(names = {"-D"}, paramLabel = "CHAR", description = "the delimiter between key prefixes and ids, for "
            + "stats detail (default: ':')")
    String prefixDelimiter;

    @Option(names = {"-A", "--enable-shutdown"}, description = "let the shutdown command stop the server")
    boolean enableShutdown;

    @Option(names = {"-X", "--disable-dumping"}, description = "refuse stats cachedump and lru_crawler metadump")
    boolean disableDumping;

    @Option(names = {"-W", "--disable-watch"}, description = "refuse the watch command (live logging)")
    boolean disableWatch;

    @Option(names = {"-F", "--disable-flush-all"}, description = "refuse flush_all")
    boolean disableFlush;

    @Option(names = {"-S", "--enable-sasl"}, description = "require binary SASL PLAIN authentication, users from the "
            + "file MEMCACHED_SASL_PWDB names (the text protocol is then refused)")
    boolean enableSasl;

    @Option(names = {"-Y", "--auth-file"}, paramLabel = "FILE", description = "require text-protocol authentication, "
            + "users from FILE's user:password lines (the binary protocol is then refused)")
    Path authFile;

    @Option(names = {"-Z", "--enable-ssl"}, description = "serve TLS on the memcached port (give -o ssl_chain_cert and ssl_key)")
    boolean enableTls;

    @Option(names = {"-o", "--extended"}, paramLabel = "OPT", split = ",", description = "memcached's extended options, "
            + "comma-separated: ssl_chain_cert=FILE, ssl_key=FILE, ssl_ca_cert=FILE, ssl_verify_mode=0-3, ssl_ciphers=LIST, "
            + "ssl_min_version=tlsv1.2|tlsv1.3; others are accepted with a warning")
    List<String> extended = new ArrayList<>();

    @Option(names = "--bind", paramLabel = "HOST:PORT", description = "address and port to listen on, as the original RatMemCache")
    String bind;

    @Option(names = "--resp-port", paramLabel = "NUM", description = "also serve Redis's protocol (RESP2 and RESP3) on this "
            + "TCP port, e.g. 6379 (default: off)")
    Integer respPort;

    @Option(names = "--config", paramLabel = "FILE", description = "a RatMemCache TOML configuration file")
    Path configFile;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
    boolean help;

    /** The settings the flags give, as {@code ratmemcache.*} configuration keys and values. */
    public Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        if (bind != null && !putHostPort(bind, settings)) {
            throw invalid("--bind takes HOST:PORT, e.g. 0.0.0.0:11211 or [::1]:11211, not '" + bind + "'");
        }
        if (listen != null) {
            // as memcached: ADDR, ADDR:PORT or [V6]:PORT, several separated by commas; an address
            // without a port takes -p's
            if (listen.isBlank() || listen.contains(",,") || listen.startsWith(",") || listen.endsWith(",")) {
                throw invalid("-l takes addresses separated by commas, e.g. 127.0.0.1,[::1]:11212, not '" + listen + "'");
            }
            settings.put("ratmemcache.server.bind", listen);
        }
        if (unixSocket != null) {
            settings.put("ratmemcache.server.unix-socket", unixSocket.toString());
        }
        if (unixMask != null) {
            if (!unixMask.matches("[0-7]{1,4}")) {
                throw invalid("-a takes octal permission bits, e.g. 700 or 770, not '" + unixMask + "'");
            }
            settings.put("ratmemcache.server.unix-socket-mask", unixMask);
        }
        if (port != null) {
            settings.put("ratmemcache.server.port", Integer.toString(port));
        }
        if (memoryMegabytes != null) {
            settings.put("ratmemcache.l1.max-memory", memoryMegabytes + "m");
        }
        if (connections != null) {
            settings.put("ratmemcache.server.max-connections", Integer.toString(connections));
        }
        if (threads != null) {
            settings.put("ratmemcache.server.io-threads", Integer.toString(threads));
        }
        if (itemSizeMax != null) {
            Matcher size = ITEM_SIZE.matcher(itemSizeMax);
            if (!size.matches()) {
                throw invalid("-I takes a size in bytes with an optional k or m suffix, e.g. 2m, not '" + itemSizeMax + "'");
            }
            settings.put("ratmemcache.server.item-size-max", size.group(1) + size.group(2).toLowerCase());
        }
        if (udpPort != null && udpPort != 0) {
            throw invalid("-U " + udpPort + ": UDP is not served (it amplifies attacks); only -U 0 is accepted");
        }
        if (prefixDelimiter != null) {
            if (prefixDelimiter.length() != 1 || prefixDelimiter.charAt(0) > 0x7e || prefixDelimiter.charAt(0) <= ' ') {
                throw invalid("-D takes one printable ASCII character, e.g. ':' or '.', not '" + prefixDelimiter + "'");
            }
            settings.put("ratmemcache.server.stat-key-prefix", prefixDelimiter);
        }
        if (disableWatch) {
            settings.put("ratmemcache.server.watch-command", "false");
        }
        if (disableFlush) {
            settings.put("ratmemcache.server.flush-command", "false");
        }
        if (disableDumping) {
            settings.put("ratmemcache.server.dump-commands", "false");
        }
        if (enableShutdown) {
            settings.put("ratmemcache.server.shutdown-command", "true");
        }
        if (respPort != null) {
            settings.put("ratmemcache.resp.port", Integer.toString(respPort));
        }
        if (enableSasl) {
            settings.put("ratmemcache.server.auth.sasl", "true");
        }
        if (authFile != null) {
            settings.put("ratmemcache.server.auth.ascii-file", authFile.toString());
        }
        if (enableTls) {
            settings.put("ratmemcache.server.tls.enabled", "true");
        }
        for (String option : extended) {
            int equals = option.indexOf('=');
            String name = equals < 0 ? option : option.substring(0, equals);
            String setting = TLS_OPTIONS.get(name);
            if (setting != null) {
                if (equals < 0 || equals == option.length() - 1) {
                    throw invalid("-o " + name + " takes a value: " + name + "=...");
                }
                settings.put(setting, option.substring(equals + 1));
            }
        }
        if (verbosity.length >= 2) {
            settings.put("quarkus.log.category.\"org.ratmemcache\".level", "DEBUG");
        }
        return settings;
    }

    /** Puts the address and port of a {@code HOST:PORT} (or {@code [V6]:PORT}); false if it is not one. */
    private static boolean putHostPort(String address, Map<String, String> settings) {
        Matcher hostPort = HOST_PORT.matcher(address);
        if (!hostPort.matches()) {
            return false;
        }
        settings.put("ratmemcache.server.bind", hostPort.group(1) != null ? hostPort.group(1) : hostPort.group(2));
        settings.put("ratmemcache.server.port", hostPort.group(3));
        return true;
    }

    /** memcached's -o options with a setting here. */
    private static final Map<String, String> TLS_OPTIONS = Map.of(
            "ssl_chain_cert", "ratmemcache.server.tls.certificate-chain",
            "ssl_key", "ratmemcache.server.tls.private-key",
            "ssl_ca_cert", "ratmemcache.server.tls.client-ca",
            "ssl_verify_mode", "ratmemcache.server.tls.verify-mode",
            "ssl_ciphers", "ratmemcache.server.tls.ciphers",
            "ssl_min_version", "ratmemcache.server.tls.min-version");

    /** One-line warnings for flags accepted for compatibility but without effect. */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        for (String option : extended) {
            String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
            if (!TLS_OPTIONS.containsKey(name)) {
                warnings.add("-o " + name + " ignored: a memcached tuning option with no counterpart here");
            }
        }
        if (daemon) {
            warnings.add("-d ignored: a JVM does not daemonise itself; run RatMemCache under systemd or in a container");
        }
        if (user != null) {
            warnings.add("-u " + user + " ignored: start RatMemCache as that user (systemd User=, a container's USER)");
        }
        return warnings;
    }

    /** The pid file to write, if one was asked for. */
    public Path pidFile() {
        return pidFile;
    }

    /** The TOML configuration file, if one was given. */
    public Path configFile() {
        return configFile;
    }

    private ParameterException invalid(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
