package io.basalt.replication;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Free fan-outs, taken and returned by any thread without a lock: a fixed array of slots, each empty
 * or holding one free object; a taker swaps a slot to empty, a returner fills an empty one, both
 * starting at a rotating index so threads spread over the slots. (A linked free list would suffer ABA
 * as objects are reused.) When every object is in use, one more is made and counted as a miss; it
 * joins the pool when returned if a slot is empty.
 */
final class FanOutPool {
    private final AtomicReferenceArray<FanOut> slots;
    private final AtomicInteger cursor = new AtomicInteger();
    private final AtomicLong misses = new AtomicLong();
    private final Supplier<FanOut> factory;

    FanOutPool(int size, Supplier<FanOut> factory) {
        this.slots = new AtomicReferenceArray<>(size);
        this.factory = factory;
        for (int i = 0; i < size; i++) {
            slots.set(i, factory.get());
        }
    }

    FanOut take() {
        int n = slots.length();
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        for (int k = 0; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            if (slots.get(i) != null) {
                FanOut f = slots.getAndSet(i, null);
                if (f != null) {
                    return f;
                }
            }
        }
        misses.incrementAndGet();
        return factory.get();
    }

    void give(FanOut f) {
        int n = slots.length();
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        for (int k = 0; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            if (slots.get(i) == null && slots.compareAndSet(i, null, f)) {
                return;
            }
        }
    }

    /** Fan-outs made because the pool was empty: operations in flight beyond its size. */
    long misses() {
        return misses.get();
    }
}
