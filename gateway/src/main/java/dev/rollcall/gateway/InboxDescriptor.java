package dev.rollcall.gateway;

/**
 * Messages the core's fan-out thread writes into a gateway thread's inbox (an Agrona
 * one-to-one ring buffer; all integers in native order):
 * <pre>
 *  EVENT      i32 eventType code | i32 recipientCount | i64 recipient × count | event bytes
 *  RESULT     i64 correlationId | i32 result code
 *  DIRECTIVE  i64 userId | i64 connectionId
 * </pre>
 * The event bytes are the core's, copied as they are: the body of a DISPATCH frame with seq 0
 * (the model's {@code EventDescriptor}); they run to the end of the message. An event with many
 * recipients for one thread is split into several EVENT messages of at most
 * {@link #MAX_RECIPIENTS_PER_MESSAGE} recipients each.
 */
final class InboxDescriptor
{
    static final int EVENT = 1;
    static final int RESULT = 2;
    static final int DIRECTIVE = 3;

    static final int EVENT_TYPE_OFFSET = 0;
    static final int RECIPIENT_COUNT_OFFSET = 4;
    static final int RECIPIENTS_OFFSET = 8;

    static final int CORRELATION_OFFSET = 0;
    static final int RESULT_OFFSET = 8;
    static final int RESULT_LENGTH = 12;

    static final int USER_OFFSET = 0;
    static final int CONNECTION_OFFSET = 8;
    static final int DIRECTIVE_LENGTH = 16;

    static final int MAX_RECIPIENTS_PER_MESSAGE = 4096;

    private InboxDescriptor()
    {
    }
}
