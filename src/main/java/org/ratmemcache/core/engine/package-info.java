/**
 * The cache engine: {@link org.ratmemcache.core.engine.TieredCache}, memcached's semantics over
 * the memory tier and an optional disk tier, written against collaborators that each do one job
 * and say so in their design notes. {@link org.ratmemcache.core.engine.TieredCacheBuilder} is
 * the only public way in. ARCHITECTURE.md, at the repository's root, places it in the whole.
 */
package org.ratmemcache.core.engine;
