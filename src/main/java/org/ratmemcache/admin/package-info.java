/**
 * The REST admin API under {@code /admin}: stats, flush, keys, a key's metadata, the effective
 * configuration. It reads the cache through {@link org.ratmemcache.core.CacheView}.
 */
package org.ratmemcache.admin;
