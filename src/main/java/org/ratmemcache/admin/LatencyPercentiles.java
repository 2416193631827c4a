package org.ratmemcache.admin;

/**
 * Percentiles of the commands of one interval, read off the latency histogram: the difference of
 * two snapshots of its cumulative bucket counts. A percentile is the upper bound of the bucket in
 * which it falls, so it is never understated, and overstated by at most one bucket's width.
 *
 * @param count how many commands completed in the interval
 */
public record LatencyPercentiles(long count, double p50Micros, double p99Micros, double p999Micros) {

    /**
     * The histogram at one moment.
     *
     * @param boundsNanos each bucket's upper bound, ascending
     * @param cumulative  the commands at or below each bound since the start
     * @param count       every command since the start, those above the last bound too
     */
    record Snapshot(double[] boundsNanos, double[] cumulative, long count) {

        static final Snapshot EMPTY = new Snapshot(new double[0], new double[0], 0);
    }

    /** The interval from {@code before} to {@code after}; null when no command completed in it. */
    static LatencyPercentiles between(Snapshot before, Snapshot after) {
        long total = after.count() - before.count();
        if (total <= 0 || after.boundsNanos().length == 0) {
            return null;
        }
        return new LatencyPercentiles(total, micros(before, after, total * 0.50), micros(before, after, total * 0.99),
                micros(before, after, total * 0.999));
    }

    /** The bound of the first bucket whose count in the interval reaches {@code rank}. */
    private static double micros(Snapshot before, Snapshot after, double rank) {
        double[] bounds = after.boundsNanos();
        boolean sameBuckets = before.cumulative().length == bounds.length;
        for (int i = 0; i < bounds.length; i++) {
            double inInterval = after.cumulative()[i] - (sameBuckets ? before.cumulative()[i] : 0);
            if (inInterval >= rank) {
                return bounds[i] / 1000;
            }
        }
        // above the histogram's range: its last bound is all that is known
        return bounds[bounds.length - 1] / 1000;
    }
}
