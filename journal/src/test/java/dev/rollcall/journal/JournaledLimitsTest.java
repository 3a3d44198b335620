package dev.rollcall.journal;

import dev.rollcall.core.Input;
import dev.rollcall.core.InputCodec;
import dev.rollcall.core.InputType;
import dev.rollcall.core.Limits;
import dev.rollcall.core.PresenceStateMachine;
import dev.rollcall.core.Rollcall;
import dev.rollcall.core.RollcallContext;
import dev.rollcall.model.Changes;
import dev.rollcall.model.Result;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The update limits are part of the journaled history: a Chronicle journal on disk replays to
 * the same refusals whatever limits the replaying process is configured with.
 */
class JournaledLimitsTest
{
    private static final String EMOJI = "\uD83D\uDE00"; // 4 UTF-8 bytes
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

    @TempDir
    Path dir;

    private RollcallContext ctx(final Limits limits)
    {
        return new RollcallContext().tickIntervalMs(0).clock(clock::get).gracePeriodMs(60_000).limits(limits)
            .journal(ChronicleJournal.open(dir));
    }

    private static Result await(final CompletableFuture<Result> future) throws Exception
    {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldReplayJournaledLimitsToTheSameRefusalsWhateverTheConfiguredLimits() throws Exception
    {
        // a negative SET_LIMITS written straight into the journal (the API cannot make one): refused, never thrown on
        try (ChronicleJournal journal = ChronicleJournal.open(dir))
        {
            journal.recover(new PresenceStateMachine(Limits.DEFAULT));
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
            final int length = InputCodec.encode(buffer, 0, new Input().set(InputType.SET_LIMITS, clock.get()).limits(-1, 32, 256, 128));
            journal.append(buffer, 0, length, 0, true);
        }

        final List<Result> live = new ArrayList<>();
        final long updateIdAtClose;
        try (Rollcall rollcall = Rollcall.launch(ctx(Limits.DEFAULT)))
        {
            assertThat(await(rollcall.connectUser(1, 1))).isEqualTo(Result.APPLIED);
            live.add(await(rollcall.updateClient(1, new Changes().afk(true), EMOJI.repeat(32))));
            live.add(await(rollcall.updateClient(1, new Changes().afk(false), EMOJI.repeat(33))));
            live.add(await(rollcall.updateClient(1, new Changes().afk(false), "é".repeat(128))));
            assertThat(await(rollcall.setLimits(new Limits(16, 32, 256, 8)))).isEqualTo(Result.APPLIED);
            live.add(await(rollcall.updateClient(1, new Changes().afk(false), "éééé")));
            live.add(await(rollcall.updateClient(1, new Changes().inGame(true), "ééééé")));
            live.add(await(rollcall.updateClient(1, new Changes().attribute("é".repeat(16), "v"), "")));
            live.add(await(rollcall.updateClient(1, new Changes().attribute("é".repeat(17), "v"), "")));
            updateIdAtClose = rollcall.getClient(1).updateId();
        }
        assertThat(live).containsExactly(Result.APPLIED, Result.REASON_TOO_LONG, Result.REASON_TOO_LONG, Result.APPLIED,
            Result.REASON_TOO_LONG, Result.APPLIED, Result.VALUE_TOO_LARGE);

        for (final Limits configured : new Limits[]{Limits.DEFAULT, new Limits(0, 0, 0, 0), new Limits(255, 65_535, 65_535, 65_534)})
        {
            final PresenceStateMachine replayed = new PresenceStateMachine(configured);
            final List<Result> updates = new ArrayList<>();
            final List<Result> setLimits = new ArrayList<>();
            final Input input = new Input();
            try (ChronicleJournal journal = ChronicleJournal.open(dir))
            {
                journal.reader().read(0, (number, buffer, offset, length) ->
                {
                    InputCodec.decode(buffer, offset, length, input);
                    final Result result = replayed.apply(input);
                    if (input.type() == InputType.UPDATE_CLIENT)
                    {
                        updates.add(result);
                    }
                    else if (input.type() == InputType.SET_LIMITS)
                    {
                        setLimits.add(result);
                    }
                }, null);
            }
            assertThat(updates).as("replayed with %s configured", configured).isEqualTo(live);
            assertThat(setLimits).as("the crafted one, the launch's, setLimits")
                .containsExactly(Result.INVALID_VALUE, Result.APPLIED, Result.APPLIED);
            assertThat(replayed.limits()).isEqualTo(new Limits(16, 32, 256, 8));
            assertThat(replayed.client(1).updateId()).isEqualTo(updateIdAtClose);
        }

        // recovery itself, without the close snapshot: a full replay under other configured limits
        deleteSnapshots();
        try (Rollcall rollcall = Rollcall.launch(ctx(new Limits(0, 0, 0, 0))))
        {
            assertThat(rollcall.getClient(1).updateId()).as("the same updates applied, then the reset's disconnection")
                .isEqualTo(updateIdAtClose + 1);
            assertThat(rollcall.getClient(1).attributes()).containsOnlyKeys("é".repeat(16));
            // this launch journaled its own limits: from now on they apply
            assertThat(await(rollcall.connectUser(1, 2))).isEqualTo(Result.APPLIED);
            assertThat(await(rollcall.updateClient(1, new Changes().afk(true), "a"))).isEqualTo(Result.REASON_TOO_LONG);
            assertThat(await(rollcall.updateClient(1, new Changes().afk(true), ""))).isEqualTo(Result.APPLIED);
        }
    }

    private void deleteSnapshots() throws IOException
    {
        try (Stream<Path> files = Files.list(JournalDirectory.open(dir).snapshots()))
        {
            for (final Path file : files.toList())
            {
                Files.delete(file);
            }
        }
    }
}
