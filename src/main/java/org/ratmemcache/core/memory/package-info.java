/**
 * The memory tier (L1): entries in a concurrent map, bounded in bytes and items, ordered by an
 * eviction policy that reads never lock. ARCHITECTURE.md, at the repository's root, places it in
 * the whole.
 */
package org.ratmemcache.core.memory;
