/**
 * The disk tier (L2) as an append-only log: {@link org.ratmemcache.storage.log.LogTier}. Records
 * go to segment files in the order they are written, and a directory in memory says where each
 * key's record lies. ARCHITECTURE.md, at the repository's root, places it in the whole.
 */
package org.ratmemcache.storage.log;
