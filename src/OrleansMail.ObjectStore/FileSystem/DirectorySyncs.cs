using System.Collections.Concurrent;

namespace OrleansMail.ObjectStore.FileSystem;

/// <summary>
/// Group commit for directory fsyncs: writers that renamed a file into the same directory while an fsync of it
/// was running share the next one, instead of queueing one fsync each. A caller only ever joins a round that has
/// not started yet, so the fsync it waits for begins after its rename: the rename is durable when it returns.
/// </summary>
internal sealed class DirectorySyncs
{
    private readonly ConcurrentDictionary<string, Round> _directories = new(StringComparer.Ordinal);

    public Task SyncAsync(string directory)
    {
        while (true)
        {
            var rounds = _directories.GetOrAdd(directory, d => new Round(d, this));
            if (rounds.TryJoin(out var done))
            {
                return done;
            }
        }
    }

    /// <summary>The fsync rounds of one directory: at most one running and one gathering callers.</summary>
    private sealed class Round(string directory, DirectorySyncs owner)
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource? _gathering;
        private bool _active;
        private bool _retired;

        public bool TryJoin(out Task done)
        {
            lock (_lock)
            {
                done = Task.CompletedTask;
                if (_retired)
                {
                    return false; // went idle and left the table: the caller takes a fresh one
                }

                _gathering ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                done = _gathering.Task;
                if (!_active)
                {
                    _active = true;
                    _ = Task.Run(Run);
                }

                return true;
            }
        }

        private void Run()
        {
            while (true)
            {
                TaskCompletionSource round;
                lock (_lock)
                {
                    if (_gathering is null)
                    {
                        _active = false;
                        _retired = true;
                        owner._directories.TryRemove(new KeyValuePair<string, Round>(directory, this));
                        return;
                    }

                    round = _gathering;
                    _gathering = null;
                }

                try
                {
                    Durability.SyncDirectory(directory);
                    round.SetResult();
                }
                catch (Exception e)
                {
                    round.SetException(e);
                }
            }
        }
    }
}
