/**
 * The cache's contract, in plain Java: {@link org.ratmemcache.core.Cache} for commands,
 * {@link org.ratmemcache.core.CacheView} for what operations read, the values they exchange, and
 * {@link org.ratmemcache.core.RatMemCache}, the cache as a library. ARCHITECTURE.md, at the
 * repository's root, shows how a request flows through it.
 */
package org.ratmemcache.core;
