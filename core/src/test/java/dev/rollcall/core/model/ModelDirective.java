package dev.rollcall.core.model;

/**
 * A CLOSE_CONNECTION directive emitted by the {@link ReferenceModel} (reason
 * {@code DISCONNECTED_BY_SERVER} for {@code disconnectUser}).
 */
public record ModelDirective(long userId, long connectionId, String reason) {
}
