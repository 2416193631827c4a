package org.ratmemcache.core;

/**
 * Where a key's live item is held, for inspection.
 *
 * @param item     the live item
 * @param inMemory whether memory (L1) holds this version
 * @param onDisk   whether the disk tier (L2) holds this version (a change still waiting for the
 *                 write-back is not on disk yet)
 */
public record Placement(Item item, boolean inMemory, boolean onDisk) {
}
