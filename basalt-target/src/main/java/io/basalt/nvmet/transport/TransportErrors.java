package io.basalt.nvmet.transport;

import io.basalt.nvme.tcp.TermReq;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What hosts did wrong on a target's connections: fatal transport errors counted by reason (for
 * metrics), and the {@link LogLimiter}s every line a host can cause goes through, so a hostile host
 * cannot fill the disk through the log. One per target, shared by its connections.
 */
public final class TransportErrors {
    private static final Logger LOG = LoggerFactory.getLogger(TransportErrors.class);

    /** Why a connection ended with a C2HTermReq: its fatal error status (FES). */
    public enum Reason {
        INVALID_HEADER_FIELD(TermReq.FES_INVALID_HEADER_FIELD, "invalid header field"),
        PDU_SEQUENCE_ERROR(TermReq.FES_PDU_SEQUENCE_ERROR, "PDU sequence error"),
        HEADER_DIGEST_ERROR(TermReq.FES_HEADER_DIGEST_ERROR, "header digest error"),
        DATA_OUT_OF_RANGE(TermReq.FES_DATA_OUT_OF_RANGE, "data out of range"),
        DATA_LIMIT_EXCEEDED(TermReq.FES_DATA_LIMIT_EXCEEDED, "data limit exceeded"),
        UNSUPPORTED_PARAMETER(TermReq.FES_UNSUPPORTED_PARAMETER, "unsupported parameter");

        private final int fes;
        private final String description;

        Reason(int fes, String description) {
            this.fes = fes;
            this.description = description;
        }

        public int fes() {
            return fes;
        }

        /** For the log: "invalid header field". */
        public String description() {
            return description;
        }

        /** For a metric tag: "invalid_header_field". */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Reason of(int fes) {
            for (Reason r : values()) {
                if (r.fes == fes) {
                    return r;
                }
            }
            throw new IllegalArgumentException("not a fatal error status: " + fes);
        }
    }

    private final LongAdder[] fatal = new LongAdder[Reason.values().length];
    /** What hosts do wrong: malformed PDUs, refused Connects, socket errors. */
    private final LogLimiter errorLines;
    /**
     * Admitted controllers coming and going. A budget of their own, so that a host flooding the
     * log with errors cannot hide another host's keep-alive timeout or disconnect.
     */
    private final LogLimiter lifecycleLines;

    /** With the default log limits and the real clock. */
    public TransportErrors() {
        this(LogLimiter.Limits.defaults(), System::nanoTime);
    }

    /** With the given log limits and clock: tests pass a fake clock so windows end when they say. */
    public TransportErrors(LogLimiter.Limits limits, LongSupplier clock) {
        this.errorLines = new LogLimiter(limits, clock, TransportErrors::logSuppressed);
        this.lifecycleLines = new LogLimiter(limits, clock, TransportErrors::logSuppressed);
        for (int i = 0; i < fatal.length; i++) {
            fatal[i] = new LongAdder();
        }
    }

    private static void logSuppressed(String summary) {
        LOG.warn("{}", summary);
    }

    /** Counts a fatal error; returns its reason if a line about it may be logged now, else null. */
    Reason countFatal(int fes, SocketAddress remote) {
        Reason r = Reason.of(fes);
        fatal[r.ordinal()].increment();
        return mayLogError(remote, r.description()) ? r : null;
    }

    /** Connections ended with a C2HTermReq for this reason since the target started. */
    public long fatalErrors(Reason reason) {
        return fatal[reason.ordinal()].sum();
    }

    /** Whether a line about something a host did wrong may be logged now; if not, it is counted. */
    public boolean mayLogError(SocketAddress remote, String reason) {
        return errorLines.admit(remote, reason);
    }

    /** Whether a line about a controller connecting, leaving or timing out may be logged now. */
    public boolean mayLogLifecycle(SocketAddress remote, String reason) {
        return lifecycleLines.admit(remote, reason);
    }

    /** Logs the summaries of the windows that are over; the target runs it periodically. */
    public void sweep() {
        errorLines.sweep();
        lifecycleLines.sweep();
    }

    /** Logs every summary now (the target is stopping). */
    public void flush() {
        errorLines.flush();
        lifecycleLines.flush();
    }
}
