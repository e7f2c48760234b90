package io.basalt.csi.node;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How the node waits for the kernel (a namespace to appear, a device to grow): check, pause, check
 * again until a deadline. The clock and the pause are given, so tests run the same loop without
 * waiting.
 */
public record Polling(Duration interval, LongSupplier nanoClock, Pause pause) {
    /** Waits between two checks. */
    public interface Pause {
        void pause(Duration d) throws InterruptedException;
    }

    /** Real time: checks every 100 ms. */
    public static Polling realTime() {
        return new Polling(Duration.ofMillis(100), System::nanoTime, d -> Thread.sleep(d));
    }
}
