package org.ratmemcache.admin;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Percentiles of one interval from two cumulative snapshots of the latency histogram. */
class LatencyPercentilesTest {

    private static final double[] BOUNDS = {1_000, 10_000, 100_000, 1_000_000};

    @Test
    void anIntervalCountsOnlyWhatHappenedInIt() {
        // before: 50 fast commands; after: 100 more, of which 89 up to 10 us, 10 up to 100 us, 1 up to 1 ms
        LatencyPercentiles.Snapshot before = new LatencyPercentiles.Snapshot(BOUNDS, new double[] {50, 50, 50, 50}, 50);
        LatencyPercentiles.Snapshot after = new LatencyPercentiles.Snapshot(BOUNDS, new double[] {50, 139, 149, 150}, 150);

        LatencyPercentiles interval = LatencyPercentiles.between(before, after);

        assertThat(interval).isEqualTo(new LatencyPercentiles(100, 10, 100, 1_000));
    }

    @Test
    void aCommandAboveTheRangeIsReportedAtItsTopBound() {
        LatencyPercentiles.Snapshot after = new LatencyPercentiles.Snapshot(BOUNDS, new double[] {0, 0, 0, 0}, 2);

        assertThat(LatencyPercentiles.between(LatencyPercentiles.Snapshot.EMPTY, after).p50Micros()).isEqualTo(1_000);
    }

    @Test
    void anIntervalWithoutCommandsHasNoPercentiles() {
        LatencyPercentiles.Snapshot same = new LatencyPercentiles.Snapshot(BOUNDS, new double[] {5, 5, 5, 5}, 5);

        assertThat(LatencyPercentiles.between(same, same)).isNull();
        assertThat(LatencyPercentiles.between(LatencyPercentiles.Snapshot.EMPTY, LatencyPercentiles.Snapshot.EMPTY)).isNull();
    }
}
