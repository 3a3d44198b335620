package dev.rollcall.core;

import java.util.Arrays;

/**
 * What the business logic produced for one input, read by the fan-out once the journal has
 * the input: client images for the read model, events with their recipients, and
 * connection directives. One per ring slot, reused; grows but never shrinks.
 */
final class Outbox
{
    private OutEvent[] events = new OutEvent[4];
    private int eventCount;
    private ClientState[] images = new ClientState[2];
    private boolean[] removed = new boolean[2];
    private int imageCount;
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
        imageCount = 0;
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

    void addImage(final ClientState client)
    {
        ensureImageCapacity();
        ClientState image = images[imageCount];
        if (null == image)
        {
            image = new ClientState();
            images[imageCount] = image;
        }
        image.copyFrom(client);
        removed[imageCount++] = false;
    }

    void addRemoval(final long userId)
    {
        ensureImageCapacity();
        ClientState image = images[imageCount];
        if (null == image)
        {
            image = new ClientState();
            images[imageCount] = image;
        }
        image.userId = userId;
        removed[imageCount++] = true;
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

    int imageCount()
    {
        return imageCount;
    }

    ClientState image(final int index)
    {
        return images[index];
    }

    boolean isRemoval(final int index)
    {
        return removed[index];
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

    private void ensureImageCapacity()
    {
        if (imageCount == images.length)
        {
            images = Arrays.copyOf(images, imageCount * 2);
            removed = Arrays.copyOf(removed, imageCount * 2);
        }
    }
}
