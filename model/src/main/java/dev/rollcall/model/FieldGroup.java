package dev.rollcall.model;

/**
 * Which update commands may set a field (docs/PRESENCE-RULES.md, "Updates").
 */
public enum FieldGroup
{
    /** Set by {@code updateClient} and {@code updateClientFull}. */
    STANDARD,
    /** Set by {@code updateClientInLobby} and {@code updateClientFull}; carried by lobby-topic events. */
    LOBBY
}
