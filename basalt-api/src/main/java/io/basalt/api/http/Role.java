package io.basalt.api.http;

/** What a caller may do: a viewer reads, an admin also changes. */
public enum Role {
    VIEWER, ADMIN;

    public boolean covers(Role needed) {
        return this == ADMIN || needed == VIEWER;
    }
}
