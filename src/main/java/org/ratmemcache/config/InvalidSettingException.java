package org.ratmemcache.config;

/**
 * A setting the service cannot start with: its message is one line that names the key and the
 * problem, and that is all the operator sees.
 */
public final class InvalidSettingException extends RuntimeException {

    public InvalidSettingException(String key, String problem) {
        super(key + ": " + problem);
    }

    public InvalidSettingException(String key, String problem, Throwable cause) {
        super(key + ": " + problem, cause);
    }
}
