package io.basalt.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * The test's half of the console handshake by which a cluster guest script has the test act on the
 * cluster: the guest prints {@code BASALT-CLUSTER <request> [args]} and reads one line, which is
 * {@code BASALT-CLUSTER-DONE ok DETAIL} or {@code BASALT-CLUSTER-DONE failed WHY}. Subclasses carry
 * out the requests; this records which succeeded and why the others failed.
 */
abstract class ClusterHandshake implements BiConsumer<GuestRun, String> {
    static final String REQUEST = "BASALT-CLUSTER ";
    static final String ANSWER = "BASALT-CLUSTER-DONE ";

    private final String label;
    private final List<String> done = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();

    /** {@code label} prefixes what the test prints about each request. */
    ClusterHandshake(String label) {
        this.label = label;
    }

    /**
     * Carries out one request, {@code words[0]} with its arguments after it.
     *
     * @return the detail of the ok answer
     * @throws Exception why it could not, for the failed answer
     */
    abstract String act(String[] words) throws Exception;

    @Override
    public final void accept(GuestRun guest, String line) {
        if (!line.startsWith(REQUEST)) {
            return;
        }
        String what = line.substring(REQUEST.length()).trim();
        try {
            String detail = act(what.split("\\s+"));
            done.add(what);
            System.out.println("[" + label + "] " + what + ": " + detail);
            guest.reply(ANSWER + "ok " + detail);
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            failures.add(what + ": " + why);
            System.out.println("[" + label + "] " + what + " failed: " + e);
            guest.reply(ANSWER + "failed " + why);
        }
    }

    /** The requests carried out, in order, as the guest worded them. */
    List<String> done() {
        return List.copyOf(done);
    }

    /** Each failed request with why. */
    List<String> failures() {
        return List.copyOf(failures);
    }
}
