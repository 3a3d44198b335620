package dev.rollcall.bench.loadgen;

import org.HdrHistogram.Histogram;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What a {@link LoadRun} measured: counts over the whole run and over its measured part, and
 * three latency histograms in <b>nanoseconds</b> (identify: IDENTIFY sent → READY, over the
 * connect phase; update → RESULT and update → delivery to a watcher, over the measured part and
 * the drain after it).
 */
public final class LoadResult
{
    private final LoadSettings settings;
    private final long startedAtEpochMs;
    private final int threads;
    private final int plannedWatchers;
    private final double connectSeconds;
    private final double measuredSeconds;
    private final LoadStats totals;
    private final LoadStats measured;
    private final Histogram identifyLatency;
    private final Histogram resultLatency;
    private final Histogram deliveryLatency;
    private final ServerHello hello;
    private final CommandBudget budget;
    private final long syscallsDelta;
    private final String syscallsNote;
    private final LoadRun.ServerCpu serverCpu;
    private final List<String> problems;
    private final List<String> warnings;

    LoadResult(final LoadSettings settings, final long startedAtEpochMs, final int threads, final int plannedWatchers,
        final double connectSeconds, final double measuredSeconds, final LoadStats totals, final LoadStats measured,
        final Histogram identifyLatency, final Histogram resultLatency, final Histogram deliveryLatency,
        final ServerHello hello, final CommandBudget budget, final long syscallsDelta, final String syscallsNote,
        final LoadRun.ServerCpu serverCpu, final List<String> problems, final List<String> warnings)
    {
        this.settings = settings;
        this.startedAtEpochMs = startedAtEpochMs;
        this.threads = threads;
        this.plannedWatchers = plannedWatchers;
        this.connectSeconds = connectSeconds;
        this.measuredSeconds = measuredSeconds;
        this.totals = totals;
        this.measured = measured;
        this.identifyLatency = identifyLatency;
        this.resultLatency = resultLatency;
        this.deliveryLatency = deliveryLatency;
        this.hello = hello;
        this.budget = budget;
        this.syscallsDelta = syscallsDelta;
        this.syscallsNote = syscallsNote;
        this.serverCpu = serverCpu;
        this.problems = List.copyOf(problems);
        this.warnings = List.copyOf(warnings);
    }

    /** @return the settings of the run. */
    public LoadSettings settings()
    {
        return settings;
    }

    /** @return when the run started, epoch ms. */
    public long startedAtEpochMs()
    {
        return startedAtEpochMs;
    }

    /** @return selector threads used (at most one per connection). */
    public int threads()
    {
        return threads;
    }

    /** @return seconds from the first connect until every connection was ready or failed. */
    public double connectSeconds()
    {
        return connectSeconds;
    }

    /** @return seconds of the measured part (the per-second rates divide by it). */
    public double measuredSeconds()
    {
        return measuredSeconds;
    }

    /** @return connections that got READY. */
    public long connectionsOk()
    {
        return totals.connectionsOk;
    }

    /** @return connections that never got READY (refused, closed, timed out). */
    public long connectionsFailed()
    {
        return totals.connectionsFailed;
    }

    /** @return ready connections that ended before the run closed them (CLOSE from the server, EOF, I/O error). */
    public long connectionsLost()
    {
        return totals.connectionsLost;
    }

    /** @return ready connections the run closed at its end. */
    public long connectionsClosedAtEnd()
    {
        return totals.connectionsClosedAtEnd;
    }

    /** @return IDENTIFY frames sent. */
    public long identifiesSent()
    {
        return totals.identifiesSent;
    }

    /** @return UPDATE frames sent over the whole run. */
    public long updatesSent()
    {
        return totals.updatesSent;
    }

    /** @return RESULTs (Redis: non-error replies) received for updates over the whole run. */
    public long updatesAcked()
    {
        return totals.updatesAcked;
    }

    /** @return RESULTs of updates counted by result (sums to {@link #updatesAcked()}). */
    public long resultsReceived()
    {
        return totals.results();
    }

    /** @return updates due in rate mode that no connection could take (window full, budget spent, behind). */
    public long updatesSkipped()
    {
        return totals.updatesSkipped;
    }

    /** @return updates still unanswered when their connection ended or the drain ran out. */
    public long updatesLost()
    {
        return totals.updatesLost;
    }

    /** @return RESULTs matching no update in flight. */
    public long unmatchedResults()
    {
        return totals.unmatchedResults;
    }

    /** @return SUBSCRIBE frames sent (one per ready watcher). */
    public long subscribesSent()
    {
        return totals.subscribesSent;
    }

    /** @return SUBSCRIBE frames answered APPLIED or UNCHANGED. */
    public long subscribesOk()
    {
        return totals.subscribesOk;
    }

    /** @return result name → count, e.g. {@code APPLIED → 1234}. */
    public Map<String, Long> resultsByName()
    {
        return totals.resultsByName();
    }

    /** @return ERROR frames (Rollcall) and error replies (Redis) received. */
    public long errors()
    {
        return totals.errors();
    }

    /** @return "code NAME" → ERROR frames received. */
    public Map<String, Long> errorsByCode()
    {
        return LoadStats.byCode(totals.errorsByCode);
    }

    /** @return "code NAME" → CLOSE frames received. */
    public Map<String, Long> closesByCode()
    {
        return LoadStats.byCode(totals.closesByCode);
    }

    /** @return why connections failed or were lost → count. */
    public Map<String, Long> failureReasons()
    {
        return Map.copyOf(totals.failureReasons);
    }

