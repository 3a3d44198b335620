package dev.rollcall.journal.crash;

import dev.rollcall.core.ClientInfo;
import dev.rollcall.core.Input;
import dev.rollcall.core.InputType;
import dev.rollcall.model.Result;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.journal.ChronicleJournal;
import dev.rollcall.journal.JournalSettings;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The victim of {@link CrashRecoveryTest}, run in a child JVM that the test kills with SIGKILL:
 * launches Rollcall on a Chronicle journal and sends a seeded random command stream for ever,
 * with at most {@link #WINDOW} commands in flight so the pipeline batches.
 * <p>
 * Arguments: journal directory, seed, snapshotEveryInputs. Prints one line per event to
 * stdout, each with a single write(2) of less than PIPE_BUF bytes, so a kill never tears a
 * line (and the test ignores a last line without a newline anyway):
 * <pre>
 *   READY clients=&lt;recovered clients&gt; partyBase=&lt;n&gt;
 *   SENT &lt;seq&gt; &lt;command&gt;            before the command is published
 *   ACK &lt;seq&gt; &lt;result&gt; &lt;command&gt;   once its future completed: the journal holds it
 * </pre>
 * ACK lines come out in sequence order: one thread publishes, so ring order is sequence order;
 * the fan-out completes futures in ring order and runs the callbacks attached before completion
 * on its own thread, and a callback attached after completion runs at once on the publishing
 * thread, before the next command is published.
 */
public final class CrashWorker
{
    /** Commands in flight at most. */
    static final int WINDOW = 64;
    /** Keep every snapshot: retention must never delete a queue file the test replays from 0. */
    static final int SNAPSHOTS_TO_KEEP = Integer.MAX_VALUE;

    private static final FileOutputStream STDOUT = new FileOutputStream(FileDescriptor.out);

    private CrashWorker()
    {
    }

    /**
     * @param args journal directory, seed, snapshotEveryInputs.
     * @throws InterruptedException never in practice: the test kills this process.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        if (args.length != 3)
        {
            System.err.println("usage: CrashWorker <journal dir> <seed> <snapshotEveryInputs>");
            System.exit(2);
        }
        final Path directory = Path.of(args[0]);
        final long seed = Long.parseLong(args[1]);
        final long snapshotEveryInputs = Long.parseLong(args[2]);

        final Rollcall rollcall = Rollcall.launch(new RollcallContext()
            .journal(ChronicleJournal.open(new JournalSettings(directory).snapshotsToKeep(SNAPSHOTS_TO_KEEP)))
            .gracePeriodMs(CrashCommands.GRACE_MS)
            .snapshotEveryInputs(snapshotEveryInputs)
            .errorHandler(Throwable::printStackTrace));

        long partyBase = 0;
        for (final ClientInfo client : rollcall.getClientList(rollcall.listClientIds()))
        {
            if (null != client)
            {
                partyBase = Math.max(partyBase, client.partyId());
            }
        }
        emit("READY clients=" + rollcall.listClientIds().length + " partyBase=" + partyBase);

        final CrashCommands.Generator generator = new CrashCommands.Generator(seed, partyBase);
        final Semaphore window = new Semaphore(WINDOW);
        final Input command = new Input();
        for (long seq = 1; ; seq++)
        {
            window.acquire();
            generator.next(seq, command);
            final String text = CrashCommands.describe(command);
            emit("SENT " + seq + " " + text);
            final long acknowledged = seq;
            send(rollcall, command).whenComplete((result, error) ->
            {
                emit("ACK " + acknowledged + " " + (null == error ? result.name() : "EXCEPTION:" + error) + " " + text);
                window.release();
            });
        }
    }

    private static CompletableFuture<Result> send(final Rollcall rollcall, final Input command)
    {
        return switch (command.type())
        {
            case InputType.CONNECT_USER -> rollcall.connectUser(command.userId(), command.connectionId());
            case InputType.CONNECTION_LOST -> rollcall.connectionLost(command.userId(), command.connectionId());
            case InputType.DISCONNECT_USER -> rollcall.disconnectUser(command.userId());
            case InputType.UPDATE_CLIENT -> rollcall.updateClient(command.userId(), command.changes(), command.reason());
            case InputType.UPDATE_CLIENT_IN_LOBBY ->
                rollcall.updateClientInLobby(command.userId(), command.changes(), command.reason());
            case InputType.SUBSCRIBE_CLIENT -> rollcall.subscribeToClient(command.subscriberId(), command.userId());
            case InputType.UNSUBSCRIBE_CLIENT -> rollcall.unsubscribeFromClient(command.subscriberId(), command.userId());
            case InputType.SUBSCRIBE_LOBBY -> rollcall.subscribeToLobby(command.subscriberId(), command.lobbyId());
            case InputType.UNSUBSCRIBE_LOBBY -> rollcall.unsubscribeFromLobby(command.subscriberId(), command.lobbyId());
            default -> throw new IllegalStateException("not generated: " + command);
        };
    }

    /**
     * One line, one write(2), flushed: the publishing thread and the fan-out thread both print.
     */
    private static synchronized void emit(final String line)
    {
        final byte[] bytes = (line + '\n').getBytes(StandardCharsets.UTF_8);
        try
        {
            STDOUT.write(bytes, 0, bytes.length);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
