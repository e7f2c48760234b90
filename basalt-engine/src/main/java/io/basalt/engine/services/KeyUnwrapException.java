package io.basalt.engine.services;

import java.security.GeneralSecurityException;

/**
 * A wrapped data key failed AES key wrap's integrity check: it was wrapped under another
 * key-encryption key, or its bytes are damaged. Carries no key material.
 */
public final class KeyUnwrapException extends GeneralSecurityException {
    public KeyUnwrapException(String message) {
        super(message);
    }
}
