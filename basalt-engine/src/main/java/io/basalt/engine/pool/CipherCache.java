package io.basalt.engine.pool;

import io.basalt.engine.services.AesXts;
import io.basalt.engine.services.DataKey;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One thread's XTS ciphers, one per data key it has used: a cipher holds a key schedule and
 * scratch buffers, so it is built once per (thread, key), not per block. Confined to its thread.
 */
final class CipherCache {
    /** Past this many keys (deleted volumes leave theirs behind) the cache starts over. */
    private static final int MAX_KEYS = 1024;
    private final Map<DataKey, AesXts> ciphers = new IdentityHashMap<>();

    AesXts of(DataKey key) {
        AesXts c = ciphers.get(key);
        if (c == null) {
            if (ciphers.size() >= MAX_KEYS) {
                ciphers.clear();
            }
            c = key.newCipher(PayloadPipeline.MAX_BLOCK);
            ciphers.put(key, c);
        }
        return c;
    }
}
