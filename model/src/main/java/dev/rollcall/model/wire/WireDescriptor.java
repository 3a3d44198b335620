package dev.rollcall.model.wire;

/**
 * The value types of docs/protocol.md that carry presence: strings and the {@code changes} value. All
 * integers are little endian.
 * <pre>
 *  string    u16 byte count n (0..65535), then n bytes of UTF-8
 *  nstring   like string, but n = 0xFFFF means null (no bytes follow); at most 65534 bytes
 *
 *  changes
 *   0                   1
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 *  +-------------------------------+
 *  |     Field mask (u16): bit i   |
 *  |     = field i of the table    |
 *  +-------------------------------+
 *  | then each field whose bit is set, by number, as its FieldKind says:
 *  |   BOOLEAN: bool (u8 0 or 1)     STATUS: u8 Status code
 *  |   INT32: i32                    INT64: i64
 *  |   ATTRIBUTES: u8 count (1..255), then per entry: string key, u8 kind,
 *  |     then by kind: 1 string value | 2 i64 value | 3 (remove) nothing
 *  +-------------------------------+
 * </pre>
 * The fields are those of a {@link dev.rollcall.model.FieldTable} ({@code FieldTable.PRESENCE} on the
 * wire), so a new field needs no code here. A mask bit no field of the table has is malformed, and so
 * is an attributes entry with no attribute: an empty attribute list is written as no entry.
 */
public final class WireDescriptor
{
    /** The largest UTF-8 byte count of a {@code string}. */
    public static final int MAX_STRING_BYTES = 0xFFFF;
    /** The largest UTF-8 byte count of a non-null {@code nstring}. */
    public static final int MAX_NSTRING_BYTES = 0xFFFE;
    /** The {@code nstring} byte count that means null. */
    public static final int NULL_STRING_LENGTH = 0xFFFF;
    /** The largest attribute count of a {@code changes} value. */
    public static final int MAX_ATTRIBUTES = 255;
    /** Bytes of the mask that starts a {@code changes} value. */
    public static final int MASK_LENGTH = Short.BYTES;
    /** The fewest bytes an attribute entry takes: an empty key and a removal. */
    public static final int MIN_ATTRIBUTE_BYTES = Short.BYTES + Byte.BYTES;

    private WireDescriptor()
    {
    }
}
