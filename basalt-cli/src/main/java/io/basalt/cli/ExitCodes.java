package io.basalt.cli;

/**
 * Exit codes of the API subcommands, for scripts. Documented in docs/operations.md; never renumber.
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** The brick failed (HTTP 5xx), the answer was not JSON (not a brick), or something unexpected. */
    public static final int FAILURE = 1;
    /** Bad command line (see {@link UsageErrorHandler}), or the brick refused the request as invalid (HTTP 400). */
    public static final int USAGE = 2;
    /** No such volume or policy (HTTP 404). */
    public static final int NOT_FOUND = 3;
    /** Conflicts with the current state: name taken with another spec, policy in use (HTTP 409). */
    public static final int CONFLICT = 4;
    /** The API could not be reached (connection refused, timeout), or its URL is not an http(s) URL. */
    public static final int UNREACHABLE = 5;
    /** Missing, invalid or insufficient token (HTTP 401, 403). */
    public static final int DENIED = 6;
    /** Well formed, but the brick cannot do it (HTTP 422: shrink, grow a RAM volume, compression). */
    public static final int UNSUPPORTED = 7;
    /** The brick cannot serve the request now: its cluster's metadata store (etcd) is unreachable (HTTP 503). Retry. */
    public static final int UNAVAILABLE = 8;
    /** {@code volume verify} found replicas that differ. */
    public static final int DIFFERENT = 9;

    private ExitCodes() {
    }

    public static int of(int httpStatus) {
        return switch (httpStatus) {
            case 400, 405, 413, 415 -> USAGE;
            case 401, 403 -> DENIED;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            case 422 -> UNSUPPORTED;
            case 503 -> UNAVAILABLE;
            default -> FAILURE;
        };
    }
}
