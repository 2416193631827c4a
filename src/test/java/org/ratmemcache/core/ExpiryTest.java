package org.ratmemcache.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExpiryTest {

    private static final long NOW = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    @Test
    void zeroNeverExpires() {
        assertThat(Expiry.fromExptime(0, NOW)).isEqualTo(Expiry.NEVER);
        assertThat(Expiry.isExpired(Expiry.NEVER, Long.MAX_VALUE)).isFalse();
    }

    @Test
    void upToThirtyDaysIsRelative() {
        assertThat(Expiry.fromExptime(1, NOW)).isEqualTo(NOW + 1000);
        assertThat(Expiry.fromExptime(2_592_000, NOW)).isEqualTo(NOW + 2_592_000_000L);
    }

    @Test
    void aboveThirtyDaysIsAnAbsoluteUnixTime() {
        assertThat(Expiry.fromExptime(2_592_001, NOW)).isEqualTo(2_592_001_000L);
        assertThat(Expiry.isExpired(Expiry.fromExptime(2_592_001, NOW), NOW)).isTrue();
        long inAnHour = NOW / 1000 + 3600;
        assertThat(Expiry.fromExptime(inAnHour, NOW)).isEqualTo(inAnHour * 1000);
    }

    @Test
    void anAbsoluteTimePast2038IsKeptAndOneBeyondMillisecondsIsAsGoodAsNever() {
        assertThat(Expiry.fromExptime(2_147_483_648L, NOW)).isEqualTo(2_147_483_648_000L);
        assertThat(Expiry.isExpired(Expiry.fromExptime(2_147_483_648L, NOW), NOW)).isFalse();
        assertThat(Expiry.fromExptime(Long.MAX_VALUE, NOW)).isEqualTo(Long.MAX_VALUE);
        assertThat(Expiry.isExpired(Expiry.fromExptime(Long.MAX_VALUE, NOW), NOW)).isFalse();
    }

    @Test
    void negativeIsAlreadyExpired() {
        assertThat(Expiry.isExpired(Expiry.fromExptime(-1, NOW), NOW)).isTrue();
        assertThat(Expiry.isExpired(Expiry.fromExptime(Integer.MIN_VALUE, NOW), NOW)).isTrue();
    }

    @Test
    void expiresAtTheInstantNotBefore() {
        long at = Expiry.fromExptime(10, NOW);
        assertThat(Expiry.isExpired(at, at - 1)).isFalse();
        assertThat(Expiry.isExpired(at, at)).isTrue();
    }
}
