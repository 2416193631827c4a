/** LZ4 compression of values in memory (and on disk when RocksDB does not compress). */
package org.ratmemcache.core.compress;
