package io.basalt.initiator.bench;

import io.basalt.initiator.multipath.MultipathSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code basalt bench}: a load generator that measures an NVMe/TCP target the way fio and SPDK's
 * perf do, through the basalt-initiator library. Exit codes: 0 success, 1 verification failed or
 * the run failed, 2 usage error.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Drive an NVMe/TCP target and report IOPS, bandwidth and latency.",
                "--iodepth is per queue; every queue runs on its own event loop thread.",
                "Several --target addresses (comma-separated) or --discover connect every path of the subsystem "
                        + "(multipath): I/O goes where its namespace is ANA optimized and moves on a path failure.",
                "--verify writes self-describing blocks (LBA, generation, CRC32C) and checks every read "
                        + "against the last acknowledged write. --verify-log records acknowledged writes; "
                        + "--verify-only --verify-log FILE reads them all back after a crash."})
public final class BenchCommand implements Callable<Integer> {
    /** The host NQN used unless --hostnqn says otherwise. */
    public static final String HOST_NQN_DEFAULT = "nqn.2026-01.io.basalt:bench-host";

    @Spec
    CommandSpec spec;

    @Option(names = "--target", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "target address; several are paths of one subsystem (multipath)")
    String target;

    @Option(names = "--discover", paramLabel = "HOST:PORT",
            description = "read this discovery controller's log and connect every port it lists for --nqn (multipath)")
    String discover;

    @Option(names = "--no-path-timeout", paramLabel = "SECS",
            description = "multipath: how long an I/O waits for a usable path before it fails (default: 30)")
    int noPathTimeout = MultipathSettings.NO_PATH_TIMEOUT_MILLIS_DEFAULT / 1000;

    @Option(names = "--nqn", required = true, description = "subsystem NQN")
    String nqn;

    @Option(names = "--hostnqn", description = "host NQN (default: ${DEFAULT-VALUE})")
    String hostNqn = HOST_NQN_DEFAULT;

    @Option(names = "--nsid", description = "namespace ID (default: the first active one)")
    int nsid;

    @Option(names = "--rw", required = true, description = "read, write, randread, randwrite or randrw")
    BenchSettings.Pattern rw;

    @Option(names = "--rwmixread", paramLabel = "PCT", description = "reads in percent for randrw (default: 50)")
    int rwmixread = 50;

    @Option(names = "--bs", required = true, paramLabel = "SIZE", description = "I/O size, e.g. 4k, 128k")
    String bs;

    @Option(names = "--iodepth", required = true, description = "commands in flight per queue")
    int iodepth;

    @Option(names = "--queues", description = "I/O queues, one connection and thread each (default: 1)")
    int queues = 1;

    @Option(names = "--runtime", paramLabel = "SECS", description = "measured seconds (default: 10)")
    int runtime = 10;

    @Option(names = "--ramp", paramLabel = "SECS", description = "unmeasured warm-up seconds (default: 0)")
    int ramp;

    @Option(names = "--size", paramLabel = "SIZE", description = "bytes of the namespace to use (default: all)")
    String size;

    @Option(names = "--verify", description = "write checkable blocks and check every read")
    boolean verify;

    @Option(names = "--verify-log", paramLabel = "FILE", description = "append every acknowledged write here")
    Path verifyLog;

    @Option(names = "--verify-only", description = "read back every write in --verify-log and check it")
    boolean verifyOnly;

    @Option(names = "--hdr-digest", description = "ask for header digests")
    boolean headerDigest;

    @Option(names = "--data-digest", description = "ask for data digests")
    boolean dataDigest;

    @Option(names = "--rate-iops", paramLabel = "N", description = "cap the total rate (default: no cap)")
    long rateIops;

    @Option(names = "--busy-poll", description = "event loops spin instead of sleeping: lowest latency, a busy core per queue")
    boolean busyPoll;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the summary as JSON")
    Path json;

    @Override
    public Integer call() throws Exception {
        BenchSettings s = settings();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        out.println("bench: host NQN " + s.hostNqn());
        Bench bench = new Bench(s, out);
        try {
            if (s.verifyOnly()) {
                Bench.VerifyResult r = bench.verifyOnly();
                return r.failed() == 0 && r.readErrors() == 0 ? 0 : 1;
            }
            BenchReport report = bench.run();
            out.print(report.text());
            out.flush();
            if (s.json() != null) {
                Files.writeString(s.json(), report.json(), StandardCharsets.UTF_8);
            }
            return report.verifyErrors() == 0 && report.read().ops() + report.write().ops() > 0 ? 0 : 1;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (RuntimeException e) {
            err.println("basalt bench: " + e.getMessage());
            return 1;
        }
    }

    BenchSettings settings() {
        if ((target == null) == (discover == null)) {
            throw usage("give --target HOST:PORT[,HOST:PORT...] or --discover HOST:PORT");
        }
        List<InetSocketAddress> paths = new ArrayList<>();
        if (target != null) {
            for (String t : target.split(",")) {
                paths.add(parseAddress(t.trim(), "--target"));
            }
        }
        InetSocketAddress discovery = discover == null ? null : parseAddress(discover, "--discover");
        if (noPathTimeout < 0 || noPathTimeout > 86_400) {
            throw usage("--no-path-timeout must be 0..86400 seconds");
        }
        long ioSize = parseSize(bs, "--bs");
        if (ioSize % 512 != 0 || ioSize > (64 << 20)) {
            throw usage("--bs must be a multiple of 512 bytes, at most 64 MiB");
        }
        if (iodepth < 1 || iodepth > 4096) {
            throw usage("--iodepth must be 1..4096");
        }
        if (queues < 1 || queues > 256) {
            throw usage("--queues must be 1..256");
        }
        if (rwmixread < 0 || rwmixread > 100) {
            throw usage("--rwmixread must be 0..100");
        }
        if (runtime < 1 || runtime > 86_400 || ramp < 0 || ramp > 3600) {
            throw usage("--runtime must be 1..86400 seconds and --ramp 0..3600");
        }
        if (verifyOnly && verifyLog == null) {
            throw usage("--verify-only needs --verify-log FILE");
        }
        if (rateIops < 0) {
            throw usage("--rate-iops must not be negative");
        }
        long bytes = size == null ? 0 : parseSize(size, "--size");
        return new BenchSettings(paths.isEmpty() ? discovery : paths.getFirst(), nqn, hostNqn, nsid, rw, rwmixread,
                (int) ioSize, iodepth, queues, runtime, ramp, bytes, 0, verify || verifyLog != null, verifyLog,
                verifyOnly, headerDigest, dataDigest, rateIops, json, busyPoll,
                paths.isEmpty() ? List.of(discovery) : List.copyOf(paths), discovery, noPathTimeout * 1000);
    }

    private long parseSize(String text, String option) {
        try {
            return Sizes.parse(text);
        } catch (IllegalArgumentException e) {
            throw usage(option + ": " + e.getMessage());
        }
    }

    private InetSocketAddress parseAddress(String text, String option) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw usage(option + " must be HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw usage(option + " port must be 1..65535");
            }
            return new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            throw usage(option + " must be HOST:PORT");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Runs the command on its own (for a bench jar or a test); returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        picocli.CommandLine cl = new picocli.CommandLine(new BenchCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }
}
