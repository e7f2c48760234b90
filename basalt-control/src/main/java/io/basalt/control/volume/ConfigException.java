package io.basalt.control.volume;

/**
 * Bad input from the command line or the config file. The message is one line that names the
 * offending flag or key; the CLI prints it and exits with the usage-error code, without a stack trace.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message, null, false, false);
    }

    /** The same problem, with where it was found ("--volume", "basalt.yaml: volumes[2]") in front. */
    public ConfigException at(String where) {
        return new ConfigException(where + ": " + getMessage());
    }
}
