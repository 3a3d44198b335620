package dev.rollcall.journal;

/**
 * Layout of one journal document: the inputs of one pipeline batch, version {@value #VERSION}.
 * One Chronicle document per batch amortises the per-document cost over the batch.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Magic 'RCJB'                           |
 *  +-------------------------------+-------------------------------+
 *  |           Version             |           Reserved            |
 *  +-------------------------------+-------------------------------+
 *  |           Number of the first input (int64, 1-based)          |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Input count (int32)                      |
 *  +---------------------------------------------------------------+
 *  |                    Payload length (int32)                     |
 *  +---------------------------------------------------------------+
 *  |                   CRC-32 of the payload (int32)               |
 *  +---------------------------------------------------------------+
 *  |  Payload: per input, int32 length then the input in the       |
 *  |  core's InputCodec layout                                     |
 *  +---------------------------------------------------------------+
 * </pre>
 * All little endian. Input numbers are consecutive across documents: the n-th input ever
 * journaled is number n, and a snapshot's position is the number of its last input.
 */
final class BatchDescriptor
{
    static final int MAGIC = 0x424A4352;
    static final short VERSION = 1;
    static final int HEADER_LENGTH = 28;
    /** A batch is written as one document once it holds this many bytes, even mid-batch. */
    static final int MAX_PAYLOAD = 256 * 1024;

    private BatchDescriptor()
    {
    }
}
