package io.basalt.api.model;

/**
 * Something that happened on the brick. {@code type} is dotted ({@code volume.created},
 * {@code host.connected}, {@code pool.nearly-full}...); {@code severity} is info, warning or error.
 */
public record EventView(long id, String time, String type, String severity, String subject, String message) {
}