    /** @return DISPATCH frames received over the whole run. */
    public long dispatches()
    {
        return totals.dispatches;
    }

    /** @return event kind → DISPATCH frames received. */
    public Map<String, Long> dispatchesByKind()
    {
        return totals.dispatchesByName();
    }

    /** @return dispatches carrying an update's stamp (timed deliveries). */
    public long deliveries()
    {
        return totals.deliveries;
    }

    /** @return HEARTBEAT frames sent. */
    public long heartbeatsSent()
    {
        return totals.heartbeatsSent;
    }

    /** @return HEARTBEAT_ACK frames received. */
    public long heartbeatAcks()
    {
        return totals.heartbeatAcks;
    }

    /** @return watchers planned. */
    public int plannedWatchers()
    {
        return plannedWatchers;
    }

    /** @return watchers that got READY. */
    public long watchers()
    {
        return totals.watchers;
    }

    /** @return ready watchers that received no timed delivery. */
    public long watchersWithoutDeliveries()
    {
        return totals.watchersWithoutDeliveries;
    }

    /** @return bytes written to the sockets. */
    public long bytesSent()
    {
        return totals.bytesSent;
    }

    /** @return bytes read from the sockets. */
    public long bytesReceived()
    {
        return totals.bytesReceived;
    }

    /** @return frames that made no sense in their connection's state, and undecodable ones. */
    public long protocolProblems()
    {
        return totals.unexpectedFrames + totals.protocolErrors;
    }

    /** @return IDENTIFY sent → READY, nanoseconds (a copy). */
    public Histogram identifyLatencyNanos()
    {
        return identifyLatency.copy();
    }

    /** @return UPDATE sent → its RESULT, nanoseconds, after the warmup (a copy). */
    public Histogram updateResultLatencyNanos()
    {
        return resultLatency.copy();
    }

    /** @return UPDATE sent → its DISPATCH read by a watcher, nanoseconds, after the warmup (a copy). */
    public Histogram deliveryLatencyNanos()
    {
        return deliveryLatency.copy();
    }

    /**
     * @return the server process's {@code syscr + syscw} delta over the measured part divided by the events of
     *         the measured part (updates acked + dispatches), when {@code --server-pid} was given and
     *         {@code /proc/<pid>/io} readable. An approximation: it counts every read and write syscall of the
     *         process (journal, timers, epoll excluded as it is neither), and events are counted on arrival.
     */
    public OptionalDouble syscallsPerEvent()
    {
        final long events = measured.updatesAcked + measured.dispatches;
        return syscallsDelta < 0 || 0 == events ? OptionalDouble.empty() : OptionalDouble.of((double)syscallsDelta / events);
    }

    /** @return the syscall delta over the measured part, or -1 when unavailable. */
    public long syscallsDelta()
    {
        return syscallsDelta;
    }

    /** @return why syscalls per event are unavailable, or how they were measured. */
    public String syscallsNote()
    {
        return syscallsNote;
    }

    /**
     * @return microseconds of server CPU time ({@code utime + stime} of {@code --server-pid}, all threads) per update
     *         acked in the measured part, when {@code /proc/<pid>/stat} was readable. Resolution: one clock tick
     *         (10 ms) over the whole measured part.
     */
    public OptionalDouble serverCpuMicrosPerUpdate()
    {
        final long updates = measured.updatesAcked;
        return serverCpu.ticks() < 0 || 0 == updates ? OptionalDouble.empty() :
            OptionalDouble.of(serverCpu.ticks() * ProcStat.MICROS_PER_TICK / updates);
    }

    /** @return the server's CPU time over the measured part in clock ticks, or -1 when unavailable. */
    public long serverCpuTicks()
    {
        return serverCpu.ticks();
    }

    /**
     * @return the server's CPU time over the measured part divided by its length: cores busy on average, or
     *         empty when unavailable.
     */
    public OptionalDouble serverCpuCores()
    {
        return serverCpu.ticks() < 0 || measuredSeconds <= 0 ? OptionalDouble.empty() :
            OptionalDouble.of(serverCpu.ticks() / (double)ProcStat.TICKS_PER_SECOND / measuredSeconds);
    }

    /** @return why server CPU is unavailable, or how it was measured. */
    public String serverCpuNote()
    {
        return serverCpu.note();
    }

    /** @return updates answered with an error reply (Redis). */
    public long updatesFailed()
    {
        return totals.updatesFailed;
    }

    /** @return error reply text → count (Redis). */
    public Map<String, Long> errorReplies()
    {
        return Map.copyOf(totals.errorReplyTexts);
    }

    /** @return what went wrong with the run itself (threads that did not stop or died), empty when nothing. */
    public List<String> problems()
    {
        return problems;
    }

    /** @return what may spoil the run though it ran (e.g. an open files limit below the connections). */
    public List<String> warnings()
    {
        return warnings;
    }

    /**
     * @return true when every connection got READY and was closed by the run, nothing was refused, closed, lost or
     *         undecodable, and every update got its RESULT (Redis: a reply that is not an error).
     */
    public boolean isClean()
    {
        return problems.isEmpty() && 0 == totals.connectionsFailed && 0 == totals.connectionsLost &&
            0 == totals.errors() && 0 == totals.closes() && 0 == protocolProblems() && 0 == totals.unmatchedResults &&
            0 == totals.updatesLost && totals.updatesSent == totals.updatesAcked && 0 == totals.subscribesRefused;
    }

    LoadStats totals()
    {
        return totals;
    }

    LoadStats measured()
    {
        return measured;
    }

    ServerHello hello()
    {
        return hello;
    }

    CommandBudget budget()
    {
        return budget;
    }
}
