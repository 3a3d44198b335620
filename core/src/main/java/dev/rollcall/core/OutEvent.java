package dev.rollcall.core;

import dev.rollcall.model.Changes;
import dev.rollcall.model.EventType;
import org.agrona.collections.LongArrayList;

/**
 * One event the business logic emitted, with the subscribers it is for. Reused.
 */
final class OutEvent
{
    EventType type;
    long userId;
    long updateId;
    long lobbyId;
    long time;
    String reason;
    final Changes changes = new Changes();
    final LongArrayList recipients = new LongArrayList();

    void reset()
    {
        type = null;
        reason = null;
        changes.clear();
        recipients.clear();
    }
}
