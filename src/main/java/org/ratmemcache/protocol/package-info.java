/**
 * What the protocol parsers share: their result ({@link org.ratmemcache.protocol.Parsed}) and the
 * reading of a value's bytes as they arrive.
 */
package org.ratmemcache.protocol;
