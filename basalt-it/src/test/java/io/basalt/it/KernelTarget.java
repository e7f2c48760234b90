package io.basalt.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Linux kernel's NVMe/TCP target (nvmet-tcp) in a {@link LinuxGuest}, set up by
 * {@code src/test/guest/kernel-target.sh} and reached from this machine on 127.0.0.1 through qemu's
 * port forwarding. Each guest port has the number of the host port forwarded to it, so the addresses
 * in nvmet's discovery log (which name the guest's port) are the ones this machine connects to.
 *
 * <p>Every wait is bounded; {@link #close()} stops the guest however far it got, and the JVM's
 * shutdown hook in {@link Processes} takes qemu along if the test JVM dies first.
 */
final class KernelTarget implements AutoCloseable {

    static final String NQN = "nqn.2014-08.org.example:kernel-target";
    /** The namespace: a brd RAM disk in the guest (TCG is slow; the contract needs 16 MiB). */
    static final int SIZE_MIB = 64;

    /** The script's answers; anything else it says starting with "KERNEL-TARGET-" is a failure. */
    static final String READY = "KERNEL-TARGET-READY ";
    static final String DROPPED = "KERNEL-TARGET-DROPPED ";

    /** Booting the guest under TCG and configuring nvmet: usually about 8 s, far more on a loaded machine. */
    static final Duration READY_LIMIT = Duration.ofSeconds(180);
    static final Duration COMMAND_LIMIT = Duration.ofSeconds(30);
    /** From the stop command to qemu's exit: the script ends at once, the guest powers off. */
    static final Duration STOP_LIMIT = Duration.ofSeconds(60);

    private final String kernel;
    private final GuestRun guest;
    private final InetSocketAddress ioAddress;
    private final InetSocketAddress discoveryAddress;
    /** The script's answers ("KERNEL-TARGET-..." lines), in order. */
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();

    private KernelTarget(String kernel, Duration limit) throws IOException, InterruptedException {
        this.kernel = kernel;
        LinuxGuest linux = new LinuxGuest(kernel).ensureBuilt();
        int ioPort = BrickProcess.freePort();
        int discoveryPort = BrickProcess.freePort();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.ioAddress = new InetSocketAddress(loopback, ioPort);
        this.discoveryAddress = new InetSocketAddress(loopback, discoveryPort);
        this.guest = linux.boot(LinuxGuest.guestDir().resolve("kernel-target.sh"),
                Map.of("KERNEL_TARGET_NQN", NQN,
                        "KERNEL_TARGET_IO_PORT", Integer.toString(ioPort),
                        "KERNEL_TARGET_DISCOVERY_PORT", Integer.toString(discoveryPort),
                        "KERNEL_TARGET_MIB", Integer.toString(SIZE_MIB),
                        "KERNEL_TARGET_WAIT", Long.toString(limit.toSeconds())),
                Map.of(ioPort, ioPort, discoveryPort, discoveryPort), limit, (run, line) -> {
                    if (line.startsWith("KERNEL-TARGET-")) {
                        answers.add(line);
                    }
                });
    }

    /**
     * Boots the guest and waits until nvmet listens on both ports. On any failure the guest is
     * stopped and an AssertionError says what the guest printed.
     *
     * @param limit how long the guest may run in all (run-guest.sh's time limit)
     */
    static KernelTarget start(String kernel, Duration limit) throws IOException, InterruptedException {
        KernelTarget t = new KernelTarget(kernel, limit);
        try {
            String first = t.awaitAnswer(READY_LIMIT);
            if (first == null || !first.startsWith(READY)) {
                throw new AssertionError("the kernel target in the Linux " + kernel + " guest did not get ready"
                        + (first == null ? " within " + READY_LIMIT + " (or the guest ended)" : ": " + first)
                        + t.consoleTail());
            }
            if (!first.startsWith(READY + kernel + ".")) {
                throw new AssertionError("expected Linux " + kernel + ", the guest runs " + first);
            }
            return t;
        } catch (RuntimeException | Error | InterruptedException e) {
            t.close();
            throw e;
        }
    }

    String kernel() {
        return kernel;
    }

    InetSocketAddress ioAddress() {
        return ioAddress;
    }

    InetSocketAddress discoveryAddress() {
        return discoveryAddress;
    }

    /**
     * Has nvmet drop every connection and listen again, with the same namespace data: the subsystem is
     * unlinked from both ports, which deletes its controllers and closes the listeners, and linked
     * again. Returns once the guest says it is done.
     */
    void dropConnections() throws InterruptedException {
        answers.clear();
        guest.reply("kernel-target drop");
        String answer = awaitAnswer(COMMAND_LIMIT);
        if (answer == null || !answer.startsWith(DROPPED)) {
            throw new AssertionError("the kernel target did not drop its connections"
                    + (answer == null ? " within " + COMMAND_LIMIT + " (or the guest ended)" : ": " + answer)
                    + consoleTail());
        }
    }

    /** The script's next answer, or null after {@code limit} or as soon as the guest has ended. */
    private String awaitAnswer(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            String answer = answers.poll(1, TimeUnit.SECONDS);
            if (answer != null) {
                return answer;
            }
            if (!guest.isRunning()) {
                return answers.poll();   // qemu may have failed to start, e.g. a forwarded port taken
            }
        }
        return null;
    }

    /**
     * Asks the guest script to end, then waits for the guest to power off.
     *
     * @return run-guest.sh's exit status: 0 when the script stopped cleanly
     */
    int stop() throws InterruptedException {
        guest.reply("kernel-target stop");
        return guest.awaitExit(STOP_LIMIT);
    }

    private String consoleTail() {
        List<String> lines = guest.console();
        return "\n--- guest console, last lines\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Stops qemu (and run-guest.sh) if it is still running. */
    @Override
    public void close() {
        guest.close();
    }
}
