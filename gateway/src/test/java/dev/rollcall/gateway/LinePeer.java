package dev.rollcall.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A test peer of a line-based protocol over a blocking socket: says lines, hears lines (10 s at most each).
 */
public final class LinePeer implements AutoCloseable
{
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private LinePeer(final Socket socket) throws IOException
    {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    /**
     * @param port a gateway's port on 127.0.0.1.
     * @return the connected peer.
     */
    public static LinePeer connect(final int port) throws IOException
    {
        final Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        return new LinePeer(socket);
    }

    /** @param line sent with a newline. */
    public void say(final String line) throws IOException
    {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** @return the next line, or null at the end of the stream. */
    public String hear() throws IOException
    {
        return in.readLine();
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
