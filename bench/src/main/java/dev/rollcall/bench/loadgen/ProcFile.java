package dev.rollcall.bench.loadgen;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.ToLongFunction;

/**
 * A small Linux {@code /proc} file opened once (before a run opens its connections, so a run
 * that uses every file descriptor it may can still read it) and read again from its start each
 * time: {@link ProcIo} and {@link ProcStat}.
 */
abstract class ProcFile implements AutoCloseable
{
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(4096);

    ProcFile(final FileChannel channel)
    {
        this.channel = channel;
    }

    /**
     * @param file the file.
     * @return it open for reading, or null when absent or unreadable.
     */
    static FileChannel openChannel(final Path file)
    {
        try
        {
            return FileChannel.open(file, StandardOpenOption.READ);
        }
        catch (final IOException | SecurityException | UnsupportedOperationException ex)
        {
            return null;
        }
    }

    /**
     * @param parser turns the file's text into a value, -1 when it is not in the expected format.
     * @return the parsed value of the file's content now, or -1 when it cannot be read.
     */
    final long read(final ToLongFunction<String> parser)
    {
        buffer.clear();
        try
        {
            long position = 0;
            int read;
            while (buffer.hasRemaining() && (read = channel.read(buffer, position)) > 0)
            {
                position += read;
            }
        }
        catch (final IOException ex)
        {
            return -1;
        }
        buffer.flip();
        return parser.applyAsLong(StandardCharsets.US_ASCII.decode(buffer).toString());
    }

    @Override
    public final void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // closing
        }
    }
}
