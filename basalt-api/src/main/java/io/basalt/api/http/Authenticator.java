package io.basalt.api.http;

import io.basalt.api.ApiException;

/** Decides who a request's caller is from its {@code Authorization} header. */
public interface Authenticator {
    /** No authentication: the API trusts whoever reaches it (loopback by default), as admin. */
    Authenticator NONE = header -> Role.ADMIN;

    /**
     * @param authorization the header's value, or null
     * @return the caller's role
     * @throws ApiException 401 when the caller is not authenticated
     */
    Role authenticate(String authorization);
}
