package dev.rollcall.cluster;

import dev.rollcall.gateway.ClusterHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClusterNodeContextTest
{
    @TempDir
    Path data;

    @Test
    void shouldSyncTheLogTheCatalogAndTheRecordingLogWhenAskedTo()
    {
        final ClusterNodeContext ctx = context().sync(true);

        assertThat(ctx.archive().fileSyncLevel()).as("the archive's recordings (the log, snapshots)").isEqualTo(1);
        assertThat(ctx.archive().catalogFileSyncLevel()).as("the archive's catalog").isEqualTo(1);
        assertThat(ctx.consensusModule().fileSyncLevel()).as("the consensus module's recording log").isEqualTo(1);
    }

    @Test
    void shouldLeaveTheLogToThePageCacheByDefault()
    {
        final ClusterNodeContext ctx = context();

        assertThat(ctx.sync()).isFalse();
        assertThat(ctx.archive().fileSyncLevel()).isZero();
        assertThat(ctx.archive().catalogFileSyncLevel()).isZero();
        assertThat(ctx.consensusModule().fileSyncLevel()).isZero();
    }

    private ClusterNodeContext context()
    {
        return new ClusterNodeContext(1, List.of("127.0.0.1", "127.0.0.1", "127.0.0.1"), 20000,
            ClusterHost.Threading.DEDICATED, data, Throwable::printStackTrace);
    }
}
