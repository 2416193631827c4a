/**
 * The contract a disk tier (L2) fulfils for the engine: {@link org.ratmemcache.core.disk.DiskTier}
 * stores what it is given and knows no memcached semantics; a provider found through the
 * ServiceLoader opens one for the library. {@code storage.rocksdb} is the implementation.
 * ARCHITECTURE.md, at the repository's root, places it in the whole.
 */
package org.ratmemcache.core.disk;
