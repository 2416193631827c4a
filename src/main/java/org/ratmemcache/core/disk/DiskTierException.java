package org.ratmemcache.core.disk;

/** The disk tier failed: an I/O error, a full disk, a closed tier. */
public class DiskTierException extends Exception {

    public DiskTierException(String message, Throwable cause) {
        super(message, cause);
    }

    public DiskTierException(String message) {
        super(message);
    }
}
