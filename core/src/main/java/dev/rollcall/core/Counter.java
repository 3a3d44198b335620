package dev.rollcall.core;

/**
 * What {@link RollcallCounters} counts.
 */
public enum Counter
{
    /** Exceptions caught in pipeline handlers or callbacks. */
    HANDLER_ERRORS,
    /** Inputs the journal failed to record (never acknowledged nor revealed). */
    JOURNAL_FAILURES,
    /** State inputs applied (accepted or refused) and past the fan-out. */
    INPUTS_PROCESSED,
    /** State inputs other than clock ticks past the fan-out: the inputs that can change state. */
    COMMANDS_PROCESSED,
    /** Commands refused with an error result. */
    COMMANDS_REFUSED,
    /** Events written into mailboxes. */
    EVENTS_DELIVERED,
    /** Events for a subscriber that has no open mailbox (not an error: e.g. a remote subscriber). */
    EVENTS_UNDELIVERABLE,
    /** Mailboxes dropped because they were full or an event did not fit. */
    MAILBOX_OVERFLOWS,
    /** Close-connection directives issued. */
    DIRECTIVES_ISSUED,
    /** Snapshots built by the snapshot thread and stored by the journal. */
    SNAPSHOTS_STORED,
    /** Snapshots that could not be built or stored (their futures failed; the pipeline runs on). */
    SNAPSHOT_FAILURES
}
