package io.basalt.it;

import io.basalt.csi.node.CommandRunner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A {@link CommandRunner} whose commands run in a Linux guest: each argv goes to the guest script
 * {@code src/test/guest/csi-node.sh} as one console line, which runs it and prints its result line
 * (the protocol is in the script's header). The CSI node service driven with this runner attaches
 * volumes with the guest's kernel, nvme-cli and mounts, while the plugin itself runs here.
 *
 * <p>Give it the guest's console lines ({@link #accept}) and, once booted, the way to type a line
 * into the guest ({@link #attach}). Commands run one at a time, as the guest loop does. Console
 * noise is tolerated: lines that are not results are ignored, a result line that does not check out
 * (a kernel message printed into its middle) is asked for again, and a result that comes after its
 * command gave up is dropped.
 */
final class GuestCommandRunner implements CommandRunner, BiConsumer<GuestRun, String> {
    static final String READY = "BASALT-CSI-NODE-READY";
    static final String REQUEST = "BASALT-CSI-RUN ";
    static final String RESULT = "BASALT-CSI-DONE ";
    static final String RESEND = "BASALT-CSI-RESEND ";
    static final String END = "BASALT-CSI-END";
    /** How often one garbled result is asked for again before the command fails. */
    static final int MAX_RESENDS = 3;

    private final Duration commandTimeout;
    private final Duration slack;
    private final ConcurrentMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final List<String> transcript = new ArrayList<>();
    private volatile Consumer<String> toGuest;
    private volatile String hostNqn;
    private long nextId;

    /** A command that waits for its result; {@code resends} counts garbled copies asked for again. */
    private record Pending(CompletableFuture<Result> result, int[] resends) {
    }

    /**
     * @param commandTimeout how long the guest lets one command run before it kills it
     * @param slack          how much longer we wait for its result line (a slow, emulated guest)
     */
    GuestCommandRunner(Duration commandTimeout, Duration slack) {
        this.commandTimeout = commandTimeout;
        this.slack = slack;
    }

    /** Where request lines go: the guest console's input, e.g. {@code guest::reply}. */
    void attach(Consumer<String> sendLine) {
        this.toGuest = sendLine;
    }

    /**
     * Waits until the guest loop reads requests, or fails as soon as {@code guestAlive} says the guest
     * has ended (a kernel that panics at boot); answers the guest's host NQN.
     */
    String awaitReady(Duration limit, BooleanSupplier guestAlive) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!ready.await(200, TimeUnit.MILLISECONDS)) {
            if (!guestAlive.getAsBoolean() && ready.getCount() > 0) {
                throw new AssertionError("the guest ended before csi-node.sh printed " + READY
                        + " (see its console above)");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the guest's csi-node.sh did not print " + READY + " within " + limit);
            }
        }
        return hostNqn;
    }

    /** Ends the guest loop (the guest script then exits 0). */
    void end() {
        Consumer<String> out = toGuest;
        if (out != null) {
            out.accept(END);
        }
    }

    /** Every command and its exit status, in order, for the test's report. */
    synchronized List<String> transcript() {
        return List.copyOf(transcript);
    }

    @Override
    public synchronized Result run(List<String> argv) throws IOException {
        Consumer<String> out = toGuest;
        if (out == null || ready.getCount() > 0) {
            throw new IOException("the guest is not ready for commands");
        }
        long id = ++nextId;
        Pending p = new Pending(new CompletableFuture<>(), new int[1]);
        pending.put(id, p);
        long start = System.nanoTime();
        try {
            out.accept(request(id, commandTimeout, argv));
            Result r = p.result().get(commandTimeout.plus(slack).toMillis(), TimeUnit.MILLISECONDS);
            transcript.add(String.join(" ", argv) + " -> " + r.exitCode() + " ("
                    + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms)");
            return r;
        } catch (TimeoutException e) {
            transcript.add(String.join(" ", argv) + " -> no result");
            throw new IOException(String.join(" ", argv) + ": no result from the guest within "
                    + commandTimeout.plus(slack));
        } catch (ExecutionException e) {
            throw new IOException(String.join(" ", argv) + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + argv.getFirst() + " in the guest", e);
        } finally {
            pending.remove(id);
        }
    }

    /** A console line from the guest. */
    @Override
    public void accept(GuestRun run, String line) {
        if (line.startsWith(READY)) {
            hostNqn = line.substring(READY.length()).trim();
            ready.countDown();
            return;
        }
        int at = line.indexOf(RESULT);
        if (at < 0) {
            return;
        }
        String[] f = line.substring(at + RESULT.length()).trim().split(" ");
        long id;
        try {
            id = Long.parseLong(f[0]);
        } catch (NumberFormatException e) {
            return;   // not even the id survived: the command's own timeout ends the wait
        }
        Pending p = pending.get(id);
        if (p == null) {
            return;   // a late copy, or the answer to a command that gave up
        }
        Optional<Result> r = parse(f);
        if (r.isPresent()) {
            p.result().complete(r.get());
        } else if (p.resends()[0]++ < MAX_RESENDS) {
            toGuest.accept(RESEND + id);
        } else {
            p.result().completeExceptionally(new IOException("result " + id + " arrived garbled "
                    + (MAX_RESENDS + 1) + " times: " + line));
        }
    }

    /** {@code BASALT-CSI-RUN <id> <seconds> <arg>...}, each argument in base64, an empty one as "-". */
    static String request(long id, Duration timeout, List<String> argv) {
        StringBuilder s = new StringBuilder(REQUEST).append(id).append(' ').append(Math.max(1, timeout.toSeconds()));
        for (String a : argv) {
            s.append(' ').append(encode(a.getBytes(StandardCharsets.UTF_8)));
        }
        return s.toString();
    }

    /**
     * The fields after {@code BASALT-CSI-DONE}: id, exit, stdout bytes, stderr bytes, stdout, stderr.
     * Empty unless every field is there and both outputs decode to exactly the lengths announced,
     * which a kernel message printed into the line would break.
     */
    static Optional<Result> parse(String[] f) {
        if (f.length != 6) {
            return Optional.empty();
        }
        try {
            int exit = Integer.parseInt(f[1]);
            byte[] out = decode(f[4]);
            byte[] err = decode(f[5]);
            if (out.length != Integer.parseInt(f[2]) || err.length != Integer.parseInt(f[3])) {
                return Optional.empty();
            }
            return Optional.of(new Result(exit, new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {   // NumberFormatException too
            return Optional.empty();
        }
    }

    private static String encode(byte[] bytes) {
        return bytes.length == 0 ? "-" : Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] decode(String field) {
        return field.equals("-") ? new byte[0] : Base64.getDecoder().decode(field);
    }
}
