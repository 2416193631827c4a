package org.ratmemcache.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.prometheus.client.Collector;

import org.ratmemcache.server.CommandLatency;

/**
 * Serves the command latency histogram ({@link CommandLatency}) to Prometheus under the names a
 * Micrometer timer would have: {@code ratmemcache_command_duration_seconds} with its
 * {@code _bucket}, {@code _count} and {@code _sum} series and a {@code _max} gauge, by protocol.
 * It reads the event loops' counts at each scrape, so that recording stays off shared memory.
 */
final class LatencyCollector extends Collector {

    static final String NAME = "ratmemcache_command_duration_seconds";
    private static final List<String> PROTOCOL = List.of("protocol");
    private static final List<String> PROTOCOL_AND_BOUND = List.of("protocol", "le");
    private static final double NANOS_PER_SECOND = 1e9;

    private final CommandLatency latency;
    private final String[] bounds;

    LatencyCollector(CommandLatency latency) {
        this.latency = latency;
        long[] nanos = CommandLatency.boundsNanos();
        this.bounds = new String[nanos.length + 1];
        for (int i = 0; i < nanos.length; i++) {
            bounds[i] = doubleToGoString(nanos[i] / NANOS_PER_SECOND);
        }
        bounds[nanos.length] = "+Inf";
    }

    @Override
    public List<MetricFamilySamples> collect() {
        List<MetricFamilySamples.Sample> histogram = new ArrayList<>();
        List<MetricFamilySamples.Sample> maxima = new ArrayList<>();
        for (CommandLatency.Protocol protocol : CommandLatency.Protocol.values()) {
            String name = protocol.name().toLowerCase(Locale.ROOT);
            CommandLatency.Snapshot snapshot = latency.snapshot(protocol);
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += snapshot.counts()[i];
                histogram.add(new MetricFamilySamples.Sample(NAME + "_bucket", PROTOCOL_AND_BOUND, List.of(name, bounds[i]), cumulative));
            }
            histogram.add(new MetricFamilySamples.Sample(NAME + "_count", PROTOCOL, List.of(name), cumulative));
            histogram.add(new MetricFamilySamples.Sample(NAME + "_sum", PROTOCOL, List.of(name), snapshot.sumNanos() / NANOS_PER_SECOND));
            maxima.add(new MetricFamilySamples.Sample(NAME + "_max", PROTOCOL, List.of(name), snapshot.maxNanos() / NANOS_PER_SECOND));
        }
        return List.of(
                new MetricFamilySamples(NAME, Type.HISTOGRAM,
                        "From the start of reading a command to its reply, a wait for the disk included.", histogram),
                new MetricFamilySamples(NAME + "_max", Type.GAUGE, "The longest command of the last minute or two.", maxima));
    }
}
