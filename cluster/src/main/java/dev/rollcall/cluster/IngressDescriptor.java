package dev.rollcall.cluster;

import io.aeron.cluster.client.AeronCluster;

import java.nio.ByteOrder;

/**
 * The layout of a gateway's messages on the cluster's ingress (the Raft log's entries), little
 * endian. A message is a batch of one or more records, each {@code int32 length} then the record
 * (whatever the gateway had waiting when it sent, up to {@link #MAX_BATCH_BYTES}); a record:
 * <pre>
 *  0  int32  type      {@link #COMMAND} or {@link #HELLO}
 *  4  int32  node      the sending gateway's node number (from 1)
 *  8  int64  sequence  numbers the gateway session's messages from 1: a message re-sent after a
 *                      leader change carries its first number and is applied once
 * 16  int64  correlationId  a command's id on its own node (0: no result wanted)
 * 24  ...    input     COMMAND only: the command, encoded by the core's InputCodec
 * </pre>
 * A HELLO is a gateway session's first message: the node's previous gateway (if any) is gone, so
 * its connections are lost.
 */
final class IngressDescriptor
{
    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    /** A command for the presence state machine. */
    static final int COMMAND = 1;
    /** A gateway session begins. */
    static final int HELLO = 2;

    static final int TYPE_OFFSET = 0;
    static final int NODE_OFFSET = 4;
    static final int SEQUENCE_OFFSET = 8;
    static final int CORRELATION_ID_OFFSET = 16;
    static final int HEADER_LENGTH = 24;
    /** The length before each record of a batch. */
    static final int LENGTH_PREFIX = Integer.BYTES;
    /** The most a batch (one cluster message) takes: an eighth of the term less the cluster's session header. */
    static final int MAX_BATCH_BYTES =
        ClusterNodeContext.TERM_LENGTH_BYTES / 8 - AeronCluster.SESSION_HEADER_LENGTH;

    private IngressDescriptor()
    {
    }
}
