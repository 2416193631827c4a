/**
 * The disk tier (L2) on RocksDB: {@link org.ratmemcache.storage.rocksdb.RocksDbTier}, found by the
 * library through {@link org.ratmemcache.storage.rocksdb.RocksDbTierProvider}. It stores what the
 * engine gives it and knows no memcached semantics. ARCHITECTURE.md, at the repository's root,
 * places it in the whole.
 */
package org.ratmemcache.storage.rocksdb;
