package org.ratmemcache.server;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** memcached's -l list and -a mask, read as memcached reads them. */
class ListenAddressTest {

    @Test
    void aListOfAddressesEachWithItsOwnPortOrTheDefault() {
        assertThat(ListenAddress.parseAll("127.0.0.1", 11211)).containsExactly(new ListenAddress.Tcp("127.0.0.1", 11211));
        assertThat(ListenAddress.parseAll("127.0.0.1, [::1]:11300,10.0.0.1:11400,::1,localhost", 11211)).containsExactly(
                new ListenAddress.Tcp("127.0.0.1", 11211), new ListenAddress.Tcp("::1", 11300),
                new ListenAddress.Tcp("10.0.0.1", 11400), new ListenAddress.Tcp("::1", 11211),
                new ListenAddress.Tcp("localhost", 11211));
        assertThat(ListenAddress.parseAll("[fe80::1]", 11211)).containsExactly(new ListenAddress.Tcp("fe80::1", 11211));
    }

    @Test
    void notlsKeepsAListenerPlainBesideTls() {
        assertThat(ListenAddress.parseAll("notls:127.0.0.1:11212,[::1]:11213,notls:[::1]", 11211)).containsExactly(
                new ListenAddress.Tcp("127.0.0.1", 11212, true), new ListenAddress.Tcp("::1", 11213, false),
                new ListenAddress.Tcp("::1", 11211, true));
        assertThat(new ListenAddress.Tcp("127.0.0.1", 11212, true)).hasToString("notls:127.0.0.1:11212");
    }

    @Test
    void badEntriesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ListenAddress.parseAll("127.0.0.1,", 11211)).hasMessageContaining("empty address");
        assertThatThrownBy(() -> ListenAddress.parseAll("127.0.0.1:70000", 11211)).hasMessageContaining("0..65535");
        assertThatThrownBy(() -> ListenAddress.parseAll("127.0.0.1:99999999999", 11211)).hasMessageContaining("0..65535");
    }

    @Test
    void addressesPrintAsTheyAreWritten() {
        assertThat(new ListenAddress.Tcp("::1", 11211)).hasToString("[::1]:11211");
        assertThat(new ListenAddress.Tcp("0.0.0.0", 11211)).hasToString("0.0.0.0:11211");
        assertThat(new ListenAddress.UnixSocket(Path.of("/run/m.sock"), 0700)).hasToString("unix:/run/m.sock");
    }

    @Test
    void theMaskIsOctalPermissionBits() {
        assertThat(ListenAddress.parseMask("700")).isEqualTo(0700);
        assertThat(ListenAddress.parseMask("0770")).isEqualTo(0770);
        assertThatThrownBy(() -> ListenAddress.parseMask("800")).hasMessageContaining("octal");
        assertThatThrownBy(() -> ListenAddress.parseMask("7777")).hasMessageContaining("0..777");
        assertThat(UnixSocketFile.permissions(0750)).hasToString("[OWNER_READ, OWNER_WRITE, OWNER_EXECUTE, GROUP_READ, GROUP_EXECUTE]");
    }
}
