package io.basalt.initiator.bench;

import org.HdrHistogram.Histogram;

import java.util.Locale;

/** The numbers of a finished run, as text for people and JSON for machines. */
record BenchReport(BenchSettings settings, double seconds, Stats read, Stats write, long statusErrors,
                   long transportErrors, long timeouts, long verifyErrors, long verifiedNewer, String firstError,
                   Failover failover) {

    /**
     * What multipath did: I/Os that failed on a path and were issued on another (invisible to the
     * workers), the longest any of them waited, and those that found no usable path in time.
     */
    record Failover(int paths, long failedOver, long longestPauseNanos, long noPathFailures) {
    }

    /** One direction's totals; the histogram is in nanoseconds. */
    record Stats(long ops, long bytes, Histogram latency) {
        double iops(double seconds) {
            return seconds > 0 ? ops / seconds : 0;
        }

        double mibps(double seconds) {
            return seconds > 0 ? bytes / seconds / (1 << 20) : 0;
        }
    }

    static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    long errors() {
        return statusErrors + transportErrors + timeouts;
    }

    String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s bs=%s iodepth=%d queues=%d runtime=%.1fs%n", settings.rw(),
                Sizes.format(settings.bs()), settings.iodepth(), settings.queues(), seconds));
        line(b, "read", read);
        line(b, "write", write);
        b.append(String.format(Locale.ROOT, "  errors: status=%d transport=%d timeout=%d verify=%d%n", statusErrors,
                transportErrors, timeouts, verifyErrors));
        if (failover != null) {
            b.append(String.format(Locale.ROOT, "  multipath: paths=%d failed-over=%d longest-pause=%.1fms"
                            + " no-path=%d%n", failover.paths(), failover.failedOver(),
                    failover.longestPauseNanos() / 1e6, failover.noPathFailures()));
        }
        if (firstError != null) {
            b.append("  first error: ").append(firstError).append('\n');
        }
        return b.toString();
    }

    private void line(StringBuilder b, String name, Stats st) {
        if (st.ops() == 0) {
            return;
        }
        Histogram h = st.latency();
        b.append(String.format(Locale.ROOT, "  %-5s: IOPS=%.0f BW=%.1fMiB/s ops=%d%n", name, st.iops(seconds),
                st.mibps(seconds), st.ops()));
        b.append(String.format(Locale.ROOT, "    lat (us): avg=%.2f p50=%.2f p90=%.2f p99=%.2f p99.9=%.2f "
                        + "p99.99=%.2f max=%.2f%n", h.getMean() / 1e3, us(h, 50), us(h, 90), us(h, 99), us(h, 99.9),
                us(h, 99.99), h.getMaxValue() / 1e3));
    }

    private static double us(Histogram h, double p) {
        return h.getValueAtPercentile(p) / 1e3;
    }

    String json() {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"target\": \"").append(settings.target().getHostString()).append(':')
                .append(settings.target().getPort()).append("\",\n");
        b.append("  \"nqn\": \"").append(escape(settings.nqn())).append("\",\n");
        b.append("  \"rw\": \"").append(settings.rw()).append("\",\n");
        b.append("  \"bs\": ").append(settings.bs()).append(",\n");
        b.append("  \"iodepth\": ").append(settings.iodepth()).append(",\n");
        b.append("  \"queues\": ").append(settings.queues()).append(",\n");
        b.append("  \"runtime_s\": ").append(String.format(Locale.ROOT, "%.3f", seconds)).append(",\n");
        jsonStats(b, "read", read);
        jsonStats(b, "write", write);
        b.append("  \"errors\": {\"status\": ").append(statusErrors).append(", \"transport\": ").append(transportErrors)
                .append(", \"timeout\": ").append(timeouts).append(", \"verify\": ").append(verifyErrors).append("}");
        if (failover != null) {
            b.append(",\n  \"multipath\": {\"paths\": ").append(failover.paths()).append(", \"failed_over\": ")
                    .append(failover.failedOver()).append(", \"longest_pause_ns\": ").append(failover.longestPauseNanos())
                    .append(", \"no_path\": ").append(failover.noPathFailures()).append('}');
        }
        b.append('\n');
        return b.append("}\n").toString();
    }

    private void jsonStats(StringBuilder b, String name, Stats st) {
        Histogram h = st.latency();
        b.append("  \"").append(name).append("\": {\"ops\": ").append(st.ops())
                .append(String.format(Locale.ROOT, ", \"iops\": %.1f, \"mib_per_s\": %.2f", st.iops(seconds),
                        st.mibps(seconds)))
                .append(", \"lat_ns\": {\"avg\": ").append(String.format(Locale.ROOT, "%.1f", h.getMean()));
        b.append(", \"p50\": ").append(h.getValueAtPercentile(50));
        b.append(", \"p90\": ").append(h.getValueAtPercentile(90));
        b.append(", \"p99\": ").append(h.getValueAtPercentile(99));
        b.append(", \"p99.9\": ").append(h.getValueAtPercentile(99.9));
        b.append(", \"p99.99\": ").append(h.getValueAtPercentile(99.99));
        b.append(", \"max\": ").append(h.getMaxValue()).append("}},\n");
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
