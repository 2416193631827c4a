package org.ratmemcache.config;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class LaunchFlagsTest {

    private static LaunchFlags parse(String... args) {
        LaunchFlags flags = new LaunchFlags();
        new CommandLine(flags).parseArgs(args);
        return flags;
    }

    @Test
    void memcachedsOwnFlagsBecomeSettings() {
        Map<String, String> settings = parse("-p", "11311", "-l", "127.0.0.1", "-m", "64", "-c", "4096", "-t", "4",
                "-I", "2m", "-U", "0").settings();
        assertThat(settings).containsOnly(
                entry("ratmemcache.server.port", "11311"),
                entry("ratmemcache.server.bind", "127.0.0.1"),
                entry("ratmemcache.l1.max-memory", "64m"),
                entry("ratmemcache.server.max-connections", "4096"),
                entry("ratmemcache.server.io-threads", "4"),
                entry("ratmemcache.server.item-size-max", "2m"));
    }

    @Test
    void attachedValuesAndLongNamesWorkAsWithMemcached() {
        assertThat(parse("-p11311", "-m128", "--max-item-size=512K", "--conn-limit=10").settings()).containsOnly(
                entry("ratmemcache.server.port", "11311"),
                entry("ratmemcache.l1.max-memory", "128m"),
                entry("ratmemcache.server.item-size-max", "512k"),
                entry("ratmemcache.server.max-connections", "10"));
    }

    @Test
    void listenTakesAddressesWithPortsAsMemcachedDoes() {
        // the list reaches the server as given; ListenAddressTest pins how it is read
        assertThat(parse("-l", "10.0.0.1:11300").settings()).containsOnly(entry("ratmemcache.server.bind", "10.0.0.1:11300"));
        assertThat(parse("-l", "127.0.0.1,[::1]:11300", "-p", "11400").settings()).containsOnly(
                entry("ratmemcache.server.bind", "127.0.0.1,[::1]:11300"), entry("ratmemcache.server.port", "11400"));
        assertThat(parse("-l", "::1").settings()).containsOnly(entry("ratmemcache.server.bind", "::1"));
    }

    @Test
    void theAdminCommandsFlagsAsMemcachedTakesThem() {
        assertThat(parse("-D", ".", "-A", "-X", "-W", "-F").settings()).containsOnly(
                entry("ratmemcache.server.stat-key-prefix", "."),
                entry("ratmemcache.server.shutdown-command", "true"),
                entry("ratmemcache.server.dump-commands", "false"),
                entry("ratmemcache.server.watch-command", "false"),
                entry("ratmemcache.server.flush-command", "false"));
        assertThatThrownBy(() -> parse("-D", "::").settings()).isInstanceOf(ParameterException.class)
                .hasMessageContaining("one printable ASCII character");
    }

    @Test
    void authenticationAsMemcachedsDashSAndDashY() {
        assertThat(parse("-S", "-Y", "/etc/ratmemcache/users").settings()).containsOnly(
                entry("ratmemcache.server.auth.sasl", "true"),
                entry("ratmemcache.server.auth.ascii-file", "/etc/ratmemcache/users"));
    }

    @Test
    void tlsAsMemcachedsDashZAndItsSslOptions() {
        LaunchFlags flags = parse("-Z", "-o", "ssl_chain_cert=/etc/tls/chain.pem,ssl_key=/etc/tls/key.pem",
                "-o", "ssl_ca_cert=/etc/tls/ca.pem,ssl_verify_mode=2,ssl_ciphers=ECDHE-RSA-AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256,"
                        + "ssl_min_version=tlsv1.3,modern,hashpower=20", "-l", "notls:127.0.0.1:11212,0.0.0.0");
        assertThat(flags.settings()).containsOnly(
                entry("ratmemcache.server.tls.enabled", "true"),
                entry("ratmemcache.server.tls.certificate-chain", "/etc/tls/chain.pem"),
                entry("ratmemcache.server.tls.private-key", "/etc/tls/key.pem"),
                entry("ratmemcache.server.tls.client-ca", "/etc/tls/ca.pem"),
                entry("ratmemcache.server.tls.verify-mode", "2"),
                entry("ratmemcache.server.tls.ciphers", "ECDHE-RSA-AES128-GCM-SHA256:TLS_AES_128_GCM_SHA256"),
                entry("ratmemcache.server.tls.min-version", "tlsv1.3"),
                entry("ratmemcache.server.bind", "notls:127.0.0.1:11212,0.0.0.0"));
        assertThat(flags.warnings()).containsExactly(
                "-o modern ignored: a memcached tuning option with no counterpart here",
                "-o hashpower ignored: a memcached tuning option with no counterpart here");
        assertThatThrownBy(() -> parse("-o", "ssl_key").settings()).isInstanceOf(ParameterException.class)
                .hasMessageContaining("takes a value");
    }

    @Test
    void aUnixSocketAndItsMaskAsMemcachedTakesThem() {
        assertThat(parse("-s", "/run/ratmemcache.sock", "-a", "770").settings()).containsOnly(
                entry("ratmemcache.server.unix-socket", "/run/ratmemcache.sock"), entry("ratmemcache.server.unix-socket-mask", "770"));
        assertThatThrownBy(() -> parse("-a", "999").settings()).isInstanceOf(ParameterException.class).hasMessageContaining("octal");
    }

    @Test
    void itemSizeTakesPlainBytesToo() {
        assertThat(parse("-I", "65536").settings()).containsEntry("ratmemcache.server.item-size-max", "65536");
    }

    @Test
    void debiansMemcachedConfFlagsAreAcceptedAndWarnedAbout() {
        LaunchFlags flags = parse("-d", "-u", "memcache", "-P", "/run/memcached/memcached.pid", "-l", "127.0.0.1", "-m", "64",
                "-p", "11211");
        assertThat(flags.pidFile()).isEqualTo(Path.of("/run/memcached/memcached.pid"));
        assertThat(flags.warnings()).hasSize(2)
                .anySatisfy(w -> assertThat(w).startsWith("-d ignored"))
                .anySatisfy(w -> assertThat(w).startsWith("-u memcache ignored"));
        assertThat(flags.settings()).containsEntry("ratmemcache.server.bind", "127.0.0.1");
    }

    @Test
    void theOriginalsFlags() {
        LaunchFlags flags = parse("--bind", "[::1]:11400", "--config", "rat.toml", "--pid-file", "rat.pid");
        assertThat(flags.settings()).containsOnly(entry("ratmemcache.server.bind", "::1"), entry("ratmemcache.server.port", "11400"));
        assertThat(flags.configFile()).isEqualTo(Path.of("rat.toml"));
        assertThat(flags.pidFile()).isEqualTo(Path.of("rat.pid"));
        assertThat(parse("--bind", "10.0.0.1:11211").settings()).containsEntry("ratmemcache.server.bind", "10.0.0.1");
    }

    @Test
    void explicitFlagsOutrankBind() {
        assertThat(parse("--bind", "10.0.0.1:11211", "-p", "11300").settings())
                .containsEntry("ratmemcache.server.bind", "10.0.0.1").containsEntry("ratmemcache.server.port", "11300");
    }

    @Test
    void verbosityTwiceLogsConnectionsAtDebug() {
        assertThat(parse("-v").settings()).isEmpty();
        assertThat(parse("-vv").settings()).containsEntry("quarkus.log.category.\"org.ratmemcache\".level", "DEBUG");
        assertThat(parse("-v", "-v").settings()).containsKey("quarkus.log.category.\"org.ratmemcache\".level");
    }

    @Test
    void badFlagsAreRefused() {
        assertThatThrownBy(() -> parse("--bogus")).isInstanceOf(ParameterException.class).hasMessageContaining("--bogus");
        assertThatThrownBy(() -> parse("-p", "x")).isInstanceOf(ParameterException.class);
        assertThatThrownBy(() -> parse("stray")).isInstanceOf(ParameterException.class);
        assertThatThrownBy(() -> parse("-I", "2g").settings()).isInstanceOf(ParameterException.class).hasMessageContaining("-I");
        assertThatThrownBy(() -> parse("-U", "11211").settings()).isInstanceOf(ParameterException.class).hasMessageContaining("UDP");
        assertThatThrownBy(() -> parse("--bind", "11211").settings()).isInstanceOf(ParameterException.class).hasMessageContaining("HOST:PORT");
        assertThatThrownBy(() -> parse("-l", "127.0.0.1,,10.0.0.1").settings()).isInstanceOf(ParameterException.class)
                .hasMessageContaining("-l");
    }
}
