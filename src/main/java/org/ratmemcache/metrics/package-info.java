/** The Micrometer binder: memcached_exporter's metric names, the tiers' figures, and the command latency histogram. */
package org.ratmemcache.metrics;
