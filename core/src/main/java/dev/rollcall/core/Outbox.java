package dev.rollcall.core;

import java.util.Arrays;

/**
 * What the business logic produced for one input, read by the fan-out once the journal has
 * the input: events with their recipients, and connection directives. One per ring slot, reused; grows but never shrinks.
 */
final class Outbox
{
    private OutEvent[] events = new OutEvent[4];
    private int eventCount;
    private long[] directiveUsers = new long[2];
    private long[] directiveConnections = new long[2];
    private int directiveCount;

    void reset()
    {
        for (int i = 0; i < eventCount; i++)
        {
            events[i].reset();
        }
        eventCount = 0;
        directiveCount = 0;
    }

    OutEvent addEvent()
    {
        if (eventCount == events.length)
        {
            events = Arrays.copyOf(events, eventCount * 2);
        }
        OutEvent event = events[eventCount];
        if (null == event)
        {
            event = new OutEvent();
            events[eventCount] = event;
        }
        eventCount++;
        return event;
    }

    /**
     * Drop the last event added (it turned out to have no recipients).
     */
    void dropLastEvent()
    {
        events[--eventCount].reset();
    }

    void addDirective(final long userId, final long connectionId)
    {
        if (directiveCount == directiveUsers.length)
        {
            directiveUsers = Arrays.copyOf(directiveUsers, directiveCount * 2);
            directiveConnections = Arrays.copyOf(directiveConnections, directiveCount * 2);
        }
        directiveUsers[directiveCount] = userId;
        directiveConnections[directiveCount++] = connectionId;
    }

    int eventCount()
    {
        return eventCount;
    }

    OutEvent event(final int index)
    {
        return events[index];
    }

    int directiveCount()
    {
        return directiveCount;
    }

    long directiveUser(final int index)
    {
        return directiveUsers[index];
    }

    long directiveConnection(final int index)
    {
        return directiveConnections[index];
    }
}
